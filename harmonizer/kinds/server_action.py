"""Server actions (ir.actions.server): code, webhook, next-activity and field-update actions.

Database-wide and owned. Automation rules link them by name. The action's ``model`` must
equal the model of every automation that links it (Odoo refuses otherwise); ``validate``
checks that before any server is contacted.

Per version (``field_maps(major)``): Odoo 16.0 has no webhook actions (no ``webhook_*``
fields) and writes values through ``fields_lines`` instead of ``update_path``/``value``:
on 16.0 both types are refused at plan time (a 16.0 ``fields_lines`` mapping is not
implemented). 17.0-19.0 share one mapping (19.0's ``group_ids`` rename does not touch a
managed field).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from harmonizer.kinds.base import Body, FieldMap, Kind, SelectionIn
from harmonizer.kinds.refs import FieldRefs, ModelRef, OdooName, RecordRef
from harmonizer.kinds.values import Html, Integer, Selection, Text
from harmonizer.model import Level


class ServerActionBody(Body):
    name: str
    model: str
    type: Literal["code", "webhook", "next_activity", "object_write", "multi"] = "code"
    code: str | None = None
    sequence: int = 5
    webhook_url: str | None = None
    webhook_fields: list[str] = Field(default_factory=list)
    activity_type: OdooName | None = None
    activity_summary: str | None = None
    activity_note: str | None = None
    activity_deadline: int = Field(default=0, ge=0)
    activity_deadline_unit: Literal["days", "weeks", "months"] = "days"
    activity_user_type: Literal["specific", "generic"] = "specific"
    activity_user: OdooName | None = None
    activity_user_field: str | None = None
    update_path: str | None = None
    evaluation_type: Literal["value", "equation"] = "value"
    value: str | None = None

    @model_validator(mode="after")
    def _type_needs(self) -> ServerActionBody:
        needs = {"code": "code", "webhook": "webhook_url", "next_activity": "activity_type",
                 "object_write": "update_path"}
        key = needs.get(self.type)
        if key and not getattr(self, key):
            raise ValueError(f"a {self.type} action needs '{key}'")
        return self


#: Action types harmonizer writes on Odoo 16.0, and the keys that need 17.0's fields.
TYPES_16 = frozenset({"code", "next_activity", "multi"})
KEYS_17 = frozenset({"webhook_url", "webhook_fields", "update_path", "evaluation_type", "value"})


#: ``name`` and the template keys Odoo 17-19 compute ``ir.actions.server.name`` from directly
#: (``fields_get`` depends: activity_summary, activity_type_id (19), value, evaluation_type,
#: webhook_url). Not type, model or update path: they reach the name also through computed
#: fields (crud_model_id, update_field_id) that Odoo 18 recomputes after the write, renaming the
#: action even when the name is written with them (checked on real 18.0).
NAME_GROUP = frozenset({"name", "activity_summary", "activity_type", "value", "evaluation_type", "webhook_url"})


class ServerAction(Kind):
    key: ClassVar[str] = "server_action"
    model: ClassVar[str] = "ir.actions.server"
    level: ClassVar[Level] = Level.DATABASE
    body_model = ServerActionBody
    area = "automation"
    title = "Server action"
    # Odoo 17+ computes the action's name (stored, writable) from its type, activity summary,
    # activity type (19), update path, value and webhook URL: a write of one of those without
    # the name renames the action (seen on real 18 when only activity_summary changed).
    write_together = (NAME_GROUP,)

    def field_maps(self, major: int) -> list[FieldMap]:
        if major <= 16:
            return [m for m in self._maps(SelectionIn(
                TYPES_16, "type", "is not available on Odoo 16.0 (webhooks came in 17.0; 16.0's object_write "
                "uses fields_lines, which harmonizer does not implement)")) if m.key not in KEYS_17]
        return self._maps(Selection())

    def _maps(self, state: Selection) -> list[FieldMap]:
        return [
            FieldMap("name", "name", Text()),
            FieldMap("model", "model_id", ModelRef()),
            FieldMap("type", "state", state),
            FieldMap("code", "code", Text()),
            FieldMap("sequence", "sequence", Integer()),
            FieldMap("webhook_url", "webhook_url", Text(), sensitive=True),
            FieldMap("webhook_fields", "webhook_field_ids", FieldRefs()),
            FieldMap("activity_type", "activity_type_id", RecordRef("mail.activity.type", "name")),
            FieldMap("activity_summary", "activity_summary", Text()),
            FieldMap("activity_note", "activity_note", Html()),
            FieldMap("activity_deadline", "activity_date_deadline_range", Integer()),
            FieldMap("activity_deadline_unit", "activity_date_deadline_range_type", Selection()),
            FieldMap("activity_user_type", "activity_user_type", Selection()),
            FieldMap("activity_user", "activity_user_id", RecordRef("res.users", "login")),
            FieldMap("activity_user_field", "activity_user_field_name", Text()),
            FieldMap("update_path", "update_path", Text()),
            FieldMap("evaluation_type", "evaluation_type", Selection()),
            FieldMap("value", "value", Text()),
        ]

    def create_extras(self, body: Any, major: int) -> dict[str, Any]:
        return {"usage": "ir_actions_server"}
