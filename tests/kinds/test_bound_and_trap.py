"""Bound records are never created or deleted; rules harmonizer does not own survive every apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmonizer.kinds.warehouse_settings import WarehouseSettings
from harmonizer.plan.model import Action, FieldChange
from harmonizer.project import Harmonizer
from tests.kinds.conftest import TEMPLATE, edit

BOUND = ("warehouse_settings", "operation_type", "vendor_lead_time")


def _owned_id(app: Harmonizer, site: str, prefix: str) -> int:
    with app.session(site) as session:
        rows = session.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__"),
                                                             ("name", "like", prefix)], ["res_id"])
    assert len(rows) == 1, rows
    return int(rows[0]["res_id"])


def test_bound_resources_left_out_are_never_deleted(project: Path, app: Harmonizer) -> None:
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    for file in ("warehouse.yaml", "replenishment.yaml"):
        (project / TEMPLATE / file).unlink()
    # warehouse-4 excludes the vendor lead time, which the template no longer declares: an
    # exclusion of nothing is a configuration error, so it goes too.
    site = project / "sites" / "warehouse-4.yaml"
    site.write_text(site.read_text().split("\nexclude:\n")[0] + "\n")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    plan = app.plan(["warehouse-1"])
    assert not plan.failures, plan.failures
    deleted = {c.kind for c in plan.sites[0].pending if c.action is Action.DELETE}
    assert deleted == {"reorder_rule"}  # the owned one only
    assert app.apply(plan)[0].ok
    with app.session("warehouse-1") as session:
        reader = session.reader()
        assert reader.search_read("stock.warehouse", [("code", "=", "WH1")], ["id"])
        types = reader.search_read("stock.picking.type", [("sequence_code", "in", ["IN", "OUT"])], ["id"])
        assert len(types) >= 2
        assert reader.search_read("product.supplierinfo", [("delay", "=", 3)], ["id"])


def test_a_bound_record_that_does_not_exist_is_an_error_not_a_create(project: Path, app: Harmonizer) -> None:
    edit(project, f"{TEMPLATE}/warehouse.yaml", "sequence_code: OUT", "sequence_code: XDOCK")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    plan = app.plan(["warehouse-1"])
    [failure] = plan.failures
    assert "operation_type.deliveries" in failure.error
    assert "was not found (bound records are never created" in failure.error


def test_a_vendor_line_matching_twice_is_ambiguous(project: Path, app: Harmonizer) -> None:
    with app.session("warehouse-1") as session:
        writer = session.writer()
        [line] = writer.search_read("product.supplierinfo", [("delay", "=", 5), ("min_qty", "=", 10)],
                                    ["partner_id", "product_tmpl_id", "currency_id"])
        writer.create("product.supplierinfo", {"partner_id": line["partner_id"][0], "min_qty": 100,
                                               "product_tmpl_id": line["product_tmpl_id"][0], "price": 8.0,
                                               "delay": 9, "currency_id": line["currency_id"][0]})
    [failure] = app.plan(["warehouse-1"]).failures
    assert "vendor_lead_time.fast_mover_vendor" in failure.error and "ambiguous (2 records match)" in failure.error
    # naming the minimum quantity picks one line
    edit(project, f"{TEMPLATE}/replenishment.yaml", "    delay:", "    min_qty: 10\n    delay:")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    assert not app.plan(["warehouse-1"]).failures


def test_an_unowned_rule_on_a_managed_route_survives_every_apply(project: Path, app: Harmonizer) -> None:
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    route_id = _owned_id(app, "warehouse-1", "stock_route__crossdock__w")
    with app.session("warehouse-1") as session:
        writer = session.writer()
        [stock] = writer.search_read("stock.location", [("complete_name", "=", "WH1/Stock")], ["id"])
        [ptype] = writer.search_read("stock.picking.type", [("warehouse_id.code", "=", "WH1"),
                                                           ("sequence_code", "=", "INT")],
                                     ["id"], context={"active_test": False})
        unowned = writer.create("stock.rule", {"name": "Added by hand", "route_id": route_id, "action": "pull",
                                               "picking_type_id": ptype["id"], "location_src_id": stock["id"],
                                               "location_dest_id": stock["id"], "procure_method": "make_to_stock"})
    # the route changes, one owned rule goes, the other changes: three applies
    edit(project, f"{TEMPLATE}/routes.yaml", "sequence: 30", "sequence: 35")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    edit(project, f"{TEMPLATE}/routes.yaml", "    delay: \"{{ crossdock_receipt_delay_days }}\"\n", "    delay: 4\n")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    text = (project / TEMPLATE / "routes.yaml").read_text()
    (project / TEMPLATE / "routes.yaml").write_text(text[:text.index("  crossdock_receive:")])
    app = Harmonizer(project, env={})  # configuration is read once per instance
    plan = app.plan(["warehouse-1"])
    assert [(c.address, c.action) for c in plan.sites[0].pending] == [("stock_rule.crossdock_receive",
                                                                       Action.DELETE)]
    assert app.apply(plan)[0].ok
    assert app.plan(["warehouse-1"]).has_changes is False  # the unowned rule is not harmonizer's business
    with app.session("warehouse-1") as session:
        reader = session.reader()
        rules = reader.search_read("stock.rule", [("route_id", "=", route_id)], ["name"])
        assert {r["id"] for r in rules} == {unowned, _owned_id(app, "warehouse-1", "stock_rule__crossdock_ship__w")}


def test_changing_the_steps_says_what_odoo_does_and_converges(project: Path, app: Harmonizer) -> None:
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    edit(project, "sites/warehouse-1.yaml", "delivery_steps: pick_ship", "delivery_steps: pick_pack_ship")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    plan = app.plan(["warehouse-1"])
    [change] = plan.sites[0].pending
    assert change.address == "warehouse_settings.steps"
    assert [(f.key, f.before, f.after) for f in change.fields] == [("delivery_steps", "pick_ship",
                                                                    "pick_pack_ship")]
    note = WarehouseSettings().change_note(change.fields)
    assert note is not None and "Odoo itself creates, renames or archives the delivery routes" in note
    assert change.reason == note  # the plan says so
    assert app.apply(plan)[0].ok
    assert not app.plan(["warehouse-1"]).has_changes
    with app.session("warehouse-1") as session:
        routes = session.reader().search_read("stock.route", [("name", "like", "Reno Hub: Deliver")], ["name"])
    assert [r["name"] for r in routes] == ["Reno Hub: Deliver in 3 steps (pick + pack + ship)"]


@pytest.mark.parametrize("fields, expected", [
    ([FieldChange("buy_to_resupply", "buy_to_resupply", True, False, "true", "false")], None),
    ([FieldChange("reception_steps", "reception_steps", "one_step", "two_steps", "a", "b")], "reception"),
])
def test_change_note_only_for_what_makes_odoo_generate(fields: list[FieldChange], expected: str | None) -> None:
    note = WarehouseSettings().change_note(fields)
    assert (note is None) if expected is None else (expected in (note or ""))
