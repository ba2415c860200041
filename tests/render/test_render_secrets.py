"""Secret values never reach any output, whichever format, colour or action."""

from __future__ import annotations

import json

import pytest
from render_plans import create, delete, fc, plan, site, update

from harmonizer.plan.model import REDACTED, FieldChange, Plan
from harmonizer.render import RENDERERS, render_plan
from harmonizer.render.json import plan_from_json, plan_to_json

OLD = "old-s3cret-Pa55"
NEW = "new-s3cret-W0rd"
MULTI = "line-one-s3cret\nline-two-s3cret"
SECRETS = (OLD, NEW, "line-one-s3cret", "line-two-s3cret")


def _leaky(key: str, before: str | None, after: str | None) -> FieldChange:
    """A hand-built field whose display texts hold the raw secret (the planner never does this)."""
    return FieldChange(key=key, field=key, before=before, after=after, before_text=before or "(empty)",
                       after_text=after or "(empty)", secret=True)


def _secret_plan() -> Plan:
    return plan(site(
        "warehouse-1",
        create("system_parameter.api_key", "ir.config_parameter", fc("value", None, NEW, secret=True),
               fc("key", None, "api.key")),
        update("system_parameter.token", "ir.config_parameter", 4, fc("value", OLD, NEW, secret=True)),
        update("server_action.hook", "ir.actions.server", 5, fc("code", MULTI, NEW, secret=True)),
        update("system_parameter.leaky", "ir.config_parameter", 6, _leaky("value", OLD, NEW)),
        delete("system_parameter.gone", "ir.config_parameter", 7, fc("value", OLD, None, secret=True,
                                                                      deleted=True)),
    ))


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("color", [False, True])
def test_no_format_shows_a_secret(fmt: str, color: bool) -> None:
    out = render_plan(_secret_plan(), fmt, color=color)
    for secret in SECRETS:
        assert secret not in out
    assert REDACTED in out
    assert "api.key" in out  # the non-secret field of the same change is shown


def test_secret_fields_are_redacted_on_both_sides_in_text() -> None:
    lines = render_plan(_secret_plan(), "text").splitlines()
    assert f"      value: {REDACTED} → {REDACTED}" in lines
    assert f"      value: {REDACTED}" in lines  # the create, and the delete
    assert f"      code: {REDACTED} → {REDACTED}" in lines  # a multi-line secret is never a block


def test_json_round_trip_of_a_secret_plan_is_a_fixed_point() -> None:
    text = plan_to_json(_secret_plan())
    again = plan_from_json(text)
    assert plan_to_json(again) == text
    fields = [f for s in json.loads(text)["sites"] for c in s["changes"] for f in c["fields"] if f["secret"]]
    assert fields and all(f["after"] in (REDACTED, None) and f["after_text"] in (REDACTED, "(deleted)")
                          for f in fields)
    assert all(f["before"] in (REDACTED, None) and f["before_text"] in (REDACTED, "(empty)") for f in fields)
