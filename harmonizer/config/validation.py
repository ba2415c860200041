"""Pydantic validation of YAML data, with each error located at the YAML line it is about.

Rules:
- Data is validated as a ``plain`` copy; the round-trip node is walked with the error's
  ``loc`` to find the line (the key itself, or its parent when the key is missing).
- Messages are one line: ``<label>: <dotted key>: <simplified pydantic message>``.
  "Extra inputs are not permitted" becomes "unknown key 'x' (allowed: ...)", "Field required"
  becomes "missing required key 'x'", long literal lists are shortened, and "Value error, "
  prefixes are dropped.
- The offending input is quoted only for short scalars, and never for a key listed in
  ``redact`` (values rendered from secrets).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from harmonizer.config.yamlio import PathKey, line_of, plain, type_name
from harmonizer.errors import ConfigError, Location

M = TypeVar("M", bound=BaseModel)

#: Literal lists longer than this are shortened in messages.
MAX_CHOICES_SHOWN = 4
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")


def validate_model(model_cls: type[M], raw: Any, file: str, *, label: str | None = None,
                   data: Any = None, redact: Collection[str] = (), base: int | None = None
                   ) -> tuple[M | None, list[ConfigError]]:
    """Validate ``data`` (default: ``plain(raw)``) with ``model_cls``; errors are located in ``raw``.

    ``base`` is the line of the key holding ``raw``: whole-object errors and missing keys go there.
    """
    payload = plain(raw) if data is None else data
    try:
        return model_cls.model_validate(payload), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line = line_of(raw, _yaml_path(loc), base)
            secret = bool(loc) and loc[0] in redact
            message = describe(err, model_cls, secret=secret)
            errors.append(ConfigError(f"{label}: {message}" if label else message, Location(file, line)))
        return None, errors


def describe(err: Any, model_cls: type[BaseModel], *, secret: bool = False) -> str:
    """One line for one pydantic error: ``dotted.key: message``."""
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden" and loc:
        allowed = _allowed_keys(model_cls, loc[:-1])
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return _prefixed(loc[:-1], f"unknown key {loc[-1]!r}{hint}")
    if kind == "missing" and loc:
        return _prefixed(loc[:-1], f"missing required key {loc[-1]!r}")
    msg = simplify(err["msg"])
    value = err.get("input")
    if not secret and kind in ("literal_error", "enum") and _short_scalar(value):
        msg += f", got {value!r}"
    elif kind.endswith("_type") or kind.endswith("_parsing"):
        msg += f" (got {type_name(value)})"
    return _prefixed(loc, msg)


def simplify(msg: str) -> str:
    """Pydantic's message on one line, without its class prefixes and with short literal lists."""
    msg = " ".join(msg.split())
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if msg.startswith("Input should be "):
        choices = _QUOTED.findall(msg)
        if len(choices) > MAX_CHOICES_SHOWN:
            shown = ", ".join(choices[:MAX_CHOICES_SHOWN - 1])
            msg = f"Input should be {shown}, ... or {choices[-1]} ({len(choices)} values)"
    return msg


def dotted(loc: Sequence[PathKey]) -> str:
    """``('actions', 0, 'x')`` -> ``actions[0].x``."""
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


def _prefixed(loc: Sequence[PathKey], msg: str) -> str:
    where = dotted(loc)
    return f"{where}: {msg}" if where else msg


def _short_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(repr(value)) <= 60


def _yaml_path(loc: tuple[Any, ...]) -> tuple[PathKey, ...]:
    # pydantic may put union member tags into loc (e.g. 'str', "literal['a']"): those
    # steps do not exist in the document and line_of simply stops at them.
    return tuple(step for step in loc if isinstance(step, str | int))


def _allowed_keys(model_cls: type[BaseModel], loc: Sequence[PathKey]) -> list[str]:
    """Field names of the (nested) model at ``loc``, found by following field annotations."""
    current: Any = model_cls
    for step in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(step, str):
            field = current.model_fields.get(step)
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) in (dict, list) and get_args(current):
            current = get_args(current)[-1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (only for a single non-None member)."""
    members = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and len(members) == 1:
        return members[0]
    return annotation
