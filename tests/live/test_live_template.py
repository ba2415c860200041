"""The full shipped template on a real Odoo: one site, two sites of one database, and sites at
the bounds of every overridable variable. Each case: apply, plan (empty), apply again, plan
(empty). The bounds are read from the template, so a template change is tested as shipped.

Cleanup as in the rest of the live suite: an empty template deletes what harmonizer owns, the
bound records' fields are written back (conftest.BoundState, for each site's company and
warehouse), leftover ``__harmonizer__`` records are unlinked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.config.template import load_template
from harmonizer.config.variables import Variable
from harmonizer.odoo.session import OdooSession
from harmonizer.project import Harmonizer
from tests.live.conftest import REPO, BoundState, site_yaml

pytestmark = pytest.mark.live

TEMPLATE = REPO / "site_templates" / "distribution-standard"

Sites = dict[str, tuple[dict[str, Any], dict[str, Any]]]


def _overridable() -> dict[str, Variable]:
    template, errors = load_template(TEMPLATE, REPO)
    assert template is not None and not errors, errors
    return {name: var for name, var in template.variables.items() if var.overridable}


def bound_values(end: str) -> dict[str, Any]:
    """Every overridable variable with bounds at its minimum (``end="min"``) or maximum; a
    variable with choices takes its first or last choice. Others keep their defaults."""
    out: dict[str, Any] = {}
    for name, var in _overridable().items():
        if var.min is not None and var.max is not None:
            out[name] = var.min if end == "min" else var.max
        elif var.choices:
            out[name] = var.choices[0] if end == "min" else var.choices[-1]
    return out


def _owned(odoo: OdooSession) -> list[dict[str, Any]]:
    return odoo.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__")],
                                     ["name", "model", "res_id"])


def _pending(plan: Any) -> list[tuple[str, str, list[str]]]:
    return [(s.site, c.address, [f.key for f in c.fields]) for s in plan.sites for c in s.pending]


def converge_twice(app: Harmonizer, sites: list[str]) -> None:
    """apply -> plan empty -> apply again -> plan empty, for ``sites`` together."""
    for round_ in ("first", "second"):
        plan = app.plan(sites)
        assert not plan.failures, (round_, plan.failures)
        results = app.apply(plan)
        assert all(r.ok for r in results), (round_, [(r.site, r.error) for r in results if not r.ok])
        after = app.plan(sites)
        assert not after.failures, (round_, after.failures)
        assert not after.has_changes, (f"not converged after the {round_} apply", _pending(after))


@pytest.fixture()
def template_project(tmp_path: Path, live: dict[str, str], odoo: OdooSession,
                     write_project: Any) -> Iterator[Callable[[Sites], Harmonizer]]:
    """Builds a project of the shipped template with the given sites; cleans up after the test."""
    if _owned(odoo):
        pytest.fail("the live database already holds __harmonizer__ records: clean it before running the suite")
    env = dict(os.environ, HARMONIZER_N8N_TOKEN="live-token-123456")
    saved: list[BoundState] = []
    made: list[Path] = []

    def make(sites: Sites) -> Harmonizer:
        for site_scope, _ in sites.values():
            saved.append(BoundState(odoo, site_scope))
        made.append(write_project(tmp_path, live, next(iter(sites.values()))[0], sites=sites))
        return Harmonizer(tmp_path, env=env)

    yield make
    if not made:
        return
    for path in TEMPLATE.glob("*.yaml"):
        if path.name != "template.yaml":
            (tmp_path / "site_templates" / "distribution-standard" / path.name).unlink()
    cleanup = Harmonizer(tmp_path, env=env)
    try:
        cleanup.apply(cleanup.plan(cleanup.select([])))
    finally:
        for state in reversed(saved):
            state.restore()
        writer = odoo.writer()
        for row in _owned(odoo):  # e.g. the xmlid Odoo adds for a cron's own server action
            writer.unlink(row["model"], [row["res_id"]])


def test_the_shipped_template_converges_on_a_fresh_database(template_project: Callable[[Sites], Harmonizer],
                                                            scope: dict[str, Any]) -> None:
    app = template_project({"live": (scope, {})})
    converge_twice(app, ["live"])


@pytest.fixture()
def other_vendor_line(odoo: OdooSession, other_scope: dict[str, Any]) -> Iterator[None]:
    """The template's default fast mover needs a vendor line the second company sees; Odoo's demo
    lines all belong to the first company, so one is added for the test (and removed after it)."""
    template, _ = load_template(TEMPLATE, REPO)
    assert template is not None
    product, vendor = (template.variables[n].default for n in ("fast_mover_product", "fast_mover_vendor"))
    reader = odoo.reader()
    if reader.search("product.supplierinfo", [("company_id", "in", [other_scope["company_id"], False]),
                                              ("partner_id.name", "=", vendor),
                                              ("product_tmpl_id.default_code", "=", product)]):
        yield
        return
    [tmpl] = reader.search("product.template", [("default_code", "=", product)])
    [partner] = reader.search("res.partner", [("name", "=", vendor)], limit=1)
    writer = odoo.writer()
    line = writer.create("product.supplierinfo", {"partner_id": partner, "product_tmpl_id": tmpl, "price": 10.0,
                                                  "company_id": other_scope["company_id"], "delay": 1})
    yield
    writer.unlink("product.supplierinfo", [line])


def test_two_sites_of_one_database_converge(other_vendor_line: None,
                                            template_project: Callable[[Sites], Harmonizer],
                                            scope: dict[str, Any], other_scope: dict[str, Any]) -> None:
    """Two companies, each with its own warehouse, one database: planned and applied together."""
    assert other_scope["company_id"] != scope["company_id"]
    app = template_project({"first": (scope, {"po_approval_amount": 6500}),
                            "second": (other_scope, {"po_approval_amount": 8000})})
    converge_twice(app, ["first", "second"])


@pytest.mark.parametrize("end", ["min", "max"])
def test_every_overridable_variable_at_its_bound_converges(template_project: Callable[[Sites], Harmonizer],
                                                           scope: dict[str, Any], end: str) -> None:
    values = bound_values(end)
    assert values, "the shipped template has no bounded overridable variable"
    app = template_project({f"at-{end}": (scope, values)})
    converge_twice(app, [f"at-{end}"])


def test_json2_and_xmlrpc_see_the_same_converged_site(template_project: Callable[[Sites], Harmonizer],
                                                      odoo: OdooSession, live: dict[str, str],
                                                      scope: dict[str, Any], tmp_path: Path) -> None:
    """On 19: apply over JSON-2 with an API key, then the same site planned over XML-RPC is empty,
    and the other way round (a second site file, same company and warehouse)."""
    if odoo.version.major < 19:
        pytest.skip("JSON-2 is Odoo 19.0's API")
    key = os.environ.get("HARMONIZER_LIVE_API_KEY")
    if not key:
        pytest.skip("HARMONIZER_LIVE_API_KEY (an API key of the live login) is not set")
    app = template_project({"over-json2": (scope, {})})
    (tmp_path / "sites" / "over-xmlrpc.yaml").write_text(
        site_yaml(live, scope, {}, protocol="xmlrpc", password_env="HARMONIZER_LIVE_PASSWORD"))
    (tmp_path / "sites" / "over-json2.yaml").write_text(
        site_yaml(live, scope, {}, protocol="json2", password_env="HARMONIZER_LIVE_API_KEY"))
    app = Harmonizer(tmp_path, env=app.env)
    converge_twice(app, ["over-json2"])
    assert app.plan(["over-json2"]).sites[0].odoo_version.startswith("19.")
    after = app.plan(["over-xmlrpc"])
    assert not after.failures and not after.has_changes, _pending(after)
    odoo.writer().write("res.company", [scope["company_id"]], {"po_double_validation_amount": 1234.0})
    converge_twice(app, ["over-xmlrpc"])
    after = app.plan(["over-json2"])
    assert not after.failures and not after.has_changes, _pending(after)


def test_a_site_moved_from_its_minimum_to_its_maximum_converges(template_project: Callable[[Sites], Harmonizer],
                                                                live: dict[str, str], scope: dict[str, Any],
                                                                tmp_path: Path) -> None:
    """The same bounds as updates of existing records: apply at the minimum, then every
    overridable variable at its maximum on the same site."""
    app = template_project({"walk": (scope, bound_values("min"))})
    converge_twice(app, ["walk"])
    (tmp_path / "sites" / "walk.yaml").write_text(site_yaml(live, scope, bound_values("max")))
    moved = Harmonizer(tmp_path, env=app.env)
    assert moved.plan(["walk"]).has_changes
    converge_twice(moved, ["walk"])
