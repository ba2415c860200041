"""What a site's template says there is to watch: owned crons and automations, approval and
escalation activities, event rules, block rules (pure: from the rendered desired state).

Roles of automations, from the policy blocks they were compiled from (``DesiredState.policies``):
approval-matrix rules with action ``approval`` are ``approval``, with ``block`` are ``block``;
escalation rules are ``escalation``; business events are ``event``. A hand-written automation
is an ``event`` when one of its actions is a webhook, an ``approval`` when one of its actions
schedules an activity that an escalation rule watches (``activity_ids.summary``), else ``other``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harmonizer.kinds.automation import literal_domain
from harmonizer.model import DesiredState
from harmonizer.policy.health import HealthThresholds, thresholds_of

_DELAY_HOURS = {"minutes": 1 / 60, "hour": 1, "day": 24, "month": 730}
DRAFT_STATES = ["draft", "sent"]


@dataclass(frozen=True)
class ActivityDef:
    summary: str
    model: str
    activity_type: str | None


@dataclass(frozen=True)
class AutomationDef:
    address: str
    xmlid: str
    name: str
    model: str
    trigger: str
    role: str
    domain: list[Any] | None
    date_field: str | None
    actions: tuple[str, ...]
    #: Summaries of the activities its actions schedule.
    summaries: tuple[str, ...] = ()
    #: A time trigger's delay, in hours.
    delay_hours: float = 0


@dataclass(frozen=True)
class Definitions:
    crons: tuple[tuple[str, str, str], ...]  # (address, xmlid name, name)
    automations: tuple[AutomationDef, ...]
    actions: Mapping[str, str]  # server action name -> xmlid name
    approvals: tuple[ActivityDef, ...]
    escalations: tuple[ActivityDef, ...]
    #: Owned activity types: (xmlid name, res model).
    activity_types: tuple[tuple[str, str], ...]
    thresholds: HealthThresholds = field(default_factory=HealthThresholds)

    @property
    def blocks(self) -> tuple[AutomationDef, ...]:
        return tuple(a for a in self.automations if a.role == "block")


def definitions(desired: DesiredState, major: int) -> Definitions:
    """What to watch at a site running Odoo ``major`` (resources of other versions left out)."""
    resources = {a: r for a, r in desired.resources.items() if r.on_version(major)}
    policies = desired.policies or {}
    roles = _policy_roles(policies)
    actions = {r.name: r.body for r in resources.values() if r.kind == "server_action"}
    watched = _watched_summaries(resources)
    automations = []
    for res in resources.values():
        if res.kind != "automation":
            continue
        body = res.body
        # actions of other Odoo versions (a webhook on 16.0) are not this site's
        names = tuple(n for n in body.get("actions") or () if n in actions)
        role = roles.get(res.address) or _hand_written_role(names, actions, watched)
        automations.append(AutomationDef(
            address=res.address, xmlid=f"automation__{res.name}", name=str(body.get("name") or res.name),
            model=str(body.get("model") or ""), trigger=str(body.get("trigger") or ""), role=role,
            domain=literal_domain(body.get("filter_domain")), date_field=body.get("date_field"), actions=names,
            summaries=tuple(str(actions[n]["activity_summary"]) for n in names
                            if (actions.get(n) or {}).get("type") == "next_activity"
                            and actions[n].get("activity_summary")),
            delay_hours=float(body.get("delay") or 0) * _DELAY_HOURS.get(str(body.get("delay_unit") or "hour"), 1)))
    approvals = _activities(automations, actions, "approval")
    escalations = _activities(automations, actions, "escalation")
    crons = tuple((r.address, f"scheduled_action__{r.name}", str(r.body.get("name") or r.name))
                  for r in resources.values() if r.kind == "scheduled_action")
    types = tuple((f"mail_activity_type__{r.name}", str(r.body.get("model") or ""))
                  for r in resources.values() if r.kind == "mail_activity_type")
    return Definitions(crons=crons, automations=tuple(automations),
                       actions={name: f"server_action__{name}" for name in actions},
                       approvals=approvals, escalations=escalations, activity_types=types,
                       thresholds=thresholds_of(policies))


def _policy_roles(policies: Mapping[str, Any]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for rule in ((policies.get("approval_matrix") or {}).get("rules") or {}).values():
        action = (rule.get("rule") or {}).get("action")
        for address in rule.get("compiles_to") or ():
            roles[address] = "block" if action == "block" else "approval"
    for rule in ((policies.get("escalation") or {}).get("rules") or {}).values():
        for address in rule.get("compiles_to") or ():
            roles[address] = "escalation"
    for event in ((policies.get("business_events") or {}).get("events") or {}).values():
        for address in (event or {}).get("compiles_to") or ():
            roles[address] = "event"
    return roles


def _watched_summaries(resources: Mapping[str, Any]) -> set[str]:
    """Activity summaries an escalation-like domain waits on (``('activity_ids.summary', '=', S)``)."""
    out: set[str] = set()
    for res in resources.values():
        if res.kind != "automation":
            continue
        for leaf in literal_domain(res.body.get("filter_domain")) or []:
            if isinstance(leaf, list | tuple) and len(leaf) == 3 and leaf[0] == "activity_ids.summary":
                out.add(str(leaf[2]))
    return out


def _hand_written_role(names: tuple[str, ...], actions: Mapping[str, Mapping[str, Any]], watched: set[str]) -> str:
    bodies = [actions.get(n) or {} for n in names]
    if any(b.get("type") == "webhook" for b in bodies):
        return "event"
    if any(b.get("type") == "next_activity" and b.get("activity_summary") in watched for b in bodies):
        return "approval"
    return "other"


def _activities(automations: list[AutomationDef], actions: Mapping[str, Mapping[str, Any]],
                role: str) -> tuple[ActivityDef, ...]:
    seen: dict[tuple[str, str], ActivityDef] = {}
    for automation in automations:
        if automation.role != role:
            continue
        for name in automation.actions:
            body = actions.get(name) or {}
            if body.get("type") == "next_activity" and body.get("activity_summary"):
                key = (str(body["activity_summary"]), str(body.get("model") or automation.model))
                seen.setdefault(key, ActivityDef(key[0], key[1], body.get("activity_type")))
    return tuple(seen.values())


def draft_domain(domain: list[Any] | None) -> list[Any] | None:
    """A block rule's condition on confirmed orders, asked of drafts: its ``state`` leaves become
    ``state in (draft, sent)``; None when nothing but the state is left (no threshold)."""
    if domain is None or any(isinstance(leaf, str) for leaf in domain):
        return None
    rest = [tuple(leaf) for leaf in domain if not (isinstance(leaf, list | tuple) and leaf[0] == "state")]
    if not rest:
        return None
    return [("state", "in", DRAFT_STATES), *rest]
