"""``json.dumps(value, indent=2)``, the very same text, in about half the CPU.

With an ``indent`` the standard library encodes in pure Python through nested generators;
a drift report of a fleet is megabytes of it. This writer walks the value once, building
each container's text with one join, encodes strings with the standard library's C string
encoders, and writes a list or dict met again at one indent (shared by several parents) once. Rules:
- The output is byte for byte ``json.dumps(value, indent=2, ensure_ascii=...)`` (item
  separator ``","`` + newline, key separator ``": "``, ``NaN``/``Infinity`` allowed, keys
  coerced like the standard library's); ``tests/render/test_jsontext.py`` checks it.
- A value it does not know (anything ``json`` would hand to ``default``) is left to
  ``json.dumps``, so errors are the standard ones too.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from json.encoder import encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

_INFINITY = float("inf")
#: The keys of a list's items (none): lists and dicts are written by one loop.
_NO_KEYS = itertools.repeat(None)


class _Unknown(Exception):
    """A value ``json.dumps`` would need ``default`` for."""


def dumps(value: Any, *, ensure_ascii: bool = True, default: Callable[[Any], Any] | None = None,
          end: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=ensure_ascii, default=default) + end``
    (``end`` joined in, not appended to a copy: a fleet's report is megabytes)."""
    encode = encode_basestring_ascii if ensure_ascii else encode_basestring
    try:
        return _dump(value, encode, "\n", {}, {}, end)
    except (_Unknown, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=ensure_ascii, default=default) + end


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


def _dump(value: Any, encode: Callable[[str], str], newline: str, memo: dict[tuple[int, str], str],
          heads: dict[str, str], end: str = "") -> str:
    """The text of ``value`` (+ ``end``) whose first line is already indented by ``newline``'s
    indent. A container's text is one join of its pieces (brackets and separators included),
    so each level copies its items' texts once. A list or dict is written once per indent
    (``memo``, by identity): one met again, e.g. the shared field entries or the shared entry of
    a resource many sites hold alike, reuses its text. ``heads`` keeps each string key's ``"key": ``."""
    kind = type(value)
    if kind is str:
        return encode(value) + end
    is_dict = kind is dict or (kind is not list and kind is not tuple and isinstance(value, dict))
    if not (is_dict or kind is list or kind is tuple or isinstance(value, list | tuple)):
        text = _scalar(value, encode)
        if text is None:
            raise _Unknown
        return text + end
    if not value:
        return ("{}" if is_dict else "[]") + end
    if not end:
        found = memo.get((id(value), newline))
        if found is not None:
            return found
    inner = newline + "  "
    separator = "," + inner
    pieces = ["{" if is_dict else "["]
    lead = inner
    head = ""
    for key, item in value.items() if is_dict else zip(_NO_KEYS, value, strict=False):
        if is_dict:
            head = heads.get(key, "") if type(key) is str else ""
            if not head:
                head = encode(key if type(key) is str else _key(key)) + ": "
                if type(key) is str:
                    heads[key] = head
        leaf = type(item)
        if leaf is str:  # the common leaves inline (the texts ``_scalar`` gives)
            pieces.append(lead + head + encode(item))
        elif item is None:
            pieces.append(lead + head + "null")
        elif leaf is bool:
            pieces.append(lead + head + ("true" if item else "false"))
        elif leaf is int:
            pieces.append(lead + head + int.__repr__(item))
        else:
            pieces.append(lead + head)
            text = memo.get((id(item), inner))  # a container written before at this indent
            pieces.append(text if text is not None else _dump(item, encode, inner, memo, heads))
        lead = separator
    pieces.append(newline + ("}" if is_dict else "]") + end)
    text = "".join(pieces)
    if not end:
        memo[(id(value), newline)] = text
    return text
