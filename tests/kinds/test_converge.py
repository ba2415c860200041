"""Each new kind converges: after an apply, the next plan shows no difference (normalisation)."""

from __future__ import annotations

from pathlib import Path

from harmonizer.kinds.registry import KINDS
from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer
from tests.kinds.conftest import TEMPLATE, edit

NEW_KINDS = {"mail_activity_type", "warehouse_settings", "operation_type", "stock_route", "stock_rule",
             "reorder_rule", "vendor_lead_time", "delivery_carrier", "delivery_price_rule"}


def _pending(app: Harmonizer, site: str) -> list[tuple[str, list[str]]]:
    plan = app.plan([site])
    assert not plan.failures, plan.failures
    return [(c.address, [f.key for f in c.fields]) for c in plan.sites[0].pending]


def test_every_new_kind_is_in_the_template_and_converges(app: Harmonizer) -> None:
    rendered = {r.kind for r in app.render("warehouse-1")}
    assert rendered >= NEW_KINDS
    first = app.plan(["warehouse-1"])
    changed = {c.kind for c in first.sites[0].pending}
    assert changed >= NEW_KINDS  # each kind really had something to do on the demo database
    assert app.apply(first)[0].ok
    assert _pending(app, "warehouse-1") == []


def test_sites_sharing_a_database_and_their_own_database_converge(app: Harmonizer) -> None:
    for site in ("warehouse-1", "warehouse-2", "warehouse-3"):
        assert app.apply(app.plan([site]))[0].ok
    for site in ("warehouse-1", "warehouse-2", "warehouse-3"):
        assert _pending(app, site) == [], site


def test_values_odoo_rewrites_are_compared_as_odoo_stores_them(project: Path, app: Harmonizer) -> None:
    # lower-case zip prefixes (Odoo upper-cases them), html notes written as plain text,
    # a margin with four decimals, a float written as an int
    edit(project, "sites/warehouse-1.yaml", 'regional_zip_prefixes: ["894", "895"]',
         'regional_zip_prefixes: ["894", "ab1"]')
    edit(project, "sites/warehouse-1.yaml", "ground_rate: 22", "ground_rate: 22.5")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    edit(project, f"{TEMPLATE}/template.yaml", "default: 0.1\n", "default: 0.1234\n")
    app = Harmonizer(project, env={})  # configuration is read once per instance
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    assert _pending(app, "warehouse-1") == []
    with app.session("warehouse-1") as session:
        names = [r["name"] for r in session.reader().search_read("delivery.zip.prefix", [], ["name"])]
    assert "AB1" in names and "ab1" not in names


def test_a_new_zip_prefix_is_created_once_and_shared(app: Harmonizer) -> None:
    # warehouse-1 and warehouse-2 share a database; their prefixes land in one table
    for site in ("warehouse-1", "warehouse-2"):
        assert app.apply(app.plan([site]))[0].ok
    with app.session("warehouse-1") as session:
        rows = session.reader().search_read("delivery.zip.prefix", [], ["name"])
    names = sorted(r["name"] for r in rows)
    assert names == sorted(set(names))
    assert {"894", "895", "750", "752"} <= set(names)


def test_a_managed_field_changed_by_hand_is_reported_and_restored(app: Harmonizer) -> None:
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    with app.session("warehouse-1") as session:
        writer = session.writer()
        rule = writer.search_read("ir.model.data", [("name", "like", "reorder_rule__fast_mover__w")], ["res_id"])
        writer.write("stock.warehouse.orderpoint", [rule[0]["res_id"]], {"product_min_qty": 5})
    plan = app.plan(["warehouse-1"])
    [change] = plan.sites[0].pending
    assert change.address == "reorder_rule.fast_mover" and change.action is Action.UPDATE
    assert [(f.key, f.before, f.after) for f in change.fields] == [("min_qty", 5.0, 40.0)]
    assert app.apply(plan)[0].ok
    assert _pending(app, "warehouse-1") == []


def test_kind_keys_are_registered_in_apply_order() -> None:
    order = list(KINDS)
    assert order.index("warehouse_settings") < order.index("stock_rule")
    assert order.index("stock_route") < order.index("stock_rule") < order.index("reorder_rule")
    assert order.index("delivery_carrier") < order.index("delivery_price_rule")
