"""Generic records: any model and fields, owned through the same external-ID identity.

The escape hatch for what has no kind of its own yet::

    record:
      vip_tag:
        model: res.partner.category
        values:
          name: VIP
          color: 3
          parent_id: {xmlid: base.res_partner_category_0}   # many2one by external ID
          # many2many: [{xmlid: ...}, ...]

Values are compared loosely but safely (``Raw``): Odoo's ``false`` equals an empty or unset
value, numbers compare as numbers, a many2one compares by id. Only the fields a resource
names are managed. Each resource becomes a kind instance of its own model (``for_body``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, field_validator

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.values import Raw
from harmonizer.model import Level

_RAW = Raw()


class RecordBody(Body):
    model: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    values: dict[str, Any]

    @field_validator("values")
    @classmethod
    def _field_names(cls, values: dict[str, Any]) -> dict[str, Any]:
        for name in values:
            if not name.isidentifier() or name in ("id", "create_uid", "create_date", "write_uid", "write_date"):
                raise ValueError(f"{name!r} is not a field harmonizer may set")
        return values


class Record(Kind):
    key: ClassVar[str] = "record"
    model: ClassVar[str] = "(any model)"
    level: ClassVar[Level] = Level.DATABASE
    body_model = RecordBody
    area = "other"
    title = "Generic record"
    dynamic: ClassVar[bool] = True

    def field_maps(self, major: int) -> list[FieldMap]:
        return []

    def field_map(self, key: str, major: int) -> FieldMap:
        return FieldMap(key, key, _RAW)

    def accepts_model(self, model: str) -> bool:
        return True

    def effective_body(self, resource: Any) -> dict[str, Any]:
        body = self.body_model.model_validate(dict(resource.body)).model_dump(mode="json")
        return {"model": body["model"], **{f"values.{k}": v for k, v in body["values"].items()}}

    def for_body(self, body: Mapping[str, Any]) -> Kind:
        return RecordOf(str(body["model"]), [k for k in body if k.startswith("values.")])


class RecordOf(Record):
    """The generic kind bound to one model and the fields one resource names."""

    def __init__(self, model: str, keys: list[str]) -> None:
        self.model = model  # type: ignore[misc]
        self.keys = keys

    def field_maps(self, major: int) -> list[FieldMap]:
        return [FieldMap(k, k.removeprefix("values."), _RAW) for k in self.keys]

    def field_map(self, key: str, major: int) -> FieldMap:
        return FieldMap(key, key.removeprefix("values."), _RAW)

    def for_body(self, body: Mapping[str, Any]) -> Kind:
        return self
