"""Scheduled actions (ir.cron): periodic server code on a model.

Odoo creates the cron's own ir.actions.server when ``name``, ``model_id``, ``state`` and
``code`` are passed in the cron's values (delegation); harmonizer reads them back through
the cron the same way.

Per version: up to 17.0 a cron has ``numbercall`` (16.0 defaults it to 1: run once), so
harmonizer creates with ``numbercall=-1`` (unlimited) and does not manage it afterwards;
18.0 removed numbercall/doall (every cron repeats) and requires ``interval_number > 0``,
which the body already enforces on every version. 19.0 renames only unmanaged fields.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import ModelRef, OdooName, RecordRef
from harmonizer.kinds.values import Boolean, Integer, Selection, Text
from harmonizer.model import Level


class ScheduledActionBody(Body):
    name: str
    model: str
    code: str
    interval_number: int = Field(default=1, ge=1)
    interval_type: Literal["minutes", "hours", "days", "weeks", "months"] = "days"
    priority: int = Field(default=5, ge=0)
    user: OdooName | None = None
    active: bool = True


class ScheduledAction(Kind):
    key: ClassVar[str] = "scheduled_action"
    model: ClassVar[str] = "ir.cron"
    companion_models: ClassVar[tuple[str, ...]] = ("ir.actions.server",)
    level: ClassVar[Level] = Level.DATABASE
    body_model = ScheduledActionBody
    area = "scheduled_actions"
    title = "Scheduled action"

    def field_maps(self, major: int) -> list[FieldMap]:
        maps = [
            FieldMap("name", "name", Text()),
            FieldMap("model", "model_id", ModelRef()),
            FieldMap("code", "code", Text()),
            FieldMap("interval_number", "interval_number", Integer()),
            FieldMap("interval_type", "interval_type", Selection()),
            FieldMap("priority", "priority", Integer()),
            FieldMap("active", "active", Boolean()),
        ]
        return [*maps, FieldMap("user", "user_id", RecordRef("res.users", "login"))]

    def effective_body(self, resource: Any) -> dict[str, Any]:
        body = super().effective_body(resource)
        if body.get("user") is None:
            body.pop("user", None)  # unset: Odoo's default user, not managed
        return body

    def companions(self, client: Any, ids: list[int]) -> list[tuple[str, list[int]]]:
        # Unlinking a cron leaves its delegated ir.actions.server behind (seen on Odoo 17).
        rows = client.search_read(self.model, [("id", "in", ids)], ["ir_actions_server_id"],
                                  context={"active_test": False})
        return [("ir.actions.server", [r["ir_actions_server_id"][0] for r in rows if r["ir_actions_server_id"]])]

    def create_extras(self, body: Any, major: int) -> dict[str, Any]:
        extras: dict[str, Any] = {"state": "code"}
        if major <= 17:
            extras["numbercall"] = -1  # unlimited; 16.0 defaults to running once
        return extras
