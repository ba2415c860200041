"""Stock and delivery kinds against a real Odoo: converge, the one2many trap, bound records.

Restores what it changes: the bound records' fields (company settings, warehouse steps,
operation types, vendor line delays) are read first and written back; owned records are
removed by an apply of an empty template; the rule added by hand and the zip prefixes are
unlinked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.odoo.session import OdooSession
from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

pytestmark = pytest.mark.live


@pytest.fixture()
def stock_project(tmp_path: Path, live: dict[str, str], scope: dict[str, Any], odoo: OdooSession,
                  write_project: Any, bound_state: Any) -> Iterator[tuple[Harmonizer, Path]]:
    root = write_project(tmp_path, live, scope)
    env = dict(os.environ, HARMONIZER_N8N_TOKEN="live-token-123456")
    yield Harmonizer(root, env=env), root
    for path in (root / "site_templates" / "distribution-standard").glob("*.yaml"):
        if path.name != "template.yaml":
            path.unlink()
    cleanup = Harmonizer(root, env=env)
    cleanup.apply(cleanup.plan(["live"]))
    # Bound records (company settings, warehouse steps, operation types, vendor delays) and
    # the zip prefixes the carriers added: back as they were (see conftest.BoundState).
    bound_state.restore()


def test_unowned_rule_on_a_managed_route_survives_and_bound_records_stay(
        stock_project: tuple[Harmonizer, Path], odoo: OdooSession, scope: dict[str, Any]) -> None:
    app, root = stock_project
    plan = app.plan(["live"])
    assert not plan.failures, plan.failures
    bound = [c for c in plan.sites[0].changes if c.kind in ("warehouse_settings", "operation_type")]
    assert bound and all(c.action is not Action.CREATE for c in bound)
    assert app.apply(plan)[0].ok
    assert not app.plan(["live"]).has_changes

    writer = odoo.writer()
    [route] = writer.search_read("ir.model.data", [("module", "=", "__harmonizer__"),
                                                   ("name", "like", "stock_route__crossdock__w")], ["res_id"])
    [stock] = writer.search_read("stock.location", [("complete_name", "=", f"{scope['warehouse']}/Stock")], ["id"])
    [ptype] = writer.search_read("stock.picking.type", [("warehouse_id.code", "=", scope["warehouse"]),
                                                       ("sequence_code", "=", "OUT")], ["id"])
    unowned = writer.create("stock.rule", {"name": "Harmonizer live: added by hand", "route_id": route["res_id"],
                                           "action": "pull", "picking_type_id": ptype["id"],
                                           "location_src_id": stock["id"], "location_dest_id": stock["id"],
                                           "procure_method": "make_to_stock", "company_id": scope["company_id"]})
    try:
        routes = root / "site_templates" / "distribution-standard" / "routes.yaml"
        routes.write_text(routes.read_text().replace("sequence: 30", "sequence: 31"))
        again = Harmonizer(root, env=app.env)
        assert again.apply(again.plan(["live"]))[0].ok
        assert not again.plan(["live"]).has_changes
        assert writer.search_read("stock.rule", [("id", "=", unowned)], ["id"]), "the unowned rule was deleted"
    finally:
        writer.unlink("stock.rule", [unowned])
