"""An approval rule asks its approver once, on every version, as real Odoo runs it.

The stand-in runs automation rules the way real 16.0 and 17.0+ do (``harmonizer.sandbox.
automations``). On 16.0 an ``on_create_or_write`` rule on the order total runs twice for an
order created above the threshold, or pushed above it by a new line: once for the write Odoo
makes when it recomputes the stored total while the rule's filter reads it, once for the
create/write itself (16.0 does not share what the first run did; 17.0+ do). Without the
compiled guard ("no open activity of this approval", first in the filter) real 16.0 and the
stand-in schedule the approver's activity twice; with it, once (checked on real 16.0-19.0)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.odoo import sandbox_link
from harmonizer.odoo.session import OdooSession
from harmonizer.project import Harmonizer

DATABASE = "approvals_once"
COMPANY = "Harmonia Distribution East"
GOVERNANCE = """approval_matrix:
  rules:
    big_order:
      exception: order_value
      threshold: 2000
      action: approval
      approver: admin
"""
ADDRESS = "automation.approval_big_order"


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Any]:
    def make(version: str) -> Harmonizer:
        root = tmp_path / version
        template = root / "site_templates" / "approvals"
        template.mkdir(parents=True)
        (template / "template.yaml").write_text('name: approvals\nversion: "1.0.0"\nvariables: {}\n')
        (template / "governance.yaml").write_text(GOVERNANCE)
        (root / "sites").mkdir()
        (root / "sites" / "east.yaml").write_text(
            f'template: approvals\nodoo:\n  url: sandbox://{DATABASE}\n  odoo_version: "{version}"\n'
            f"scope:\n  company: {COMPANY}\n")
        (root / "sandbox.yaml").write_text(f"databases:\n  {DATABASE}:\n    fixture: demo-east\n")
        return Harmonizer(root)

    sandbox_link.unregister_sandbox(DATABASE)
    yield make
    sandbox_link.unregister_sandbox(DATABASE)


class Orders:
    """Sales orders of the site's company created and extended over RPC, and their approvals."""

    def __init__(self, session: OdooSession, summary: str) -> None:
        self.writer = session.writer()
        self.summary = summary
        writer = self.writer
        self.company = writer.search("res.company", [("name", "=", COMPANY)])[0]
        self.warehouse = writer.search("stock.warehouse", [("company_id", "=", self.company)], limit=1)[0]
        self.partner = writer.search("res.partner", [("is_company", "=", True)], limit=1)[0]
        self.product = writer.search("product.product", [("sale_ok", "=", True)], limit=1)[0]

    def line(self, price: float) -> tuple[int, int, dict[str, Any]]:
        return (0, 0, {"product_id": self.product, "name": "Item", "product_uom_qty": 1, "price_unit": price})

    def create(self, *prices: float) -> int:
        values: dict[str, Any] = {
            "name": "S-APPROVAL", "company_id": self.company, "partner_id": self.partner,
            "partner_invoice_id": self.partner, "partner_shipping_id": self.partner, "warehouse_id": self.warehouse,
            "picking_policy": "direct", "date_order": "2026-12-06 10:00:00", "state": "draft"}
        if prices:
            values["order_line"] = [self.line(price) for price in prices]
        return int(self.writer.create("sale.order", values))  # type: ignore[arg-type]

    def add_line(self, order: int, price: float) -> None:
        self.writer.write("sale.order", [order], {"order_line": [self.line(price)]})

    def approvals(self, order: int) -> int:
        return int(self.writer.search_count("mail.activity", [("res_model", "=", "sale.order"), ("res_id", "=", order),
                                                              ("summary", "=", self.summary)]))

    def scenario(self) -> tuple[int, int, int, int]:
        """(created above, then edited; created below, then a line pushes it above)."""
        above = self.create(4000)
        created = self.approvals(above)
        self.writer.write("sale.order", [above], {"note": "edited"})
        edited = self.approvals(above)
        below = self.create(1000)
        before = self.approvals(below)
        self.add_line(below, 3000)
        return created, edited, before, self.approvals(below)


@pytest.mark.parametrize("version", ["16.0", "17.0", "19.0"])
def test_the_approver_is_asked_once(project: Any, version: str) -> None:
    app = project(version)
    results = app.apply(app.plan(["east"]))
    assert [r.ok for r in results] == [True], [r.error for r in results]
    with app.session("east") as session:
        reader = session.reader()
        [rule] = reader.search_read("base.automation", [("name", "=", "[Harmonizer] Approval matrix: approval "
                                                                          "big_order")], ["filter_domain"])
        summary = "Approval needed: sales order (big order)"
        assert rule["filter_domain"].startswith(f"['!', ('activity_ids.summary', '=like', '{summary}'), ")
        orders = Orders(session, summary)
        assert orders.scenario() == (1, 1, 0, 1)
        # The rule as compiled before the guard: twice on 16.0 (as real 16.0 does), once on 17.0+.
        unguarded = rule["filter_domain"].replace(f"'!', ('activity_ids.summary', '=like', '{summary}'), ", "")
        orders.writer.write("base.automation", [rule["id"]], {"filter_domain": unguarded})
        twice = 2 if version == "16.0" else 1
        assert orders.scenario() == (twice, twice, 0, twice)


@pytest.mark.parametrize("version", ["16.0", "17.0"])
def test_the_shipped_large_order_review_is_scheduled_once(tmp_path: Path, version: str) -> None:
    """The template's hand-written review rule carries the same guard (real 16.0 scheduled two
    reviews for an order created above the threshold, Dec 2026); the threshold is 25000."""
    from tests.versions.versions_helpers import ENV, copy_project

    root = copy_project(tmp_path / "project", version)
    app = Harmonizer(root, env=ENV)
    try:
        assert all(result.ok for result in app.apply(app.plan(["warehouse-3"])))
        with app.session("warehouse-3") as session:
            orders = Orders(session, "Review large order before release")
            above = orders.create(60000)
            assert orders.approvals(above) == 1
            below = orders.create(100)
            orders.add_line(below, 60000)
            assert orders.approvals(below) == 1
    finally:
        for name in ("harmonizer_demo", "harmonizer_east"):
            sandbox_link.unregister_sandbox(name)
