"""Default values (ir.default): the value a field gets on new records, database-wide or per company.

Odoo keeps a field's default as one ``ir.default`` row per scope (field, user, company,
condition), the value encoded as JSON text in ``json_value`` (``json.dumps(value,
ensure_ascii=False)``, exactly what ``ir.default.set`` stores). Settings such as Purchase's
"Bill control" (``product.template.purchase_method``: ordered vs received quantities) are
such rows with no user and no company.

Owned and database level: the record is identified by its external ID, not by its scope.
Odoo reads the first row of a scope, so a template must not declare a default for a scope
that already has a row harmonizer does not own (the row would be shadowed unpredictably);
``company`` (by name) and ``user`` (by login) narrow the scope. JSON text is compared as
parsed JSON, so ``"receive"`` written by Odoo's settings page equals the template's value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import field_validator

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import FieldRef, OdooName, RecordRef
from harmonizer.kinds.values import Text
from harmonizer.model import Level

if TYPE_CHECKING:
    from harmonizer.plan.resolve import Resolver


class DefaultValueBody(Body):
    model: str
    field: str
    #: Any JSON value (a selection key, a number, a boolean, a list of ids...).
    value: Any
    company: str | None = None
    user: OdooName | None = None
    condition: str | None = None

    @field_validator("value")
    @classmethod
    def _json(cls, value: Any) -> Any:
        try:
            json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"value must be plain JSON data: {exc}") from None
        return value


def json_text(value: Any) -> str:
    """The text Odoo's ``ir.default.set`` stores for ``value``."""
    return json.dumps(value, ensure_ascii=False)


class JsonText(Text):
    """``json_value``: canonical form is the JSON text of the parsed value (key order kept)."""

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return json_text(value)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        if raw in (None, False, ""):
            return None
        try:
            return json_text(json.loads(raw))
        except ValueError:
            return str(raw)  # not JSON: shown as stored, always a difference


class DefaultValue(Kind):
    key: ClassVar[str] = "default_value"
    model: ClassVar[str] = "ir.default"
    level: ClassVar[Level] = Level.DATABASE
    body_model = DefaultValueBody
    area = "defaults"
    title = "Default value"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [
            FieldMap("field", "field_id", FieldRef()),
            FieldMap("value", "json_value", JsonText()),
            FieldMap("company", "company_id", RecordRef("res.company", "name")),
            FieldMap("user", "user_id", RecordRef("res.users", "login")),
            FieldMap("condition", "condition", Text()),
        ]
