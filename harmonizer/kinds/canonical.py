"""Canonical template values computed once per resource: the hot path of plan and drift.

Sites whose inputs are the same share their rendered resources (``config.render``), so what
depends only on a resource is worth computing once for the whole run, not once per site and
per pass. This module keeps, beside each resource (like ``Kind.effective_body``), the
canonical desired value of every field whose value type is *pure*: its ``desired`` reads
neither the site's live state (the resolver) nor the rest of the body. Rules:

- Pure are exactly the standard scalar value types (text, html, integer, float, boolean,
  selection, a selection limited per version) comparing by the plain ``same``; a subclass
  that overrides ``desired`` or ``same`` is not, until it is listed here.
- A value whose ``desired`` raises is not kept: the caller's general path computes it (and
  reports the error) as before. Generic records (``Kind.dynamic``) are never memoized.
- ``exact(a, b)``: two canonical values that are equal *and* display the same (same plain
  type, a float's sign of zero too). ``same`` is looser (``True == 1.0``); callers that reuse
  a display text for an equal live value check ``exact``.
- ``plain_text(vtype, value)``: a live value that is exactly a ``str`` then compares with
  ``value`` as ``==`` does, through ``live`` and ``same`` or ``exact`` alike (the callers skip
  those calls for it; any other live value takes them).
"""

from __future__ import annotations

from typing import Any

from harmonizer.kinds.base import FieldMap, Kind, SelectionIn
from harmonizer.kinds.values import Boolean, Float, Html, Integer, Selection, Text, ValueType
from harmonizer.memo import beside
from harmonizer.model import Resource

#: ``desired`` of the value types whose canonical value depends on the template value only.
_PURE_DESIRED = frozenset({Text.desired, Html.desired, Integer.desired, Float.desired, Boolean.desired,
                           Selection.desired, SelectionIn.desired})
#: Beside the resource, like ``kinds.base._EFFECTIVE``: (kind class, major) -> values.
_MEMO = "_canonical_values"
_MEMO_BODY = "_canonical_bodies"
#: A field without a kept value (not in the body, not pure, or its ``desired`` raised).
NOT_KEPT: Any = object()
_EXACT_TYPES = frozenset({str, int, bool, type(None)})


#: ``live`` of the value types that read a non-empty string as that very string.
_TEXT_LIVE = frozenset({Text.live, Selection.live})


def plain_text(vtype: ValueType, value: Any) -> bool:
    """Whether, for any live ``raw`` of type ``str``, ``raw == value`` is both
    ``vtype.same(vtype.live(raw, resolver), value)`` and ``exact(vtype.live(raw, resolver), value)``:
    ``value`` is a non-empty ``str`` and ``vtype`` reads a non-empty string as itself (and ``""``
    as None) and compares by plain ``same``."""
    kind = type(vtype)
    return type(value) is str and value != "" and kind.live in _TEXT_LIVE and kind.same is ValueType.same


def is_pure(vtype: ValueType) -> bool:
    """A standard scalar value type (see the module rules) that compares by plain ``same``."""
    return getattr(type(vtype), "desired", None) in _PURE_DESIRED and type(vtype).same is ValueType.same


def pure_values(kind: Kind, resource: Resource, major: int) -> tuple[Any, ...] | None:
    """Per field map of ``kind.field_maps(major)`` (same order): the canonical desired value
    of the resource's effective body, or ``NOT_KEPT``. None when nothing is kept (a dynamic
    kind, a resource without ``__dict__``)."""
    if kind.dynamic or not hasattr(resource, "__dict__"):
        return None
    return beside(resource, _MEMO, (type(kind), major), lambda: _compute(kind, resource, major))


def pure_body(kind: Kind, resource: Resource, major: int) -> dict[str, Any] | None:
    """Template key -> canonical desired value of every field of the effective body that
    ``kind.field_maps(major)`` names, when all of them are kept (else None). One dict per
    resource, kind and version, shared: read it, never change it."""
    if kind.dynamic or not hasattr(resource, "__dict__"):
        return None
    return beside(resource, _MEMO_BODY, (type(kind), major), lambda: _pure_body(kind, resource, major))


def _pure_body(kind: Kind, resource: Resource, major: int) -> dict[str, Any] | None:
    kept = pure_values(kind, resource, major)
    body = kind.effective_body(resource)
    found: dict[str, Any] = {}
    for fmap, value in zip(kind.field_maps(major), kept or (), strict=True):
        if fmap.key in body:
            if value is NOT_KEPT:
                return None
            found[fmap.key] = value
    return found


def _compute(kind: Kind, resource: Resource, major: int) -> tuple[Any, ...]:
    body = kind.effective_body(resource)
    return tuple(_value(fmap, body) for fmap in kind.field_maps(major))


def _value(fmap: FieldMap, body: dict[str, Any]) -> Any:
    if fmap.key not in body or not is_pure(fmap.vtype):
        return NOT_KEPT
    try:
        return fmap.vtype.desired(body[fmap.key], None, body)  # type: ignore[arg-type]  # pure: no resolver
    except Exception:  # the general path computes it again and reports what is wrong
        return NOT_KEPT


def exact(a: Any, b: Any) -> bool:
    """Equal canonical values that also display the same (see the module rules)."""
    kind = type(a)
    if kind is not type(b):
        return False
    if kind in _EXACT_TYPES:
        return bool(a == b)
    if kind is float:
        return a == b and repr(a) == repr(b)
    return False
