"""Activity types (mail.activity.type): owned, database-wide.

The activities exception escalation schedules: a default delay (count, unit, counted from
the previous activity or the current date), a default user (by login), a summary and a
default note, and the model they are meant for.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import OdooName, RecordRef
from harmonizer.kinds.route import written_only
from harmonizer.kinds.values import Boolean, Html, Integer, Selection, Text
from harmonizer.model import Level, Resource


class ActivityTypeBody(Body):
    name: str
    summary: str | None = None
    category: Literal["default", "upload_file", "phonecall"] = "default"
    model: str | None = None
    delay_count: int = Field(default=0, ge=0)
    delay_unit: Literal["days", "weeks", "months"] = "days"
    delay_from: Literal["current_date", "previous_activity"] = "previous_activity"
    default_user: OdooName | None = None
    default_note: str | None = None
    decoration: Literal["warning", "danger"] | None = None
    icon: str | None = None
    chaining_type: Literal["suggest", "trigger"] = "suggest"
    sequence: int = 10
    active: bool = True


class ActivityType(Kind):
    key: ClassVar[str] = "mail_activity_type"
    model: ClassVar[str] = "mail.activity.type"
    level: ClassVar[Level] = Level.DATABASE
    body_model = ActivityTypeBody
    area = "automation"
    title = "Activity type"

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        return written_only(self, resource)

    def field_maps(self, major: int) -> list[FieldMap]:
        return [
            FieldMap("name", "name", Text()),
            FieldMap("summary", "summary", Text()),
            FieldMap("category", "category", Selection()),
            FieldMap("model", "res_model", Selection()),
            FieldMap("delay_count", "delay_count", Integer()),
            FieldMap("delay_unit", "delay_unit", Selection()),
            FieldMap("delay_from", "delay_from", Selection()),
            FieldMap("default_user", "default_user_id", RecordRef("res.users", "login")),
            FieldMap("default_note", "default_note", Html()),
            FieldMap("decoration", "decoration_type", Selection()),
            FieldMap("icon", "icon", Text()),
            FieldMap("chaining_type", "chaining_type", Selection()),
            FieldMap("sequence", "sequence", Integer()),
            FieldMap("active", "active", Boolean()),
        ]
