"""Every kind's every field, on every Odoo version, fed each shape of value the 16.0-19.0
reference data shows: display and classification never raise, an unreadable value is shown
raw with a note (``kinds.values.show``/``read_live``, used by plans, drift and rollback)."""

from __future__ import annotations

from typing import Any

import pytest

from harmonizer.kinds.registry import KINDS
from harmonizer.kinds.values import RAW_NOTE, raw_text, read_live, same_or_not, show
from harmonizer.plan.resolve import Resolver

#: The shapes an Odoo read answers (and a template can leave unresolved), from the 16.0-19.0
#: reference records: lists of ids, [id, name] pairs, lists of names, false, empty lists,
#: strings, numbers, booleans, nested pairs and dicts (json fields, 18+ domains).
SHAPES: list[Any] = [
    [12, 14], [7, "Sales Order"], ["to_check"], ["state", "amount_total"], False, [], "", "to_check",
    "[('state', '=', 'draft')]", 0, 3.5, True, None, [[7, "Sales Order"]], {"en_US": "Name"},
    [{"id": 3, "name": "x"}], {"model": "sale.order", "id": None, "label": "Sales Order"},
]


def _fields() -> list[tuple[str, int, Any]]:
    out = []
    for key, kind in KINDS.items():
        for major in (16, 17, 18, 19):
            try:
                maps = kind.field_maps(major)
            except Exception:  # a kind that needs a body (generic records) has no fixed maps
                continue
            out.extend((f"{key}.{fmap.key}@{major}", major, fmap.vtype) for fmap in maps)
    return out


FIELDS = _fields()


def test_every_kind_has_fields_to_feed() -> None:
    assert len({name.split(".")[0] for name, _major, _vtype in FIELDS}) >= len(KINDS) - 1
    assert len(FIELDS) > 100


@pytest.mark.parametrize("shape", SHAPES, ids=[repr(s)[:30] for s in SHAPES])
def test_no_shape_breaks_display_or_classification(shape: Any) -> None:
    resolver = Resolver()
    resolver.add("ir.model", "model", "sale.order", 7, "Sales Order")
    for name, _major, vtype in FIELDS:
        text = show(vtype, shape)
        assert isinstance(text, str), name
        readable, value = read_live(vtype, shape, resolver)
        shown = show(vtype, value) if readable else raw_text(value)
        assert isinstance(shown, str), name
        assert isinstance(same_or_not(vtype, value, shape), bool), name


def test_an_unreadable_value_is_shown_raw_with_a_note() -> None:
    field_refs = next(vtype for name, _major, vtype in FIELDS if name == "automation.trigger_fields@18")
    # what the real 18.0/19.0 crash displayed: a template's names for a field 18.0 removed
    text = show(field_refs, ["to_check"])
    assert "to_check" in text and RAW_NOTE in text
