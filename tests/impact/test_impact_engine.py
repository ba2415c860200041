"""``plan.impact.add_impacts`` on hand-built plans with a recording fake reader: what it asks
Odoo (one search_count per rule version, nothing else), and what it makes of the answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from harmonizer.errors import ConfigError, Location, OdooError
from harmonizer.model import DesiredState, Resource, Scope
from harmonizer.plan.impact import add_impacts
from harmonizer.plan.impact_options import ImpactOptions, parse_window
from harmonizer.plan.model import Action, Change, FieldChange, SitePlan

NOW = dt.datetime(2026, 12, 6, 12, 0, 0)
WHERE = Location("site_templates/t/automation.yaml", 7)


class FakeReader:
    """Answers search_count from a function; records every call; any other method fails."""

    def __init__(self, answer: Any = 5) -> None:
        self.answer = answer
        self.calls: list[tuple[str, list[Any]]] = []

    def search_count(self, model: str, domain: list[Any]) -> int:
        self.calls.append((model, list(domain)))
        return self.answer(model, domain) if callable(self.answer) else self.answer

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the impact preview must only count, not call {name}")


def _plan(*changes: Change) -> SitePlan:
    return SitePlan("s", "sandbox://x", "x", "17.0", "t", "1", 1, None, tuple(changes))


def _desired(**bodies: dict[str, Any]) -> DesiredState:
    resources = {}
    for address, body in bodies.items():
        kind, name = address.split("__")
        resources[f"{kind}.{name}"] = Resource(kind, name, body, WHERE, {"filter_domain": WHERE})
    return DesiredState("s", "t", "1", Scope(), resources)


def _fc(key: str, before: Any, after: Any, carried: bool = False) -> FieldChange:
    return FieldChange(key, key, before, after, str(before), str(after), carried=carried)


def _update(address: str, kind: str, *fields: FieldChange) -> Change:
    return Change(address, kind, "base.automation", Action.UPDATE, 3, None, tuple(fields))


REVIEW = {"name": "Review", "model": "sale.order", "trigger": "on_create_or_write",
          "filter_domain": "[('amount_total', '>', 25000)]"}


def test_one_count_per_rule_version_with_the_window() -> None:
    reader = FakeReader(lambda model, domain: 7 if ("amount_total", ">", 25000) in domain else 3)
    change = _update("automation.review", "automation",
                     _fc("filter_domain", "[('amount_total', '>', 40000)]", REVIEW["filter_domain"]),
                     _fc("trigger", "on_create_or_write", "on_create_or_write", carried=True))
    plan = add_impacts(_plan(change), _desired(automation__review=REVIEW), reader, 17, ImpactOptions(), now=NOW)
    impact = plan.changes[0].impact
    assert impact is not None and (impact.after, impact.before, impact.window_days) == (7, 3, 30)
    assert reader.calls == [
        ("sale.order", [("amount_total", ">", 25000), ("write_date", ">=", "2026-11-06 12:00:00")]),
        ("sale.order", [("amount_total", ">", 40000), ("write_date", ">=", "2026-11-06 12:00:00")]),
    ]


def test_a_create_counts_once_and_creation_triggers_use_create_date() -> None:
    reader = FakeReader(4)
    body = {**REVIEW, "trigger": "on_create"}
    change = Change("automation.review", "automation", "base.automation", Action.CREATE, None, None,
                    (_fc("trigger", None, "on_create"),))
    impact = add_impacts(_plan(change), _desired(automation__review=body), reader, 17,
                         ImpactOptions(window_days=90), now=NOW).changes[0].impact
    assert impact is not None and (impact.after, impact.before) == (4, None)
    assert reader.calls == [("sale.order", [("amount_total", ">", 25000),
                                            ("create_date", ">=", "2026-09-07 12:00:00")])]


def test_time_based_rules_count_what_is_due() -> None:
    reader = FakeReader(2)
    body = {"name": "Follow up", "model": "sale.order", "trigger": "on_time", "date_field": "date_order",
            "delay": 14, "delay_unit": "day", "filter_domain": "[('state', 'in', ['draft', 'sent'])]"}
    change = Change("automation.follow", "automation", "base.automation", Action.CREATE, None, None,
                    (_fc("trigger", None, "on_time"),))
    impact = add_impacts(_plan(change), _desired(automation__follow=body), reader, 17, ImpactOptions(),
                         now=NOW).changes[0].impact
    assert impact is not None and impact.basis == "due" and impact.window_days is None
    assert reader.calls == [("sale.order", [("state", "in", ["draft", "sent"]),
                                            ("date_order", "<=", "2026-11-22 12:00:00")])]
    months = {**body, "trigger": "on_time_updated", "date_field": None, "delay": 1, "delay_unit": "month"}
    add_impacts(_plan(change), _desired(automation__follow=months), reader, 17, ImpactOptions(), now=NOW)
    assert reader.calls[-1][1][-1] == ("write_date", "<=", "2026-11-06 12:00:00")


def test_a_domain_odoo_refuses_is_an_error_at_the_template_line() -> None:
    def refuse(model: str, domain: list[Any]) -> int:
        raise OdooError("Invalid field sale.order.amount_totl in leaf", "ValueError")

    change = _update("automation.review", "automation", _fc("filter_domain", "[]", REVIEW["filter_domain"]))
    with pytest.raises(ConfigError) as info:
        add_impacts(_plan(change), _desired(automation__review=REVIEW), FakeReader(refuse), 17, ImpactOptions(),
                    now=NOW)
    assert str(info.value).startswith("site_templates/t/automation.yaml:7: automation.review: filter_domain: "
                                      "Odoo refuses to count with this domain")


def test_run_time_names_uid_and_disabled() -> None:
    reader = FakeReader(1)
    body = {**REVIEW, "filter_domain": "[('user_id', '=', uid)]"}
    change = _update("automation.review", "automation", _fc("filter_domain", "[]", body["filter_domain"]))
    impact = add_impacts(_plan(change), _desired(automation__review=body), reader, 17, ImpactOptions(), uid=2,
                         now=NOW).changes[0].impact
    assert reader.calls[0][1][0] == ("user_id", "=", 2) and impact is not None and impact.after == 1
    body = {**REVIEW, "filter_domain": "[('create_date', '>', datetime.datetime.now())]"}
    impact = add_impacts(_plan(change), _desired(automation__review=body), reader, 17, ImpactOptions(),
                         now=NOW).changes[0].impact
    assert impact is not None and impact.after is None
    assert impact.note == "not counted: the domain reads datetime at run time"
    calls = len(reader.calls)
    untouched = add_impacts(_plan(change), _desired(automation__review=body), reader, 17,
                            ImpactOptions(enabled=False), now=NOW)
    assert untouched.changes[0].impact is None and len(reader.calls) == calls


def test_the_time_budget_stops_counting() -> None:
    ticks = iter([0.0, 0.5, 100.0, 100.0, 100.0])
    reader = FakeReader(9)
    changes = [_update(f"automation.r{i}", "automation", _fc("filter_domain", "[]", REVIEW["filter_domain"]))
               for i in range(2)]
    desired = _desired(automation__r0=REVIEW, automation__r1=REVIEW)
    plan = add_impacts(_plan(*changes), desired, reader, 17, ImpactOptions(timeout=10), now=NOW,
                       clock=lambda: next(ticks))
    first, second = (c.impact for c in plan.changes)
    assert first is not None and first.after == 9
    assert second is not None and second.after is None and "--impact-timeout of 10s reached" in (second.note or "")


def test_purchase_threshold_and_carried_only_changes() -> None:
    reader = FakeReader(6)
    body = {"po_double_validation": "two_step", "po_double_validation_amount": 5000}
    change = Change("company_settings.purchase_approval", "company_settings", "res.company", Action.UPDATE, 1,
                    None, (_fc("po_double_validation", "one_step", "two_step"),))
    impact = add_impacts(_plan(change), _desired(company_settings__purchase_approval=body), reader, 17,
                         ImpactOptions(), now=NOW).changes[0].impact
    assert impact is not None and (impact.after, impact.before) == (6, 0)
    assert reader.calls == [("purchase.order", [("company_id", "=", 1), ("create_date", ">=", "2026-11-06 12:00:00"),
                                                ("amount_total", ">=", 5000)])]
    carried = _update("automation.review", "automation", _fc("trigger", "on_write", "on_write", carried=True))
    assert add_impacts(_plan(carried), _desired(automation__review=REVIEW), reader, 17, ImpactOptions(),
                       now=NOW).changes[0].impact is None


@pytest.mark.parametrize("text, days", [("30d", 30), ("90", 90), ("12w", 84)])
def test_windows(text: str, days: int) -> None:
    assert parse_window(text) == days


@pytest.mark.parametrize("text", ["0d", "x", "-3d", "3m"])
def test_bad_windows(text: str) -> None:
    with pytest.raises(ValueError):
        parse_window(text)
