"""``json.dumps(value, indent=2)``, the very same text, in about half the CPU.

With an ``indent`` the standard library encodes in pure Python through nested generators;
a drift report of a fleet is megabytes of it. This writer walks the value once, appending
to one list, and encodes strings with the standard library's C string encoders. Rules:
- The output is byte for byte ``json.dumps(value, indent=2, ensure_ascii=...)`` (item
  separator ``","`` + newline, key separator ``": "``, ``NaN``/``Infinity`` allowed, keys
  coerced like the standard library's); ``tests/render/test_jsontext.py`` checks it.
- A value it does not know (anything ``json`` would hand to ``default``) is left to
  ``json.dumps``, so errors are the standard ones too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

_INFINITY = float("inf")


class _Unknown(Exception):
    """A value ``json.dumps`` would need ``default`` for."""


def dumps(value: Any, *, ensure_ascii: bool = True, default: Callable[[Any], Any] | None = None) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=ensure_ascii, default=default)``."""
    encode = encode_basestring_ascii if ensure_ascii else encode_basestring
    try:
        return _dump(value, encode, "\n")
    except (_Unknown, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=ensure_ascii, default=default)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any, encode: Callable[[str], str]) -> str | None:
    """The text of a scalar, in ``json``'s order of checks; None for a container."""
    if isinstance(value, str):
        return encode(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise _Unknown


def _dump(value: Any, encode: Callable[[str], str], newline: str) -> str:
    """The text of ``value`` whose first line is already indented by ``newline``'s indent."""
    kind = type(value)
    if kind is str:
        return encode(value)
    if kind is dict or (kind is not list and kind is not tuple and isinstance(value, dict)):
        if not value:
            return "{}"
        inner = newline + "  "
        parts = []
        for key, item in value.items():
            head = encode(key if type(key) is str else _key(key)) + ": "
            leaf = type(item)
            if leaf is str:  # the common leaves inline (the texts ``_scalar`` gives)
                parts.append(head + encode(item))
            elif item is None:
                parts.append(head + "null")
            elif leaf is bool:
                parts.append(head + ("true" if item else "false"))
            elif leaf is int:
                parts.append(head + int.__repr__(item))
            else:
                parts.append(head + _dump(item, encode, inner))
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list or kind is tuple or isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = newline + "  "
        return "[" + inner + ("," + inner).join([_dump(item, encode, inner) for item in value]) + newline + "]"
    text = _scalar(value, encode)
    if text is None:
        raise _Unknown
    return text
