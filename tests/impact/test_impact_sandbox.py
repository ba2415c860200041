"""The impact preview on the sandbox: ``plan site=warehouse-3`` shows what its changed rules
match, and every figure equals a direct ``search_count`` on the stand-in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.plan.model import Plan
from harmonizer.project import Harmonizer

REVIEW_NEW = ["!", ("activity_ids.summary", "=like", "Review large order before release"), ("amount_total", ">", 25000),
              ("state", "in", ["draft", "sent"])]
REVIEW_OLD = [("amount_total", ">", 40000), ("state", "in", ["draft", "sent"])]


def _run(project: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)


def _since(days: int) -> str:
    moment = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _add_orders(project: Path, site: str, company_name: str, sales: list[tuple[float, str, int]],
                purchases: list[float]) -> None:
    """Orders written into the site's sandbox through the client (amount, state, days old)."""
    app = Harmonizer(project)
    with app.session(site) as session:
        writer = session.writer()
        company = writer.search("res.company", [("name", "=", company_name)])[0]
        warehouse = writer.search("stock.warehouse", [("company_id", "=", company)], limit=1)[0]
        partner = writer.search("res.partner", [("is_company", "=", True)], limit=1)[0]
        incoming = writer.search("stock.picking.type", [("warehouse_id", "=", warehouse),
                                                        ("code", "=", "incoming")], limit=1)[0]
        usd = writer.search("res.currency", [("name", "=", "USD")], limit=1)[0]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for i, (amount, state, age) in enumerate(sales):
            writer.create("sale.order", {
                "name": f"S-IMPACT-{i}", "company_id": company, "partner_id": partner,
                "partner_invoice_id": partner, "partner_shipping_id": partner, "warehouse_id": warehouse,
                "picking_policy": "direct", "state": state, "amount_untaxed": amount, "amount_total": amount,
                "date_order": (now - dt.timedelta(days=age)).strftime("%Y-%m-%d %H:%M:%S")})
        for i, amount in enumerate(purchases):
            writer.create("purchase.order", {
                "name": f"P-IMPACT-{i}", "company_id": company, "partner_id": partner, "currency_id": usd,
                "picking_type_id": incoming, "amount_untaxed": amount, "amount_total": amount,
                "date_order": now.strftime("%Y-%m-%d %H:%M:%S")})


EAST = "Harmonia Distribution East"


@pytest.fixture()
def east(shipped_project: Path) -> Path:
    """warehouse-3's sandbox with orders between the old (40000) and new (25000) review
    thresholds, one above both, and purchases above the approval amount (5000)."""
    _add_orders(shipped_project, "warehouse-3", EAST, [(30000, "draft", 1), (35000, "sent", 2), (45000, "draft", 3)],
                [8000, 9000])
    return shipped_project


def _direct_counts(project: Path, days: int) -> dict[str, int]:
    """The same questions asked straight to the stand-in, written out by hand."""
    app = Harmonizer(project)
    since = _since(days)
    with app.session("warehouse-3") as session:
        reader = session.reader()
        company = reader.search("res.company", [("name", "=", EAST)])[0]
        return {
            "review_new": reader.search_count("sale.order", [*REVIEW_NEW, ("write_date", ">=", since)]),
            "review_old": reader.search_count("sale.order", [*REVIEW_OLD, ("write_date", ">=", since)]),
            "po_two_step": reader.search_count("purchase.order", [("company_id", "=", company),
                                                                  ("create_date", ">=", since),
                                                                  ("amount_total", ">=", 5000)]),
        }


def test_plan_shows_impact_figures_equal_to_direct_counts(east: Path) -> None:
    result = _run(east, "plan", "site=warehouse-3")
    assert result.exit_code == 0, result.output
    direct = _direct_counts(east, 30)
    # the orders added make the figures differ: the check is not comparing zeros (the order above
    # both thresholds got its review from the live rule when it was created: the new rule, asking
    # once, leaves it out)
    assert direct["review_new"] > direct["review_old"] > 0 and direct["po_two_step"] >= 2
    assert (f"impact (last 30 days): would match {direct['review_new']} sale orders "
            f"(was {direct['review_old']})") in result.stdout
    assert (f"impact (last 30 days): {direct['po_two_step']} purchase orders would need a second approval "
            "(was 0)") in result.stdout


def test_a_wider_window_counts_more_and_json_carries_the_figures(east: Path) -> None:
    shipped_project = east
    result = _run(shipped_project, "plan", "site=warehouse-3", "--impact-window", "90d", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format_version"] == 2
    impacts = {c["address"]: c["impact"] for c in data["sites"][0]["changes"] if c["impact"]}
    direct = _direct_counts(shipped_project, 90)
    assert impacts["automation.large_order_review"] == {
        "basis": "window", "model": "sale.order", "noun": "sale orders", "verb": "would match",
        "after": direct["review_new"], "before": direct["review_old"], "window_days": 90, "note": None}
    assert impacts["company_settings.purchase_approval"]["after"] == direct["po_two_step"]
    assert direct["review_new"] >= _direct_counts(shipped_project, 30)["review_new"]
    # a JSON plan reads back with its impacts
    back = {c.address: c.impact for c in Plan.from_dict(data).sites[0].changes}
    assert back["automation.large_order_review"].after == direct["review_new"]


def test_no_impact_and_markdown(east: Path) -> None:
    shipped_project = east
    quiet = _run(shipped_project, "plan", "site=warehouse-3", "--no-impact")
    assert quiet.exit_code == 0 and "impact" not in quiet.stdout
    markdown = _run(shipped_project, "plan", "site=warehouse-3", "--format", "markdown")
    assert "**impact (last 30 days):** would match" in markdown.stdout


def test_time_based_rules_say_what_is_due_now(shipped_project: Path) -> None:
    """warehouse-1's first plan creates the quotation follow-up (on_time, date_order + 14 days)."""
    _add_orders(shipped_project, "warehouse-1", "Harmonia Distribution West", [(1200, "draft", 20)], [])
    result = _run(shipped_project, "plan", "site=warehouse-1", "--format", "json")
    data = json.loads(result.stdout)
    impacts = {c["address"]: c["impact"] for c in data["sites"][0]["changes"] if c["impact"]}
    follow_up = impacts["automation.quotation_follow_up"]
    app = Harmonizer(shipped_project)
    limit = _since(14)
    with app.session("warehouse-1") as session:
        due = session.reader().search_count("sale.order", [("state", "in", ["draft", "sent"]),
                                                           ("date_order", "<=", limit)])
    assert due > 0
    assert follow_up["basis"] == "due" and follow_up["after"] == due and follow_up["before"] is None
    assert "impact (now): " in _run(shipped_project, "plan", "site=warehouse-1").stdout


def test_the_drift_html_shows_the_figures_of_pending_changes(east: Path, tmp_path: Path) -> None:
    shipped_project = east
    out = tmp_path / "drift.html"
    result = _run(shipped_project, "drift", "site=warehouse-3", "--format", "html", "--out", str(out),
                  "--no-progress")
    assert result.exit_code == 2, result.output
    direct = _direct_counts(shipped_project, 30)
    page = out.read_text()
    assert (f"impact (last 30 days): would match {direct['review_new']} sale orders "
            f"(was {direct['review_old']})") in page
    text = _run(shipped_project, "drift", "site=warehouse-3", "--no-progress")
    assert "impact" not in text.stdout  # the terminal summary does not count
