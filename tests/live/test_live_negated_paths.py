"""A ``'!'`` before a condition on an x2many path, on a real Odoo: what a search finds and
what a rule's filter acts on, for four orders (no activity, activity S, activity T, both).
The stand-in answers the same table (tests/sandbox/test_negated_paths.py):

- ``'!', ('activity_ids.summary', '=', S)``: 17.0+ search "no activity S"; 16.0's search
  reads ``('activity_ids.summary', '!=', S)`` ("some activity is not S"); every filter reads
  "no activity S";
- ``'!', ('activity_ids.summary', '=like', S)`` (the form the template's guards use): "no
  activity S" in every search and filter;
- ``('activity_ids.summary', '!=', S)``: "some activity is not S" in every search and in
  18.0+'s filter; 16.0's and 17.0's filters read "no activity S"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harmonizer.odoo.session import OdooSession

pytestmark = pytest.mark.live

S = "Harmonizer live guard S"
T = "Harmonizer live other T"
ORDERS = {"none": [], "S": [S], "T": [T], "ST": [S, T]}
NOT_EQ = ["!", ("activity_ids.summary", "=", S)]
NOT_LIKE = ["!", ("activity_ids.summary", "=like", S)]
DIFFERENT = [("activity_ids.summary", "!=", S)]
MARK = "harmonizer-negated-path"


class Orders:
    def __init__(self, odoo: OdooSession) -> None:
        self.odoo = odoo
        self.writer = odoo.writer()
        self.model_id = self.writer.search("ir.model", [("model", "=", "sale.order")])[0]
        self.partner = self.writer.search("res.partner", [("is_company", "=", True)], limit=1)[0]
        self.made: dict[int, str] = {}
        for label, summaries in ORDERS.items():
            order = self.writer.create("sale.order", {"partner_id": self.partner})
            for summary in summaries:
                self.writer.create("mail.activity", {"res_model_id": self.model_id, "res_id": order,
                                                     "summary": summary, "user_id": odoo.uid})
            self.made[order] = label
        self.rules: list[int] = []
        self.actions: list[int] = []

    def searched(self, domain: list[Any]) -> set[str]:
        return {self.made[i] for i in self.writer.search("sale.order", [("id", "in", list(self.made)), *domain])}

    def filtered(self, domain: list[Any]) -> set[str]:
        """The orders a rule with ``domain`` as its filter acts on when each order is edited."""
        writer, ids = self.writer, list(self.made)
        code = f"for record in records:\n    record.write({{'client_order_ref': '{MARK}'}})"
        note = writer.search("ir.model.fields", [("model", "=", "sale.order"), ("name", "=", "note")])
        rule: dict[str, Any] = {"name": "[Harmonizer live] negated path", "model_id": self.model_id,
                                "trigger": "on_write", "filter_domain": repr(domain),
                                "trigger_field_ids": [(6, 0, note)]}
        if self.odoo.version.major <= 16:
            rule.update(state="code", code=code)
        else:
            rule["action_server_ids"] = [(0, 0, {"name": "mark", "model_id": self.model_id, "state": "code",
                                                 "code": code})]
        rule_id = writer.create("base.automation", rule)
        self.rules.append(rule_id)
        if self.odoo.version.major <= 16:
            self.actions += [r["action_server_id"][0] for r in writer.read("base.automation", [rule_id],
                                                                            ["action_server_id"])]
        writer.write("sale.order", ids, {"client_order_ref": False})
        writer.write("sale.order", ids, {"note": f"edited for {domain!r}"})
        writer.write("base.automation", [rule_id], {"active": False})
        return {self.made[r["id"]] for r in writer.read("sale.order", ids, ["client_order_ref"])
                if r["client_order_ref"] == MARK}

    def remove(self) -> None:
        writer = self.writer
        if self.rules:
            writer.unlink("base.automation", self.rules)
        if self.actions:
            writer.unlink("ir.actions.server", self.actions)
        activities = writer.search("mail.activity", [("res_model", "=", "sale.order"),
                                                     ("res_id", "in", list(self.made))])
        if activities:
            writer.unlink("mail.activity", activities)
        writer.unlink("sale.order", list(self.made))


@pytest.fixture()
def orders(odoo: OdooSession) -> Iterator[Orders]:
    made = Orders(odoo)
    yield made
    made.remove()


def test_searches_and_rule_filters_read_negated_path_conditions_as_the_stand_in_says(
        odoo: OdooSession, orders: Orders) -> None:
    major = odoo.version.major
    assert orders.searched(NOT_EQ) == ({"T", "ST"} if major == 16 else {"none", "T"})
    assert orders.searched(NOT_LIKE) == {"none", "T"}
    assert orders.searched(DIFFERENT) == {"T", "ST"}
    assert orders.filtered(NOT_EQ) == {"none", "T"}
    assert orders.filtered(NOT_LIKE) == {"none", "T"}
    assert orders.filtered(DIFFERENT) == ({"none", "T"} if major <= 17 else {"T", "ST"})
