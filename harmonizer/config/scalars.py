"""What a template's string scalar is, before anything renders it: plain text, plain text with
simple lookups (rendered here, without Jinja), or Jinja (``config.jinjatext``, imported only
when a scalar needs it).

Rules:
- A scalar without ``{{``, ``{%`` or ``{#`` is plain text: it renders to itself.
- A lookup is ``{{ name }}`` or ``{{ name.key.key }}`` (ASCII names, spaces only). A scalar of
  lookups and text renders here exactly as Jinja renders it: a lookup alone keeps its value
  itself (Jinja's native result), anything else is the text with each value as ``str()``.
  A lookup reads the context's value, then for each key the sandbox's ``getattr`` where it
  falls to ``obj[key]``: a plain ``dict`` holding the key, which is no attribute of ``dict``.
  The text around lookups holds no brace and no carriage return (Jinja's lexer would treat
  those), and a lookup never names a Jinja constant, operator, global or compiler-bound name.
- Whatever a lookup cannot find (a missing name, another type on the way) is left to Jinja,
  which finds it or says what is wrong, so values and errors are Jinja's in every case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: What makes a scalar Jinja rather than plain text.
JINJA_MARKERS = ("{{", "{%", "{#")
#: Names in every Jinja environment's globals (``jinja2.defaults.DEFAULT_NAMESPACE``; a test
#: compares): not context variables, so left to Jinja.
JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace"})
#: Words a Jinja expression does not read as a context variable: constants, operators and the
#: names Jinja's compiler binds itself.
NOT_VARIABLES = frozenset({
    "true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else",
    "self", "loop", "caller", "varargs", "kwargs", "super", "recursive", "context", "environment",
}) | JINJA_GLOBALS
#: A lookup that needs Jinja (see the module rules).
MISSING: Any = object()

_LOOKUP = re.compile(r"\{\{ *([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*) *\}\}")
_NOT_TEXT = ("{", "}", "\r")

#: A scalar as text and lookups: text, path, text, path, ..., text (a path: the dotted names).
Parts = tuple[Any, ...]


class ScalarError(Exception):
    """A scalar Jinja cannot parse or render; ``message`` says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def lookups(text: str) -> Parts | None:
    """``text`` as text and lookups, or None when anything else is in it (then it is Jinja's)."""
    parts: list[Any] = []
    start = 0
    for match in _LOOKUP.finditer(text):
        path = tuple(match.group(1).split("."))
        if path[0] in NOT_VARIABLES:
            return None
        parts += [text[start:match.start()], path]
        start = match.end()
    parts.append(text[start:])
    if any(c in part for part in parts[::2] for c in _NOT_TEXT):
        return None
    return tuple(parts)


def names_of(parts: Parts) -> frozenset[str]:
    """The context names a scalar of lookups reads (as ``jinja2.meta.find_undeclared_variables``)."""
    return frozenset(path[0] for path in parts[1::2])


def look_up(path: tuple[str, ...], names: Mapping[str, Any]) -> Any:
    """The value at ``path`` in the context ``names``, or ``MISSING`` (then Jinja renders it)."""
    value = names.get(path[0], MISSING)
    if value is MISSING:
        return MISSING
    for key in path[1:]:
        if type(value) is not dict or key not in value or hasattr(value, key):
            return MISSING
        value = value[key]
    return value


def render_lookups(parts: Parts, names: Mapping[str, Any]) -> Any:
    """The scalar rendered as Jinja would (see the module rules), or ``MISSING``."""
    if len(parts) == 3 and not parts[0] and not parts[2]:  # a lookup alone: its value itself
        return look_up(parts[1], names)
    out = [parts[0]]
    for path, after in zip(parts[1::2], parts[2::2], strict=True):
        value = look_up(path, names)
        if value is MISSING:
            return MISSING
        out += [str(value), after]
    return "".join(out)
