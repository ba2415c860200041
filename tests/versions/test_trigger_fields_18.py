"""What real 18.0 and 19.0 make of an automation's trigger fields (checked on the real servers,
Dec 2026): 18.0 fills an on_create_or_write rule's empty trigger fields from its domain, and
adds the fields of a domain written later; an on_write rule keeps none (any write triggers
it), and writing its domain alone clears the ones it had (18.0 and 19.0). harmonizer writes
the trigger fields with the domain, and desires none for an on_write rule without any."""

from __future__ import annotations

from typing import Any

import pytest

from harmonizer.sandbox.service import SandboxServer


class Rules:
    def __init__(self, version: str) -> None:
        self.server = SandboxServer(None, version)
        self.server.ensure_database("d", fixture="demo")
        self.model_id = self.call("ir.model", "search", [("model", "=", "sale.order")])[0]

    def call(self, model: str, method: str, *args: Any) -> Any:
        return self.server.dispatch("object", "execute_kw", ["d", 2, "admin", model, method, list(args), {}])

    def field(self, name: str) -> int:
        return self.call("ir.model.fields", "search", [("model", "=", "sale.order"), ("name", "=", name)])[0]

    def create(self, trigger: str, domain: str, fields: list[str] | None = None) -> int:
        vals: dict[str, Any] = {"name": "rule", "model_id": self.model_id, "trigger": trigger, "filter_domain": domain}
        if fields is not None:
            vals["trigger_field_ids"] = [(6, 0, [self.field(n) for n in fields])]
        return self.call("base.automation", "create", vals)

    def fields(self, rule: int) -> set[int]:
        return set(self.call("base.automation", "read", [rule], ["trigger_field_ids"])[0]["trigger_field_ids"])


@pytest.fixture(scope="module")
def rules18() -> Rules:
    return Rules("18.0")


def test_18_fills_an_on_create_or_write_rule_only(rules18: Rules) -> None:
    domain = "[('amount_total', '>', 5), ('state', '=', 'draft')]"
    both = {rules18.field("amount_total"), rules18.field("state")}
    assert rules18.fields(rules18.create("on_create_or_write", domain)) == both
    assert rules18.fields(rules18.create("on_write", domain)) == set()


def test_18_recomputes_them_when_the_domain_is_written_alone(rules18: Rules) -> None:
    state, untaxed = rules18.field("state"), rules18.field("amount_untaxed")
    adds = rules18.create("on_create_or_write", "[('amount_total', '>', 5)]", ["state"])
    rules18.call("base.automation", "write", [adds], {"filter_domain": "[('amount_untaxed', '>', 5)]"})
    assert rules18.fields(adds) == {state, untaxed}
    clears = rules18.create("on_write", "[('amount_total', '>', 5)]", ["state"])
    rules18.call("base.automation", "write", [clears], {"filter_domain": "[('amount_untaxed', '>', 5)]"})
    assert rules18.fields(clears) == set()
    # written with the domain, they are kept
    rules18.call("base.automation", "write", [clears], {"filter_domain": "[('amount_total', '>', 7)]",
                                                        "trigger_field_ids": [(6, 0, [state])]})
    assert rules18.fields(clears) == {state}


def test_19_clears_an_on_write_rule_s_fields_when_its_domain_is_written_alone() -> None:
    rules = Rules("19.0")
    keeps = rules.create("on_create_or_write", "[('amount_total', '>', 5)]", ["state"])
    clears = rules.create("on_write", "[('amount_total', '>', 5)]", ["state"])
    for rule in (keeps, clears):
        rules.call("base.automation", "write", [rule], {"filter_domain": "[('amount_untaxed', '>', 5)]"})
    assert rules.fields(keeps) == {rules.field("state")}
    assert rules.fields(clears) == set()
