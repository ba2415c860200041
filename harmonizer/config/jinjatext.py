"""Jinja's side of rendering a template scalar: imported only when a scalar is more than text
and lookups (``config.scalars``), so a project without such scalars never loads Jinja.

Rules:
- One sandboxed environment: undefined names are errors (``StrictUndefined``), a trailing
  newline is kept, nothing is escaped.
- A scalar that is exactly one ``{{ expression }}`` keeps the native type of its result; any
  other renders to a string.
- Each scalar is parsed and compiled once per process.
- Every Jinja error becomes a ``ScalarError`` with its one-line message (``undefined: ...``,
  ``template syntax error: ...``); Python errors of an expression pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from harmonizer.config.scalars import ScalarError

#: One sandboxed environment for every render (its configuration never changes).
ENV = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)

_SINGLE_EXPRESSION = re.compile(r"^\{\{-?(.*?)-?\}\}$", re.DOTALL)


@dataclass(frozen=True)
class Compiled:
    """One scalar parsed and compiled: the names it reads and how to evaluate it."""

    names: frozenset[str]
    #: A single ``{{ expression }}`` keeps its native type; anything else renders to text.
    expression: Any = None
    template: Any = None


_PARSED: dict[str, tuple[Any, frozenset[str]]] = {}
_COMPILED: dict[str, Compiled] = {}


def names(text: str) -> frozenset[str]:
    """The context names ``text`` reads (raises ``ScalarError`` if it does not parse)."""
    return _parse(text)[1]


def compile_scalar(text: str) -> Compiled:
    """``text`` compiled (raises ``ScalarError``)."""
    found = _COMPILED.get(text)
    if found is not None:
        return found
    tree, read = _parse(text)
    single = _SINGLE_EXPRESSION.match(text)
    try:
        if single is not None and _is_single_output(tree):
            found = Compiled(read, expression=ENV.compile_expression(single.group(1).strip(),
                                                                    undefined_to_none=False))
        else:
            found = Compiled(read, template=ENV.from_string(tree))
    except TemplateError as exc:
        raise ScalarError(_message(exc)) from exc
    _COMPILED[text] = found
    return found


def render(compiled: Compiled, names: Mapping[str, Any]) -> Any:
    """``compiled`` evaluated with the context ``names`` (raises ``ScalarError`` for Jinja's errors)."""
    try:
        if compiled.expression is not None:
            result = compiled.expression(**names)
            if isinstance(result, Undefined):
                str(result)  # StrictUndefined raises UndefinedError naming the missing name
            return result
        return compiled.template.render(**names)
    except TemplateError as exc:
        raise ScalarError(_message(exc)) from exc


def _parse(text: str) -> tuple[Any, frozenset[str]]:
    found = _PARSED.get(text)
    if found is None:
        try:
            tree = ENV.parse(text)
        except TemplateError as exc:
            raise ScalarError(_message(exc)) from exc
        found = _PARSED[text] = (tree, frozenset(meta.find_undeclared_variables(tree)))
    return found


def _is_single_output(tree: nodes.Template) -> bool:
    """True when the parsed scalar is one ``{{ expression }}`` and nothing else."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return False
    parts = tree.body[0].nodes
    return len(parts) == 1 and not isinstance(parts[0], nodes.TemplateData)


def _message(exc: TemplateError) -> str:
    text = " ".join(str(exc.message or exc).split())
    if type(exc).__name__ == "UndefinedError":
        return f"undefined: {text}"
    if type(exc).__name__ == "TemplateSyntaxError":
        return f"template syntax error: {text}"
    return text
