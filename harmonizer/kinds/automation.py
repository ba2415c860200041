"""Automation rules (base.automation): a trigger on a model, filters, and server actions.

Odoo 17+ links actions through ``action_server_ids`` (one2many); harmonizer writes only
link/unlink commands for the difference (see ``ResourceRefs``). Time-based triggers name a
date field of the model, a delay and its unit (note Odoo's singular ``hour``/``day``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import FieldRef, FieldRefs, ModelRef, ResourceRefs
from harmonizer.kinds.values import Boolean, Integer, Selection, Text
from harmonizer.model import Level, Resource

Trigger = Literal[
    "on_stage_set", "on_user_set", "on_tag_set", "on_state_set", "on_priority_set", "on_archive",
    "on_unarchive", "on_create_or_write", "on_create", "on_write", "on_unlink", "on_change", "on_time",
    "on_time_created", "on_time_updated", "on_message_received", "on_message_sent", "on_webhook",
]
TIME_TRIGGERS = {"on_time", "on_time_created", "on_time_updated"}


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
        return [
            FieldMap("name", "name", Text()),
            FieldMap("model", "model_id", ModelRef()),
            FieldMap("trigger", "trigger", Selection()),
            FieldMap("filter_domain", "filter_domain", Text()),
            FieldMap("filter_pre_domain", "filter_pre_domain", Text()),
            FieldMap("trigger_fields", "trigger_field_ids", FieldRefs()),
            FieldMap("date_field", "trg_date_id", FieldRef()),
            FieldMap("delay", "trg_date_range", Integer()),
            FieldMap("delay_unit", "trg_date_range_type", Selection()),
            FieldMap("actions", "action_server_ids", ResourceRefs("server_action", "ir.actions.server")),
            FieldMap("active", "active", Boolean()),
        ]
