"""The impact preview on Odoo 16.0 does not count a record rule whose filter negates a
condition on a path with an operator 16.0's search turns into its opposite: the count would
not be what the rule does (see ``checks.negated_paths``). The ``=like`` form, and 16.0's time
rules (which search with their domain), are counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from harmonizer.checks.negated_paths import negated_path_leaf
from harmonizer.errors import Location
from harmonizer.model import DesiredState, Resource, Scope
from harmonizer.plan.impact import add_impacts
from harmonizer.plan.impact_options import ImpactOptions
from harmonizer.plan.model import Action, Change, FieldChange, SitePlan

NOW = dt.datetime(2026, 12, 6, 12, 0, 0)
WHERE = Location("site_templates/t/automation.yaml", 7)
S = "Review large order before release"
GUARD_EQ = f"['!', ('activity_ids.summary', '=', '{S}'), ('amount_total', '>', 25000)]"
GUARD_LIKE = f"['!', ('activity_ids.summary', '=like', '{S}'), ('amount_total', '>', 25000)]"


class Reader:
    def __init__(self) -> None:
        self.calls: list[list[Any]] = []

    def search_count(self, model: str, domain: list[Any]) -> int:
        self.calls.append(list(domain))
        return 4


def _impact(major: int, domain: str, trigger: str = "on_create_or_write") -> tuple[Any, Reader]:
    body = {"name": "Review", "model": "sale.order", "trigger": trigger, "filter_domain": domain,
            "date_field": "date_order", "delay": 3, "delay_unit": "day"}
    resource = Resource("automation", "review", body, WHERE, {"filter_domain": WHERE})
    desired = DesiredState("s", "t", "1", Scope(), {"automation.review": resource})
    change = Change("automation.review", "automation", "base.automation", Action.CREATE, None, None,
                    (FieldChange("filter_domain", "filter_domain", None, domain, "", domain),))
    plan = SitePlan("s", "sandbox://x", "x", f"{major}.0", "t", "1", 1, None, (change,))
    reader = Reader()
    return add_impacts(plan, desired, reader, major, ImpactOptions(), now=NOW).changes[0].impact, reader


def test_a_negated_equality_on_a_path_is_not_counted_on_16() -> None:
    impact, reader = _impact(16, GUARD_EQ)
    assert impact.after is None and reader.calls == []
    assert impact.note.startswith("not counted: Odoo 16.0 searches '!', ('activity_ids.summary', '=', ")
    assert f"('activity_ids.summary', '!=', '{S}')" in impact.note
    assert f"'!', ('activity_ids.summary', '=like', '{S}')" in impact.note


@pytest.mark.parametrize("major", [17, 18, 19])
def test_later_versions_count_it(major: int) -> None:
    impact, reader = _impact(major, GUARD_EQ)
    assert impact.after == 4 and impact.note is None and len(reader.calls) == 1


def test_the_like_form_and_16_time_rules_are_counted() -> None:
    impact, _ = _impact(16, GUARD_LIKE)
    assert impact.after == 4 and impact.note is None
    # 16.0's cron searches a time rule's records with the domain: the count is what it does
    impact, reader = _impact(16, GUARD_EQ, trigger="on_time")
    assert impact.after == 4 and reader.calls[0][:3] == ["!", ("activity_ids.summary", "=", S),
                                                         ("amount_total", ">", 25000)]


@pytest.mark.parametrize(("domain", "found"), [
    (["!", ("a.b", "=", 1)], ("a.b", "=", 1)),
    (["!", "&", ("x", "=", 1), ("a.b", "in", [1])], ("a.b", "in", [1])),
    (["|", ("x", "=", 1), "!", ("a.b", "ilike", "z")], ("a.b", "ilike", "z")),
    ([("x", "=", 1), "!", ("a.b", "<", 2)], ("a.b", "<", 2)),
    (["!", "!", ("a.b", "=", 1)], None),          # negated twice: as written
    (["!", ("x", "=", 1), ("a.b", "=", 1)], None),  # the '!' is on a plain field
    (["!", ("a.b", "=like", "z")], None),          # no opposite: 16.0 negates the whole test
    ([("a.b", "!=", 1)], None),                    # no '!': every version searches it as written
])
def test_which_conditions_16_turns_around(domain: list[Any], found: Any) -> None:
    assert negated_path_leaf(domain) == found
