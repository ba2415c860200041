"""One reader of a filter domain's literal text for validate's checks, health and the 18.0
trigger-field rule (``kinds.automation.literal_domain``)."""

from __future__ import annotations

import pytest

from harmonizer.kinds.automation import domain_field_names, literal_domain


@pytest.mark.parametrize(("text", "expected"), [
    ("[('state', '=', 'sale')]", [("state", "=", "sale")]),
    ("  ['!', ('activity_ids.summary', '=like', 'x')]\n", ["!", ("activity_ids.summary", "=like", "x")]),
    ("(('a', '=', 1),)", [("a", "=", 1)]),
    ([("a", "=", 1)], [("a", "=", 1)]),
    ("", []),
    ("   ", []),
    (None, []),
    (False, []),
])
def test_literal_text_and_lists_read_as_lists(text: object, expected: list[object]) -> None:
    assert literal_domain(text) == expected


@pytest.mark.parametrize("text", [
    "[('user_id', '=', uid)]",  # a name read at run time
    "[('date', '<', context_today())]",
    "[('state', '=', ",  # does not parse
    "'state'",  # not a list
    "[" * 10000 + "]" * 10000,  # too deep for the parser
    42,
], ids=lambda text: repr(text)[:40])
def test_anything_else_is_not_literal(text: object) -> None:
    assert literal_domain(text) is None


def test_field_names_come_from_the_same_reading() -> None:
    assert domain_field_names("  [('partner_id.name', '=', 'x'), '|', ('state', '=', 1), ('partner_id', '!=', 2)]") \
        == ["partner_id", "state"]
    assert domain_field_names("[('user_id', '=', uid)]") == []
    assert domain_field_names(None) == []
