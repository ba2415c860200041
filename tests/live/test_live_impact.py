"""The impact preview against a real Odoo: orders created by the test move the figures by
exactly their number, and every figure equals a search_count the test asks itself."""

from __future__ import annotations

import ast
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.odoo.session import OdooSession
from harmonizer.plan.model import Impact
from harmonizer.project import Harmonizer
from harmonizer.render import render_plan

pytestmark = pytest.mark.live

REPO = Path(__file__).resolve().parents[2]
REVIEW = "automation.large_order_review"
THRESHOLD = "company_settings.purchase_approval"


def _impacts(app: Harmonizer) -> dict[str, Impact]:
    plan = app.plan(["live"])
    assert not plan.failures, plan.failures
    return {c.address: c.impact for c in plan.sites[0].changes if c.impact is not None}


def _since() -> str:
    moment = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=30)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


#: The shipped template's files this test plans: the rules it previews and what they need.
KEPT = ("template.yaml", "approvals.yaml", "automation.yaml", "activities.yaml")


@pytest.fixture()
def app(tmp_path: Path, live: dict[str, str], scope: dict[str, Any], write_project: Any) -> Harmonizer:
    template = tmp_path / "template"
    shutil.copytree(REPO / "site_templates" / "distribution-standard", template)
    for path in template.glob("*.yaml"):
        if path.name not in KEPT:
            path.unlink()
    root = write_project(tmp_path / "project", live, scope, template=template)
    return Harmonizer(root, env=dict(os.environ, HARMONIZER_N8N_TOKEN="live-token-123456"))


@pytest.fixture()
def created(odoo: OdooSession) -> Iterator[dict[str, list[int]]]:
    """Orders the test creates; unlinked afterwards (sale orders as drafts, purchases once cancelled)."""
    made: dict[str, list[int]] = {"sale.order": [], "purchase.order": []}
    yield made
    writer = odoo.writer()
    if made["purchase.order"]:
        # Odoo deletes cancelled purchase orders only (button_cancel answers None: not over XML-RPC)
        writer.write("purchase.order", made["purchase.order"], {"state": "cancel"})
    for model, ids in made.items():
        if ids:
            writer.unlink(model, ids)


def _sale_order(odoo: OdooSession, partner: int, product: int, price: float) -> int:
    return odoo.writer().create("sale.order", {
        "partner_id": partner,
        "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1, "price_unit": price})],
    })


def _purchase_order(odoo: OdooSession, partner: int, product: int, price: float, company: int) -> int:
    return odoo.writer().create("purchase.order", {
        "partner_id": partner, "company_id": company,
        "order_line": [(0, 0, {"product_id": product, "product_qty": 1, "price_unit": price})],
    })


def test_impact_figures_follow_the_orders_the_test_creates(app: Harmonizer, odoo: OdooSession,
                                                           scope: dict[str, Any],
                                                           created: dict[str, list[int]]) -> None:
    reader = odoo.reader()
    desired = app.render("live")
    review_domain = list(ast.literal_eval(desired.resources[REVIEW].body["filter_domain"]))
    amount = desired.resources[THRESHOLD].body["po_double_validation_amount"]
    partner = reader.search("res.partner", [("is_company", "=", True)], limit=1)[0]
    product = reader.search("product.product", [("sale_ok", "=", True), ("purchase_ok", "=", True)], limit=1)[0]

    before = _impacts(app)
    assert before[REVIEW].basis == "window" and before[REVIEW].window_days == 30

    # three orders above the review threshold, one below; two purchases above the approval amount
    threshold = next(leaf[2] for leaf in review_domain if leaf[0] == "amount_total")
    for price in (threshold * 2, threshold * 3, threshold * 4, 10):
        created["sale.order"].append(_sale_order(odoo, partner, product, price))
    for price in (amount * 2, amount * 3):
        created["purchase.order"].append(_purchase_order(odoo, partner, product, price, scope["company_id"]))

    after = _impacts(app)
    assert after[REVIEW].after == before[REVIEW].after + 3
    since = _since()
    direct = reader.search_count("sale.order", [*review_domain, ("write_date", ">=", since)])
    assert after[REVIEW].after == direct

    threshold_impact = after.get(THRESHOLD)
    if threshold_impact is not None:  # the template turns on two-step approval on this company
        assert threshold_impact.after == before[THRESHOLD].after + 2
        assert threshold_impact.after == reader.search_count("purchase.order", [
            ("company_id", "=", scope["company_id"]), ("create_date", ">=", since), ("amount_total", ">=", amount)])

    # the plan shows the figures; counts only, never an order's name
    names = [r["name"] for r in reader.read("sale.order", created["sale.order"], ["name"])]
    shown = render_plan(app.plan(["live"]), "text")
    assert f"impact (last 30 days): would match {direct} sale orders" in shown
    assert not any(name in shown for name in names)
