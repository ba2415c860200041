"""Automation rules (base.automation): a trigger on a model, filters, and server actions.

Odoo 17+ links actions through ``action_server_ids`` (one2many); harmonizer writes only
link/unlink commands for the difference (see ``ResourceRefs``). Time-based triggers name a
date field of the model, a delay and its unit (note Odoo's singular ``hour``/``day``).

Per version (``field_maps(major)``, ``create_extras``, ``companions``):

- 16.0: an automation IS a server action (``_inherits`` through ``action_server_id``).
  One template automation is one base.automation whose own action is a ``multi`` action;
  the template's ``actions`` (separate server_action resources, unchanged) are its
  ``child_ids``. So any number of actions maps the same way, the server actions stay
  owned by their own resources, and relinking is a many2many link/unlink. Unlinking the
  automation leaves its multi action behind: it is unlinked right after (companion).
  Only 16.0's six triggers exist there; others are refused at plan time, except 17.0's
  ``on_time_created``/``on_time_updated``, which are 16.0's ``on_time`` on ``create_date``/
  ``write_date`` (the date field the template names): they are written as ``on_time``.
- 18.0: the server fills an empty ``trigger_field_ids`` of an on_create_or_write rule with
  the fields its ``filter_domain`` names: an empty ``trigger_fields`` is desired as exactly
  those fields, so a converged rule shows no difference. An on_write rule keeps none (any
  write triggers it; checked on real 18.0, Dec 2026). 18.0 and 19.0 also recompute the
  trigger fields when ``filter_domain`` is written alone (18.0 clears an on_write rule's):
  they are always written with it (``write_together``).
- 17.0 and 19.0: ``trigger_field_ids`` is stored as given.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from harmonizer.kinds.base import Body, FieldMap, Kind, SelectionIn
from harmonizer.kinds.refs import FieldRef, FieldRefs, ModelRef, ResourceRefs
from harmonizer.kinds.values import Boolean, Integer, Lookup, Selection, Text
from harmonizer.model import Level, Resource

Trigger = Literal[
    "on_stage_set", "on_user_set", "on_tag_set", "on_state_set", "on_priority_set", "on_archive",
    "on_unarchive", "on_create_or_write", "on_create", "on_write", "on_unlink", "on_change", "on_time",
    "on_time_created", "on_time_updated", "on_message_received", "on_message_sent", "on_webhook",
]
TIME_TRIGGERS = frozenset({"on_time", "on_time_created", "on_time_updated"})
#: The triggers Odoo 16.0 knows.
TRIGGERS_16 = frozenset({"on_create", "on_write", "on_create_or_write", "on_unlink", "on_change", "on_time"})
#: Triggers whose empty trigger fields Odoo 18.0 fills from the filter domain.
DOMAIN_FILLED = frozenset({"on_create_or_write"})


def literal_domain(text: Any) -> list[Any] | None:
    """A filter domain as data: its literal text as a list, a list as itself, no text as ``[]``
    (every record); None when the text is not a plain literal (it reads ``uid`` or
    ``context_today()``, or does not parse)."""
    if isinstance(text, list | tuple):
        return list(text)
    if text is None or text is False or (isinstance(text, str) and not text.strip()):
        return []
    if not isinstance(text, str):
        return None
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return list(value) if isinstance(value, list | tuple) else None


def domain_field_names(domain: str | None) -> list[str]:
    """Field names (first path part) of a domain string's leaves, in order, once each."""
    out: list[str] = []
    for leaf in literal_domain(domain) or []:
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and isinstance(leaf[0], str):
            name = leaf[0].split(".")[0]
            if name not in out:
                out.append(name)
    return out


#: 17.0 time triggers that are 16.0's ``on_time`` on the date field they name.
TIME_ALIASES_16 = {"on_time_created": "on_time", "on_time_updated": "on_time"}


class Trigger16(SelectionIn):
    """16.0's triggers: 17.0's named time triggers become ``on_time``, the rest must exist."""

    def __init__(self) -> None:
        super().__init__(TRIGGERS_16, "trigger", "does not exist on Odoo 16.0")

    def desired(self, value: Any, resolver: Any, body: Mapping[str, Any]) -> Any:
        return super().desired(TIME_ALIASES_16.get(value, value), resolver, body)


