"""Stored copies through relations follow Odoo's own ``depends`` (``orm/copies.py``):
``delivery.carrier.fixed_price`` is its service product's list price, both ways, on every
version, as a real Odoo 17 showed (two carriers sharing a product always show one price)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harmonizer.sandbox.service import SandboxServer

DB = "harmonizer_demo"
VERSIONS = ("16.0", "17.0", "18.0", "19.0")
REFERENCE = Path(__file__).parents[2].parent / "shared" / "odoo-reference"


@pytest.fixture(params=VERSIONS)
def ex(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    server = SandboxServer(tmp_path / "home", request.param)
    server.ensure_database(DB)

    def run(model: str, method: str, *args: object, **kwargs: object) -> object:
        return server.dispatch("object", "execute_kw", [DB, 2, "admin", model, method, list(args), kwargs])

    yield run
    server.close()


def _product(ex, code: str, price: float) -> int:  # type: ignore[no-untyped-def]
    return ex("product.product", "create", {"name": code, "default_code": code, "type": "service",
                                            "list_price": price})


def _carrier(ex, name: str, product: int, price: float | None = None) -> int:  # type: ignore[no-untyped-def]
    vals: dict[str, object] = {"name": name, "delivery_type": "fixed", "product_id": product}
    if price is not None:
        vals["fixed_price"] = price
    return ex("delivery.carrier", "create", vals)


def _prices(ex, *carriers: int) -> list[float]:  # type: ignore[no-untyped-def]
    rows = {r["id"]: r["fixed_price"] for r in ex("delivery.carrier", "read", list(carriers), ["fixed_price"])}
    return [rows[c] for c in carriers]


def _list_price(ex, product: int) -> float:  # type: ignore[no-untyped-def]
    return ex("product.product", "read", [product], ["list_price"])[0]["list_price"]


def test_writing_fixed_price_writes_the_product_and_every_carrier_sharing_it(ex) -> None:  # type: ignore[no-untyped-def]
    product = _product(ex, "SHIP-T", 10.0)
    ground = _carrier(ex, "Ground", product, 22.0)
    assert _list_price(ex, product) == 22.0
    regional = _carrier(ex, "Regional", product, 15.0)
    assert _list_price(ex, product) == 15.0
    assert _prices(ex, ground, regional) == [15.0, 15.0]  # the last write wins on both
    ex("delivery.carrier", "write", [ground], {"fixed_price": 22.0})
    assert _prices(ex, ground, regional) == [22.0, 22.0]


def test_a_carrier_created_without_a_price_shows_its_product_price(ex) -> None:  # type: ignore[no-untyped-def]
    product = _product(ex, "SHIP-U", 12.5)
    assert _prices(ex, _carrier(ex, "Pickup", product)) == [12.5]


def test_writing_the_list_price_changes_the_carriers(ex) -> None:  # type: ignore[no-untyped-def]
    product = _product(ex, "SHIP-V", 10.0)
    other = _product(ex, "SHIP-W", 7.0)
    first, second, apart = _carrier(ex, "A", product), _carrier(ex, "B", product), _carrier(ex, "C", other)
    ex("product.product", "write", [product], {"list_price": 31.0})
    assert _prices(ex, first, second, apart) == [31.0, 31.0, 7.0]
    template = ex("product.product", "read", [product], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    ex("product.template", "write", [template], {"list_price": 33.0})  # product_id.product_tmpl_id.list_price
    assert _prices(ex, first, second, apart) == [33.0, 33.0, 7.0]


def test_changing_the_product_recomputes_the_price(ex) -> None:  # type: ignore[no-untyped-def]
    cheap, dear = _product(ex, "SHIP-X", 5.0), _product(ex, "SHIP-Y", 50.0)
    carrier = _carrier(ex, "Moves", cheap)
    ex("delivery.carrier", "write", [carrier], {"product_id": dear})
    assert _prices(ex, carrier) == [50.0]
    assert _list_price(ex, cheap) == 5.0


def test_the_company_is_the_products_company(ex) -> None:  # type: ignore[no-untyped-def]
    """``company_id`` is related to ``product_id.company_id`` and writable (reference README)."""
    product = _product(ex, "SHIP-Z", 1.0)
    carrier = _carrier(ex, "Scoped", product)
    company = ex("res.company", "search", [])[0]
    ex("delivery.carrier", "write", [carrier], {"company_id": company})
    assert ex("product.product", "read", [product], ["company_id"])[0]["company_id"][0] == company


def test_fields_get_answers_odoos_depends(ex) -> None:  # type: ignore[no-untyped-def]
    answer = ex("delivery.carrier", "fields_get", ["fixed_price", "company_id", "name"],
                attributes=["depends", "related", "store", "readonly"])
    assert answer["fixed_price"]["depends"] == ["product_id.list_price", "product_id.product_tmpl_id.list_price"]
    assert answer["fixed_price"]["store"] is True and answer["fixed_price"]["readonly"] is False
    assert answer["company_id"]["related"] == "product_id.company_id"
    assert answer["name"]["depends"] == [] and "related" not in answer["name"]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="needs ../shared/odoo-reference")
@pytest.mark.parametrize("version", VERSIONS)
def test_shipped_depends_are_the_references(version: str) -> None:
    """The generated files (scripts/build_dependencies.py) hold the reference's ``depends``."""
    from harmonizer.coupling.depends import reference

    raw = json.loads((REFERENCE / version / "dependencies" / "delivery.carrier.json").read_text())
    shipped = reference(version)
    assert shipped.note is None
    for name, spec in raw.items():
        found = shipped.models["delivery.carrier"][name]
        assert list(found.depends) == list(dict.fromkeys(spec.get("depends") or []))
        assert found.related == (spec.get("related") or None) and found.store == bool(spec.get("store"))


def test_carriers_created_in_one_batch_keep_their_prices_until_the_next_write(ex) -> None:  # type: ignore[no-untyped-def]
    """As a real 17.0 answered a ``load`` of two carriers on one product (22 then 15): both
    keep the price they were created with, the product ends with the last one; the next
    write to the product brings every carrier in step."""
    product = _product(ex, "SHIP-B", 10.0)
    answer = ex("delivery.carrier", "load", ["name", "delivery_type", "product_id/.id", "fixed_price"],
                [["Ground", "fixed", str(product), "22"], ["Regional", "fixed", str(product), "15"]])
    ground, regional = answer["ids"]
    assert _prices(ex, ground, regional) == [22.0, 15.0] and _list_price(ex, product) == 15.0
    ex("delivery.carrier", "write", [ground], {"fixed_price": 22.0})
    assert _prices(ex, ground, regional) == [22.0, 22.0] and _list_price(ex, product) == 22.0
    both = ex("delivery.carrier", "create", [{"name": "X", "delivery_type": "fixed", "product_id": product,
                                              "fixed_price": 3.0},
                                             {"name": "Y", "delivery_type": "fixed", "product_id": product,
                                              "fixed_price": 4.0}])
    assert _prices(ex, *both) == [3.0, 4.0] and _prices(ex, ground, regional) == [4.0, 4.0]
