"""Escalation timers: an approval or exception left unhandled for a set time escalates.

```yaml
escalation:
  rules:
    large_order_stalled:
      approval: large_order          # an approval rule of the approval matrix
      after: 1
      unit: day
      escalate_to: admin             # a login: gets an escalation activity
      event_url: "{{ n8n_base_url }}/approval-escalated"   # and/or a webhook event
    stock_exception_stalled:
      model: stock.picking
      domain: "[('state', '=', 'assigned'), ('scheduled_date', '<', '2100-01-01')]"
      since: scheduled_date
      after: 8
      escalate_to: admin
```

Compiles to a time-based ``automation`` ``escalation_<rule>`` (Odoo 17 checks them
from its own cron): ``since`` is ``last_update`` (``on_time_updated``: unchanged for
``after``), ``creation`` (``on_time_created``) or a date field of the model (``on_time``).
Its actions: a ``next_activity`` ``server_action`` ``escalation_<rule>`` for the
``escalate_to`` user and/or a ``webhook`` ``server_action`` ``escalation_<rule>_event``.

With ``approval``, the model and the condition come from the matrix rule, plus "its
approval activity is still open" (activities are deleted when marked done), so only
unhandled approvals escalate.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from harmonizer.errors import Location
from harmonizer.kinds.refs import OdooName
from harmonizer.policy import approval_matrix as am
from harmonizer.policy.base import (
    TODO_ACTIVITY,
    BlockBody,
    CompiledResource,
    PolicyError,
    compiled_name,
    domain_text,
    odoo_name,
)

PREFIX = "escalation"


class EscalationRule(BlockBody):
    approval: str | None = None
    model: str | None = None
    domain: str | None = None
    since: str = "last_update"
    after: int = Field(ge=1)
    unit: Literal["minutes", "hour", "day", "month"] = "hour"
    escalate_to: str | None = None
    activity_type: OdooName = TODO_ACTIVITY
    summary: str | None = None
    event_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    event_fields: list[str] = Field(default_factory=lambda: ["name"])
    active: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> EscalationRule:
        if (self.approval is None) == (self.model is None):
            raise ValueError("an escalation names exactly one of 'approval' (a matrix rule) or 'model'")
        if self.approval is not None and self.domain is not None:
            raise ValueError("'domain' comes from the approval rule: do not repeat it")
        if not self.escalate_to and not self.event_url:
            raise ValueError("an escalation needs 'escalate_to' (a login) or 'event_url' (a webhook), or both")
        return self


class Escalation(BlockBody):
    rules: dict[str, EscalationRule] = Field(min_length=1)


def _trigger(rule: EscalationRule) -> dict[str, Any]:
    if rule.since == "last_update":
        return {"trigger": "on_time_updated", "date_field": "write_date"}
    if rule.since == "creation":
        return {"trigger": "on_time_created", "date_field": "create_date"}
    return {"trigger": "on_time", "date_field": rule.since}


def compile_escalation(body: Escalation, matrix: am.ApprovalMatrix | None, location: Location,
                       rule_locations: dict[str, Location] | None = None) -> list[CompiledResource]:
    out: list[CompiledResource] = []
    for name, rule in body.rules.items():
        where = (rule_locations or {}).get(name, location)
        out.extend(_compile_rule(name, rule, matrix, where))
    return out


def _target(name: str, rule: EscalationRule, matrix: am.ApprovalMatrix | None) -> tuple[str, str | None, str]:
    """(model, filter_domain, what is escalated) of one rule."""
    if rule.approval is None:
        return str(rule.model), rule.domain, f"{rule.model} records"
    source = (matrix.rules if matrix else {}).get(rule.approval)
    if source is None:
        known = ", ".join(sorted(matrix.rules)) if matrix and matrix.rules else "none"
        raise PolicyError(f"escalation {name}: approval {rule.approval!r} is not a rule of the approval matrix "
                          f"(rules: {known})", ("rules", name, "approval"))
    if source.action != "approval":
        raise PolicyError(f"escalation {name}: approval matrix rule {rule.approval} blocks, it schedules no "
                          "approval to wait on", ("rules", name, "approval"))
    leaves = [*am.pending(source), ("activity_ids.summary", "=", am.summary(rule.approval, source))]
    return am.EXCEPTIONS[source.exception].model, domain_text(leaves), f"unhandled approvals ({rule.approval})"


def _compile_rule(name: str, rule: EscalationRule, matrix: am.ApprovalMatrix | None,
                  where: Location) -> list[CompiledResource]:
    model, domain, what = _target(name, rule, matrix)
    base = compiled_name(PREFIX, name)
    purpose = f"escalate {what} after {rule.after} {rule.unit}(s)"
    actions: list[CompiledResource] = []
    if rule.escalate_to:
        actions.append(CompiledResource("server_action", base, {
            "name": f"[Harmonizer] Escalation: {name}", "model": model, "type": "next_activity",
            "activity_type": odoo_name(rule.activity_type),
            "activity_summary": rule.summary or f"Escalated: {what} waiting over {rule.after} {rule.unit}(s)",
            "activity_deadline": 0, "activity_deadline_unit": "days",
            "activity_user_type": "specific", "activity_user": rule.escalate_to,
        }, "escalation", name, where, purpose=purpose))
    if rule.event_url:
        actions.append(CompiledResource("server_action", compiled_name(PREFIX, name, "event"), {
            "name": f"[Harmonizer] Escalation event: {name}", "model": model, "type": "webhook",
            "webhook_url": rule.event_url, "webhook_fields": list(rule.event_fields),
        }, "escalation", name, where, purpose=purpose))
    automation: dict[str, Any] = {
        "name": f"[Harmonizer] Escalation: {name}", "model": model, **_trigger(rule),
        "delay": rule.after, "delay_unit": rule.unit, "actions": [a.name for a in actions],
        "active": rule.active,
    }
    if domain:
        automation["filter_domain"] = domain
    return [*actions, CompiledResource("automation", base, automation, "escalation", name, where, purpose=purpose)]
