"""A ``'!'`` before a leaf on an x2many path, as each real Odoo reads it in a search and in a
rule's filter (checked on real 16.0-19.0, Dec 2026, with the same four orders: without an
activity, with activity S, with activity T, with both).

- ``'!', ('activity_ids.summary', '=', S)``: 17.0+ search "no activity S"; 16.0's search
  pushes the ``'!'`` into the leaf, ``('activity_ids.summary', '!=', S)``: "some activity is
  not S". Every version's rule filter reads "no activity S".
- ``'!', ('activity_ids.summary', '=like', S)``: ``=like`` has no opposite operator, so 16.0
  negates the whole test: "no activity S" everywhere, in a search and in a filter.
- ``('activity_ids.summary', '!=', S)``: "some activity is not S" in every search and in
  18.0+'s filter; 16.0's and 17.0's filter map the activities' summaries: "none is S".
"""

from __future__ import annotations

from typing import Any

import pytest

from harmonizer.sandbox.service import SandboxServer

S = "Review large order before release"
T = "Call the customer"
ORDERS = {"none": [], "S": [S], "T": [T], "ST": [S, T]}
NOT_EQ = ["!", ("activity_ids.summary", "=", S)]
NOT_LIKE = ["!", ("activity_ids.summary", "=like", S)]
DIFFERENT = [("activity_ids.summary", "!=", S)]


class Site:
    def __init__(self, version: str) -> None:
        self.version = version
        self.server = SandboxServer(None, version)
        self.server.ensure_database("d", fixture="demo")
        self.company = self.call("res.company", "search", [])[0]
        self.partner = self.call("res.partner", "search", [("is_company", "=", True)])[0]
        self.warehouse = self.call("stock.warehouse", "search", [("company_id", "=", self.company)])[0]
        self.model_id = self.call("ir.model", "search", [("model", "=", "sale.order")])[0]
        self.note_field = self.call("ir.model.fields", "search", [("model", "=", "sale.order"), ("name", "=", "note")])

    def call(self, model: str, method: str, *args: Any) -> Any:
        return self.server.dispatch("object", "execute_kw", ["d", 2, "admin", model, method, list(args), {}])

    def orders(self) -> dict[int, str]:
        """Four new orders (order id -> which activities it has)."""
        made = {}
        for label, summaries in ORDERS.items():
            order = self.call("sale.order", "create", {
                "name": f"NEG-{label}", "company_id": self.company, "partner_id": self.partner,
                "partner_invoice_id": self.partner, "partner_shipping_id": self.partner,
                "warehouse_id": self.warehouse, "picking_policy": "direct", "date_order": "2026-01-05 10:00:00"})
            for summary in summaries:
                self.call("mail.activity", "create", {"res_model_id": self.model_id, "res_id": order,
                                                      "summary": summary, "user_id": 2, "date_deadline": "2026-02-01"})
            made[order] = label
        return made

    def searched(self, domain: list[Any]) -> set[str]:
        made = self.orders()
        return {made[i] for i in self.call("sale.order", "search", [("id", "in", list(made)), *domain])}

    def filtered(self, domain: list[Any]) -> set[str]:
        """The orders a rule with ``domain`` as its filter acts on when each order is edited."""
        made = self.orders()
        marker = f"rule {domain!r}"
        action = self.call("ir.actions.server", "create", {"name": "mark", "model_id": self.model_id,
                                                           "state": "next_activity", "activity_summary": marker})
        rule = {"name": "negated path", "model_id": self.model_id, "trigger": "on_write",
                "filter_domain": repr(domain), "trigger_field_ids": [(6, 0, self.note_field)]}
        if self.version == "16.0":
            rule["action_server_id"] = action
        else:
            rule["action_server_ids"] = [(6, 0, [action])]
        rule_id = self.call("base.automation", "create", rule)
        self.call("sale.order", "write", list(made), {"note": "edited"})
        self.call("base.automation", "write", [rule_id], {"active": False})
        marked = self.call("mail.activity", "search_read", [("summary", "=", marker)], ["res_id"])
        return {made[row["res_id"]] for row in marked}


@pytest.fixture(scope="module", params=["16.0", "17.0", "18.0", "19.0"])
def site(request: pytest.FixtureRequest) -> Site:
    return Site(request.param)


def test_a_negated_equality_on_a_path_is_searched_as_its_version_does(site: Site) -> None:
    if site.version == "16.0":
        assert site.searched(NOT_EQ) == {"T", "ST"}  # ('activity_ids.summary', '!=', S)
    else:
        assert site.searched(NOT_EQ) == {"none", "T"}
    assert site.searched(DIFFERENT) == {"T", "ST"}


def test_a_negated_like_on_a_path_means_none_in_every_search(site: Site) -> None:
    assert site.searched(NOT_LIKE) == {"none", "T"}


def test_a_rule_filter_reads_the_guards_as_its_version_does(site: Site) -> None:
    assert site.filtered(NOT_EQ) == {"none", "T"}
    assert site.filtered(NOT_LIKE) == {"none", "T"}
    if site.version in ("16.0", "17.0"):
        assert site.filtered(DIFFERENT) == {"none", "T"}  # the activities' summaries, mapped
    else:
        assert site.filtered(DIFFERENT) == {"T", "ST"}
