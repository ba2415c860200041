"""The JSON contract: round trip through Plan.from_dict, format version, summary, errors."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from render_plans import fc, mixed_site, noop, plan, site, update

from harmonizer.plan.model import FORMAT_VERSION, Plan, SiteFailure
from harmonizer.render.json import plan_from_json, plan_to_json, render_json


def _full_plan() -> Plan:
    first = mixed_site()
    first = replace(first, fingerprints={"res.company/1": "abc123"})
    return plan(first, site("warehouse-2", noop("system_parameter.a", "ir.config_parameter", 3)),
                failures=(SiteFailure("warehouse-3", "cannot connect"),))


def test_round_trip_gives_the_same_plan() -> None:
    original = _full_plan()
    assert plan_from_json(plan_to_json(original)) == original
    assert Plan.from_dict(json.loads(plan_to_json(original))) == original


def test_document_is_plan_to_dict_plus_summary_and_status() -> None:
    original = _full_plan()
    data = json.loads(plan_to_json(original))
    assert data["format_version"] == FORMAT_VERSION
    assert data["kind"] == "harmonizer-plan"
    expected = original.to_dict()
    for key in expected:
        if key != "sites":
            assert data[key] == expected[key]
    for got, want in zip(data["sites"], expected["sites"], strict=True):
        assert {k: v for k, v in got.items() if k != "status"} == want
    assert [s["status"] for s in data["sites"]] == ["changes", "in sync"]
    counts = original.sites[0].counts
    assert data["summary"] == {"sites": 3, "failed": 1, "create": counts.create, "update": counts.update,
                               "delete": counts.delete, "has_changes": True}


def test_key_order_follows_the_model() -> None:
    data = json.loads(plan_to_json(_full_plan()))
    assert list(data)[:2] == ["format_version", "kind"]


def test_render_json_ends_with_newline() -> None:
    out = render_json(_full_plan(), color=True, width=10)
    assert out.endswith("}\n")
    assert "\x1b[" not in out


def test_sets_are_written_sorted_and_unknown_types_refused() -> None:
    with_set = plan(site("s", update("automation.a", "base.automation", 1,
                                     fc("groups", frozenset({"b", "a"}), frozenset({"c"})))))
    data = json.loads(plan_to_json(with_set))
    field = data["sites"][0]["changes"][0]["fields"][0]
    assert field["before"] == ["a", "b"]
    assert field["after"] == ["c"]
    odd = plan(site("s", update("automation.a", "base.automation", 1, fc("x", object(), 1))))
    with pytest.raises(TypeError, match="cannot be written as JSON"):
        plan_to_json(odd)


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"kind": "harmonizer-plan", "format_version": 99}',
                                  '{"kind": "harmonizer-plan", "format_version": 1, "sites": [{"site": "x"}]}'])
def test_plan_from_json_refuses_what_is_not_a_plan(text: str) -> None:
    with pytest.raises(ValueError):
        plan_from_json(text)
