"""Health and metrics against a real Odoo: an approval activity and a blocked draft order
created on the server are what ``harmonizer health`` reports; the weekly grouping the
metrics rely on is read from the real ``read_group``/``formatted_read_group``.

The test creates, then removes, one draft order (a line discount above the template's
pricing-deviation threshold) and one approval activity on it; nothing is applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.health import HealthStatus, run_health
from harmonizer.metrics import run_metrics
from harmonizer.odoo.session import OdooSession
from harmonizer.project import Harmonizer

pytestmark = pytest.mark.live

SUMMARY = "Approval needed: sales order (key account order)"


@pytest.fixture()
def app(tmp_path: Path, live: dict[str, str], scope: dict[str, Any], write_project: Any) -> Harmonizer:
    root = write_project(tmp_path / "project", live, scope)
    return Harmonizer(root, env={**live, "HARMONIZER_N8N_TOKEN": "live-health-token"})


@pytest.fixture()
def blocked_order_with_approval(odoo: OdooSession, scope: dict[str, Any]) -> Iterator[dict[str, int]]:
    writer = odoo.writer()
    partner = writer.search("res.partner", [("customer_rank", ">", 0)], limit=1) or \
        writer.search("res.partner", [("is_company", "=", True)], limit=1)
    product = writer.search("product.product", [("sale_ok", "=", True)], limit=1)
    order = writer.create("sale.order", {
        "partner_id": partner[0], "company_id": scope["company_id"],
        "order_line": [(0, 0, {"product_id": product[0], "product_uom_qty": 3, "price_unit": 400,
                               "discount": 40})]})
    todo = writer.call("ir.model.data", "check_object_reference", "mail", "mail_activity_data_todo")[1]
    model_id = writer.search("ir.model", [("model", "=", "sale.order")])[0]
    activity = writer.create("mail.activity", {"res_model_id": model_id, "res_id": order, "activity_type_id": todo,
                                               "summary": SUMMARY, "user_id": odoo.uid,
                                               "date_deadline": dt.date.today().isoformat()})
    yield {"order": order, "activity": activity}
    writer.unlink("mail.activity", writer.search("mail.activity", [("id", "=", activity)]))
    writer.unlink("sale.order", [order])


def test_health_reports_the_approval_and_the_blocked_order(app: Harmonizer, odoo: OdooSession,
                                                           blocked_order_with_approval: dict[str, int]) -> None:
    [site] = run_health(app, ["live"]).sites
    assert site.checked, site.error
    assert site.odoo_version.startswith(f"{odoo.version.major}.")
    # the order is a draft with a 40 % line discount: above the pricing-deviation threshold (15 %)
    pricing = next(r for r in site.exceptions.blocked_by_rule if r.rule == "automation.approval_pricing_deviation")
    assert pricing.count is not None and pricing.count >= 1, pricing.note
    assert site.exceptions.blocked_orders is not None and site.exceptions.blocked_orders >= 1
    assert any(f.subject == "blocked orders" for f in site.findings)
    assert site.approvals.open >= 1 and dict(site.approvals.by_age)["< 1 day"] >= 1
    assert dict(site.approvals.by_approver).get("Mitchell Admin", 0) >= 1
    # failures per version: 18+ keeps them on the cron, 16/17 do not
    for cron in site.crons:
        assert ("failure_count" in cron.failure_source) == (odoo.version.major >= 18)
    # three days on, the same approval is aged (the template's threshold is 24 h)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    [aged] = run_health(app, ["live"], now=later).sites
    assert aged.status is HealthStatus.FINDINGS
    assert aged.approvals.aged >= 1 and dict(aged.approvals.by_age)["3-7 days"] >= 1
    assert any(f.area == "approvals" for f in aged.findings)
    # the order leaves the drafts: no longer counted
    odoo.writer().write("sale.order", [blocked_order_with_approval["order"]], {"state": "cancel"})
    [after] = run_health(app, ["live"]).sites
    assert after.exceptions.blocked_orders == site.exceptions.blocked_orders - 1


def test_metrics_read_real_weekly_groups(app: Harmonizer, odoo: OdooSession,
                                         blocked_order_with_approval: dict[str, int]) -> None:
    report = run_metrics(app, ["live"], weeks=4)
    [site] = report.sites
    assert site.ok, site.error
    assert len(site.weeks) == 5
    # this week holds the test's approval request, grouped by Odoo's week
    assert site.weeks[-1].approvals >= 1, (site.weeks, site.notes)
    first_day = dt.date.fromisoformat(site.weeks[0].start).weekday()
    assert all(dt.date.fromisoformat(w.start).weekday() == first_day for w in site.weeks)
    assert 0 < site.round_trips < 40
