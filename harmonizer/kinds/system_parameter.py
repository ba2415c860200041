"""System parameters (ir.config_parameter): database-wide key/value settings."""

from __future__ import annotations

from typing import ClassVar

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.values import Text
from harmonizer.model import Level


class SystemParameterBody(Body):
    key: str
    value: str


class SystemParameter(Kind):
    key: ClassVar[str] = "system_parameter"
    model: ClassVar[str] = "ir.config_parameter"
    level: ClassVar[Level] = Level.DATABASE
    body_model = SystemParameterBody
    area = "parameters"
    title = "System parameter"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [FieldMap("key", "key", Text()), FieldMap("value", "value", Text(), sensitive=True)]
