"""Inventory behaviours that differ by version, in the stand-in and in the kinds that meet them:
16.0's Returns type (a second IN type per warehouse), 18.0+'s computed default locations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from versions_helpers import ENV

from harmonizer.project import Harmonizer
from harmonizer.sandbox.service import SandboxServer

Ex = Callable[..., Any]


@pytest.fixture()
def stand_in(tmp_path: Path) -> Iterator[Callable[[str], Ex]]:
    servers: list[SandboxServer] = []

    def make(version: str) -> Ex:
        server = SandboxServer(tmp_path / version, version)
        server.ensure_database("d", fixture="demo")
        servers.append(server)
        return lambda *a: server.dispatch("object", "execute_kw", ["d", 2, "admin", *a])

    yield make
    for server in servers:
        server.close()


def _types(ex: Ex, warehouse: int) -> dict[str, dict[str, Any]]:
    rows = ex("stock.picking.type", "search_read", [[["warehouse_id", "=", warehouse],
                                                      ["active", "in", [True, False]]]],
              {"fields": ["name", "code", "sequence_code", "return_picking_type_id", "default_location_src_id",
                          "default_location_dest_id", "active"]})
    return {r["name"]: r for r in rows}


def test_16_warehouse_has_a_returns_type(stand_in: Callable[[str], Ex]) -> None:
    ex = stand_in("16.0")
    warehouse = ex("stock.warehouse", "search_read", [[["code", "=", "WH1"]]],
                   {"fields": ["return_type_id", "in_type_id", "out_type_id", "lot_stock_id"]})[0]
    types = _types(ex, warehouse["id"])
    returns, receipts, out = types["Returns"], types["Receipts"], types["Delivery Orders"]
    assert warehouse["return_type_id"][0] == returns["id"]
    assert (returns["code"], returns["sequence_code"], returns["active"]) == ("incoming", "IN", True)
    assert returns["default_location_dest_id"][0] == warehouse["lot_stock_id"][0]
    assert receipts["sequence_code"] == "IN" and receipts["return_picking_type_id"][0] == out["id"]
    assert out["return_picking_type_id"][0] == returns["id"] and returns["return_picking_type_id"] is False


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_17_plus_warehouse_has_no_returns_type(stand_in: Callable[[str], Ex], version: str) -> None:
    ex = stand_in(version)
    warehouse = ex("stock.warehouse", "search", [[["code", "=", "WH1"]]])[0]
    assert "Returns" not in _types(ex, warehouse)
    assert [t for t in _types(ex, warehouse).values() if t["sequence_code"] == "IN"] != []


def test_16_binds_receipts_not_returns(make_project: Callable[..., Path]) -> None:
    app = Harmonizer(make_project("16.0"), env=ENV)
    plan = app.plan(["all"])
    assert not plan.failures
    assert all(r.ok for r in app.apply(plan))
    server = SandboxServer(app.sandbox_home / "16.0", "16.0")
    ex: Ex = lambda *a: server.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", *a])  # noqa: E731
    warehouse = ex("stock.warehouse", "search", [[["code", "=", "WH1"]]])[0]
    rows = ex("stock.picking.type", "search_read", [[["warehouse_id", "=", warehouse]]],
              {"fields": ["name", "create_backorder"]})
    by_name = {r["name"]: r["create_backorder"] for r in rows}
    assert by_name["Receipts"] == "always" and by_name["Returns"] == "ask"
    server.close()


@pytest.mark.parametrize("version", ["18.0", "19.0"])
def test_18_plus_computes_default_locations(stand_in: Callable[[str], Ex], version: str) -> None:
    ex = stand_in(version)
    warehouse = ex("stock.warehouse", "search_read", [[["code", "=", "WH1"]]], {"fields": ["lot_stock_id"]})[0]
    stock = warehouse["lot_stock_id"][0]
    vendors = ex("stock.location", "search", [[["usage", "=", "supplier"]]])
    customers = ex("stock.location", "search", [[["usage", "=", "customer"]]])
    made = {code: ex("stock.picking.type", "create", [{"name": f"T {code}", "code": code, "sequence_code": code[:3],
                                                         "warehouse_id": warehouse["id"]}])
            for code in ("incoming", "outgoing", "internal")}
    rows = {r["id"]: r for r in ex("stock.picking.type", "read", [list(made.values()),
                                                                  ["default_location_src_id",
                                                                   "default_location_dest_id"]])}
    got = {code: (rows[i]["default_location_src_id"][0], rows[i]["default_location_dest_id"][0])
           for code, i in made.items()}
    assert got["incoming"][0] in vendors and got["incoming"][1] == stock
    assert got["outgoing"][0] == stock and got["outgoing"][1] in customers
    assert got["internal"] == (stock, stock)
    with pytest.raises(Exception, match="Please create a warehouse for company"):
        ex("stock.picking.type", "create", [{"name": "Orphan", "code": "internal", "sequence_code": "ORP"}])



@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_created_type_without_locations_converges(make_project: Callable[..., Path], version: str) -> None:
    root = make_project(version)
    path = root / "site_templates" / "distribution-standard" / "warehouse.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "\ncustom_operation_type:\n  quality_check:\n    name: Quality check\n    code: internal\n"
        "    sequence_code: QC\n    warehouse: \"{{ site.warehouse }}\"\n    company: \"{{ site.company }}\"\n"),
        encoding="utf-8")
    app = Harmonizer(root, env=ENV)
    plan = app.plan(["all"])
    created = [c for s in plan.sites for c in s.changes if c.address == "custom_operation_type.quality_check"]
    assert created and all("default_source" not in {f.key for f in c.fields} for c in created)
    assert all(r.ok for r in app.apply(plan))
    again = app.plan(["all"])
    assert [c.address for s in again.sites for c in s.pending] == []
