"""Field values: from what a client sends to the column form, and from the column to ``read``.

Rules (observed on Odoo 17): empty values read as ``False`` (never null or ""), integers
as 0 and floats as 0.0; many2one reads as ``[id, display name]``; writing a many2one as a
*list* (the ``[id, name]`` shape ``read`` returns) stores NULL; a many2one id that does not
exist raises MissingError; a wrong selection key raises ValueError "Wrong value for
model.field: 'x'"; a wrong integer raises Python's own int() message.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.exceptions import value_error
from harmonizer.sandbox.orm.errors import missing_error
from harmonizer.sandbox.schema import FieldSpec, ModelSpec

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env

JSON_TYPES = frozenset({"json", "properties", "properties_definition"})
TEXT_TYPES = frozenset({"char", "text", "html", "binary"})


def to_column(env: Env, spec: ModelSpec, field: FieldSpec, value: Any) -> Any:
    """Convert a client value for ``field`` to its column form, validating it."""
    kind = field.type
    if kind == "many2one":
        return _many2one(env, field, value)
    if kind == "integer" or kind == "many2one_reference":
        return _integer(value)
    if kind in ("float", "monetary"):
        return _float(value)
    if kind == "boolean":
        return 1 if value else 0
    if value is None or value is False:
        return None
    if kind == "selection":
        if value not in field.selection_keys:
            raise value_error(f"Wrong value for {spec.name}.{field.name}: {value!r}")
        return value
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        return _datetime(value)
    if kind in JSON_TYPES:
        return json.dumps(value)
    if kind == "reference":
        return str(value)
    return value if isinstance(value, str) else str(value)


def _many2one(env: Env, field: FieldSpec, value: Any) -> int | None:
    if value is None or value is False or isinstance(value, list | dict):
        return None  # a list (the [id, name] read shape) stores NULL: Odoo 17 behaviour
    if isinstance(value, tuple):
        value = value[0] if value else None
        if value is None:
            return None
    rec_id = _integer(value)
    comodel = field.relation or ""
    if comodel in env and not env.store.existing(env.spec(comodel), [rec_id]):
        raise missing_error(env, comodel, [rec_id])
    return rec_id


def _integer(value: Any) -> int:
    if value is None or value is False:
        return 0
    if isinstance(value, str):
        return int(value)  # raises "invalid literal for int() with base 10: 'abc'"
    return int(value)


def _float(value: Any) -> float:
    if value is None or value is False:
        return 0.0
    return float(value)


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise value_error(f"time data {text!r} does not match format '%Y-%m-%d'") from None


def _datetime(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    try:
        parsed = datetime.fromisoformat(text) if len(text) > 10 else datetime.fromisoformat(text + " 00:00:00")
    except ValueError:
        raise value_error(f"time data {text!r} does not match format '%Y-%m-%d %H:%M:%S'") from None
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


def empty_read(field: FieldSpec) -> Any:
    """What ``read`` answers for an unset value of ``field``."""
    if field.type in ("integer", "many2one_reference"):
        return 0
    if field.type in ("float", "monetary"):
        return 0.0
    if field.is_x2many:
        return []
    return False


def column_to_python(field: FieldSpec, value: Any) -> Any:
    """Column form -> the plain value hooks and domains work with (m2o stays an int)."""
    if value is None:
        return None
    if field.type == "boolean":
        return bool(value)
    if field.type in JSON_TYPES:
        return json.loads(value)
    return value


def to_read(env: Env, field: FieldSpec, value: Any) -> Any:
    """Column form -> the form ``read`` returns (many2one as [id, name])."""
    if value is None:
        return empty_read(field)
    if field.type == "boolean":
        return bool(value)
    if field.type == "many2one":
        comodel = field.relation or ""
        if comodel not in env:
            return [value, f"{comodel},{value}"]
        names = env.sudo().display_names(comodel, [value])
        return [value, names[value]] if value in names else False
    if field.type in JSON_TYPES:
        return json.loads(value)
    if field.type in ("float", "monetary"):
        return float(value)
    return value