class ServerFilledTriggerFields(FieldRefs):
    """18.0's trigger fields: empty means what the server derives from ``filter_domain``."""

    @staticmethod
    def _names(value: Any, body: Mapping[str, Any]) -> Any:
        if not value and body.get("trigger") in DOMAIN_FILLED:
            return domain_field_names(body.get("filter_domain"))
        return value

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        return super().lookups(self._names(value, body), body)

    def desired(self, value: Any, resolver: Any, body: Mapping[str, Any]) -> Any:
        return super().desired(self._names(value, body), resolver, body)


class AutomationBody(Body):
    name: str
    model: str
    trigger: Trigger
    filter_domain: str | None = None
    filter_pre_domain: str | None = None
    trigger_fields: list[str] = Field(default_factory=list)
    date_field: str | None = None
    delay: int = 0
    delay_unit: Literal["minutes", "hour", "day", "month"] = "hour"
    actions: list[str] = Field(default_factory=list)
    active: bool = True

    @model_validator(mode="after")
    def _time_needs_date(self) -> AutomationBody:
        if self.trigger == "on_time" and not self.date_field:
            raise ValueError("an on_time trigger needs 'date_field'")
        return self


TRIGGER_GROUP = frozenset({"trigger", "trigger_fields", "filter_domain", "filter_pre_domain", "date_field",
                           "delay", "delay_unit"})


class Automation(Kind):
    key: ClassVar[str] = "automation"
    model: ClassVar[str] = "base.automation"
    companion_models: ClassVar[tuple[str, ...]] = ("ir.actions.server",)
    level: ClassVar[Level] = Level.DATABASE
    body_model = AutomationBody
    area = "automation"
    title = "Automation rule"
    # Odoo 17 recomputes the domains, the date field and the delay from the trigger and its
    # fields whenever those are written without them.
    write_together = (TRIGGER_GROUP,)

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        body = super().effective_body(resource)
        if body["trigger"] in TIME_TRIGGERS:
            # Odoo 17 derives the date field from the trigger fields: name it there too.
            if body.get("date_field") and not body.get("trigger_fields"):
                body["trigger_fields"] = [body["date_field"]]
        else:
            # Odoo resets these for triggers that are not time-based: they are not managed.
            for key in ("date_field", "delay", "delay_unit"):
                body.pop(key, None)
        return body

    def field_maps(self, major: int) -> list[FieldMap]:
        trigger = Trigger16() if major <= 16 else Selection()
        actions = ResourceRefs("server_action", "ir.actions.server")
        return [
            FieldMap("name", "name", Text()),
            FieldMap("model", "model_id", ModelRef()),
            FieldMap("trigger", "trigger", trigger),
            FieldMap("filter_domain", "filter_domain", Text()),
            FieldMap("filter_pre_domain", "filter_pre_domain", Text()),
            FieldMap("trigger_fields", "trigger_field_ids",
                     ServerFilledTriggerFields() if major == 18 else FieldRefs()),
            FieldMap("date_field", "trg_date_id", FieldRef()),
            FieldMap("delay", "trg_date_range", Integer()),
            FieldMap("delay_unit", "trg_date_range_type", Selection()),
            # 16.0: the automation's own (multi) action runs the template's actions as children
            FieldMap("actions", "child_ids" if major <= 16 else "action_server_ids", actions),
            FieldMap("active", "active", Boolean()),
        ]

    def create_extras(self, body: Mapping[str, Any], major: int) -> dict[str, Any]:
        return {"state": "multi"} if major <= 16 else {}

    def companions(self, client: Any, ids: list[int]) -> list[tuple[str, list[int]]]:
        # Odoo 16.0 leaves the automation's own action behind; 17.0+ delete theirs (no field).
        if not client.call(self.model, "fields_get", ["action_server_id"]):
            return []
        rows = client.search_read(self.model, [("id", "in", ids)], ["action_server_id"],
                                  context={"active_test": False})
        return [("ir.actions.server", [r["action_server_id"][0] for r in rows if r["action_server_id"]])]
