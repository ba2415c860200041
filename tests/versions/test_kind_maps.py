"""Per-version field mappings of the core kinds (the one place version differences live)."""

from __future__ import annotations

import pytest

from harmonizer.kinds.automation import ServerFilledTriggerFields, domain_field_names
from harmonizer.kinds.base import Unsupported
from harmonizer.kinds.registry import KINDS
from harmonizer.plan.resolve import Resolver


def _fields(kind: str, major: int) -> dict[str, str]:
    return {m.key: m.field for m in KINDS[kind].field_maps(major)}


def test_automation_actions_are_child_ids_on_16_and_action_server_ids_after() -> None:
    assert _fields("automation", 16)["actions"] == "child_ids"
    assert all(_fields("automation", major)["actions"] == "action_server_ids" for major in (17, 18, 19))
    assert KINDS["automation"].create_extras({}, 16) == {"state": "multi"}
    assert KINDS["automation"].create_extras({}, 17) == {}


def test_16_refuses_17_only_triggers_and_action_types_at_plan_time() -> None:
    trigger = next(m for m in KINDS["automation"].field_maps(16) if m.key == "trigger").vtype
    assert trigger.desired("on_write", Resolver(), {}) == "on_write"
    with pytest.raises(Unsupported, match=r"'on_archive' does not exist on Odoo 16\.0"):
        trigger.desired("on_archive", Resolver(), {})
    state = next(m for m in KINDS["server_action"].field_maps(16) if m.key == "type").vtype
    with pytest.raises(Unsupported, match=r"'webhook' is not available on Odoo 16\.0"):
        state.desired("webhook", Resolver(), {})
    assert "webhook_url" not in _fields("server_action", 16) and "webhook_url" in _fields("server_action", 17)


def test_cron_numbercall_only_up_to_17() -> None:
    kind = KINDS["scheduled_action"]
    assert kind.create_extras({}, 16)["numbercall"] == -1
    assert kind.create_extras({}, 17)["numbercall"] == -1
    assert "numbercall" not in kind.create_extras({}, 18)


def test_po_lead_is_not_managed_on_19() -> None:
    assert "po_lead" in _fields("company_settings", 18)
    assert "po_lead" not in _fields("company_settings", 19)


def test_18_desires_the_trigger_fields_its_server_derives_from_the_domain() -> None:
    vtype = next(m for m in KINDS["automation"].field_maps(18) if m.key == "trigger_fields").vtype
    assert isinstance(vtype, ServerFilledTriggerFields)
    body = {"model": "sale.order", "trigger": "on_create_or_write", "filter_domain": "[('state', '=', 'sale'), "
            "('partner_id.name', 'ilike', 'x')]"}
    assert [lk.value for lk in vtype.lookups([], body)] == ["sale.order.state", "sale.order.partner_id"]
    assert [lk.value for lk in vtype.lookups(["amount_total"], body)] == ["sale.order.amount_total"]
    # real 18.0 leaves an on_write rule's trigger fields empty: any write triggers it
    assert vtype.lookups([], {**body, "trigger": "on_write"}) == []
    assert domain_field_names("not a domain") == []
    assert not isinstance(next(m for m in KINDS["automation"].field_maps(19) if m.key == "trigger_fields").vtype,
                          ServerFilledTriggerFields)
