"""Server-side Python (server action and scheduled action code, field-update equations)
checked the way Odoo's ``safe_eval`` checks it before running it, plus the names it uses.

- The code compiles (``exec`` mode for code, ``eval`` for an equation).
- Refused constructs (safe_eval refuses their bytecode or names; see ``checks.names``):
  imports, dunder names and attributes, internal attributes, attribute assignment or
  deletion, ``global``/``nonlocal``, classes, ``with``, ``assert``, ``match``, ``async``.
- Every name read is the place's evaluation context, a safe_eval builtin, or bound by the
  code itself (assignment, loop, function, argument, ``except ... as``).

Findings carry the 1-based line within the code.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Literal

from harmonizer.checks.domains import Finding
from harmonizer.checks.names import BUILTINS, forbidden_name

_REFUSED: dict[type[ast.AST], str] = {
    ast.Import: "imports are refused by Odoo's safe_eval (time, datetime, dateutil, ... are already there)",
    ast.ImportFrom: "imports are refused by Odoo's safe_eval (time, datetime, dateutil, ... are already there)",
    ast.Global: "'global' is refused by Odoo's safe_eval",
    ast.Nonlocal: "'nonlocal' is refused by Odoo's safe_eval",
    ast.ClassDef: "class definitions are refused by Odoo's safe_eval",
    ast.With: "'with' is refused by Odoo's safe_eval",
    ast.AsyncWith: "'async with' is refused by Odoo's safe_eval",
    ast.AsyncFunctionDef: "'async def' is refused by Odoo's safe_eval",
    ast.AsyncFor: "'async for' is refused by Odoo's safe_eval",
    ast.Await: "'await' is refused by Odoo's safe_eval",
    ast.Assert: "'assert' is refused by Odoo's safe_eval (raise UserError(...) instead)",
    ast.Match: "'match' is refused by Odoo's safe_eval",
}


def check_code(text: str, names: frozenset[str], mode: Literal["exec", "eval"] = "exec") -> list[Finding]:
    """Every problem of Python ``text`` evaluated with context ``names`` (first refusal, then names)."""
    return list(_check_code(text, names, mode))


@lru_cache(maxsize=512)
def _check_code(text: str, names: frozenset[str], mode: Literal["exec", "eval"]) -> tuple[Finding, ...]:
    """``check_code`` once per text, context and mode (sites of a template run the same code)."""
    return tuple(_findings(text, names, mode))


def _findings(text: str, names: frozenset[str], mode: Literal["exec", "eval"]) -> list[Finding]:
    if not text or not text.strip():
        return []
    # Odoo compiles the stripped text: leading blank lines only shift the line numbers.
    source = text.strip()
    skipped = text[: len(text) - len(text.lstrip())].count("\n")
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return [Finding(f"Python syntax error: {exc.msg}", (exc.lineno or 1) + skipped)]
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            node.lineno += skipped  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        refusal = _refusal(node)
        if refusal is not None:
            return [Finding(refusal, getattr(node, "lineno", 1))]
    bound = _bound_names(tree)
    findings = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound \
                and node.id not in names and node.id not in BUILTINS:
            findings.append(Finding(f"name {node.id!r} is not defined", node.lineno, versioned=True,
                                    detail=f" (Odoo runs this code with {', '.join(sorted(names))} "
                                           "and safe_eval's builtins)"))
    return sorted(findings, key=lambda f: f.line)[:1]


def _refusal(node: ast.AST) -> str | None:
    for cls, why in _REFUSED.items():
        if isinstance(node, cls):
            return why
    if isinstance(node, ast.Attribute):
        if forbidden_name(node.attr):
            return f"access to {node.attr!r} is refused by Odoo's safe_eval (no dunder or internal names)"
        if isinstance(node.ctx, ast.Store | ast.Del):
            return (f"setting or deleting attribute {node.attr!r} is refused by Odoo's safe_eval: "
                    "use record.write({...}) or record['field'] = value")
    if isinstance(node, ast.Name) and forbidden_name(node.id):
        return f"name {node.id!r} is refused by Odoo's safe_eval (no dunder or internal names)"
    return None


def _bound_names(tree: ast.AST) -> set[str]:
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.Lambda):
            args = node.args
            bound.update(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
            bound.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
            if isinstance(node, ast.FunctionDef):
                bound.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound
