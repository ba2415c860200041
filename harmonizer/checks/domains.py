"""Domains read the way Odoo reads them, without a server.

A domain is Python literal text (``"[('state', '=', 'sale')]"``) that Odoo evaluates and
then normalises. Rules checked, in Odoo's terms:

- the text parses as one Python expression: a list (or tuple) of terms;
- a term is ``'&'``, ``'|'``, ``'!'`` (prefix operators) or a condition: a 3-item
  list/tuple ``(field path, operator, value)``; ``(1, '=', 1)``/``(0, '=', 1)`` are
  Odoo's constant conditions;
- arity: ``'&'`` and ``'|'`` take two terms, ``'!'`` one; conditions side by side are
  joined by an implicit ``'&'``; an operator left without its terms is an error;
- the field path is a quoted string; the operator is one the site's Odoo version knows;
- the value is a literal, or an expression over the names the place evaluates the domain
  with (``names``; ``None``: not known, any name but the forbidden ones);
- with a field index: every part of the path exists on the model it reaches, and every
  part but the last is a relational field; ``any``/``not any`` take a domain on the
  relation. Models the index does not hold are skipped.

Findings carry the 1-based line within the text (for multi-line YAML block scalars).
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field

from harmonizer.checks.fieldindex import FieldIndex
from harmonizer.checks.names import BUILTINS, forbidden_name

#: Condition operators of Odoo 16.0's domains (``<>`` is kept as Odoo's synonym of ``!=``).
OPERATORS_16 = frozenset({"=", "!=", "<>", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like",
                          "ilike", "not ilike", "in", "not in", "child_of", "parent_of"})
#: 17.0 added conditions on a relation's records.
OPERATORS_17 = OPERATORS_16 | {"any", "not any"}
#: 19.0 added their variants that bypass access rules.
OPERATORS_19 = OPERATORS_17 | {"any!", "not any!"}
SUB_DOMAIN = frozenset({"any", "not any", "any!", "not any!"})
PREFIX = {"&": 2, "|": 2, "!": 1}


def operators(major: int) -> frozenset[str]:
    """The condition operators Odoo ``major`` knows."""
    if major >= 19:
        return OPERATORS_19
    return OPERATORS_17 if major >= 17 else OPERATORS_16


@dataclass(frozen=True)
class Finding:
    """One problem found in a text: what, and its 1-based line within the text."""

    message: str
    line: int = 1
    #: Depends on the Odoo version (a field, an operator, a name), not on the text alone.
    versioned: bool = False
    #: Said after the message; not part of comparisons across versions (e.g. a list of names).
    detail: str = field(default="", compare=False)


def parse_expression(text: str) -> tuple[ast.expr | None, int, Finding | None]:
    """The expression ``text`` holds, the number of lines skipped before it, or a syntax finding."""
    stripped = text.lstrip()
    skipped = text[: len(text) - len(stripped)].count("\n")
    try:
        tree = ast.parse(stripped.rstrip(), mode="eval")
    except SyntaxError as exc:
        line = (exc.lineno or 1) + skipped
        return None, skipped, Finding(f"not a valid domain: Python syntax error ({exc.msg})", line)
    return tree.body, skipped, None


def check_domain(text: str, model: str | None, index: FieldIndex | None,
                 names: frozenset[str] | None) -> list[Finding]:
    """Every problem of domain ``text`` on ``model`` (see the module rules)."""
    if not text or not text.strip():
        return []
    node, skipped, syntax = parse_expression(text)
    if syntax is not None:
        return [syntax]
    assert node is not None
    checker = _DomainChecker(index, names, skipped)
    checker.domain(node, model)
    return checker.findings


class _DomainChecker:
    def __init__(self, index: FieldIndex | None, names: frozenset[str] | None, skipped: int) -> None:
        self.index = index
        self.names = names
        self.skipped = skipped
        self.findings: list[Finding] = []

    def add(self, message: str, node: ast.AST, versioned: bool = False, detail: str = "") -> None:
        self.findings.append(Finding(message, getattr(node, "lineno", 1) + self.skipped, versioned, detail))

    def domain(self, node: ast.expr, model: str | None) -> None:
        if not isinstance(node, ast.List | ast.Tuple):
            self.add("a domain is a list of conditions, e.g. [('state', '=', 'sale')]", node)
            return
        expected = 1
        last: ast.expr | None = None
        for term in node.elts:
            if expected == 0:
                expected = 1  # conditions side by side: Odoo joins them with an implicit '&'
            if isinstance(term, ast.Constant) and isinstance(term.value, str):
                if term.value not in PREFIX:
                    self.add(f"{term.value!r} is not a domain operator (terms are combined with '&', '|' "
                             "and '!'); a condition is a ('field', 'operator', value) triple", term)
                    return
                expected += PREFIX[term.value] - 1
                last = term
                continue
            if isinstance(term, ast.List | ast.Tuple) and len(term.elts) == 3:
                self.condition(term, model)
                expected -= 1
                continue
            self.add(f"{_shown(term)} is not a condition: write ('field', 'operator', value)", term)
            return
        if node.elts and expected > 0:
            self.add(f"the domain is incomplete: {expected} more term(s) expected after the last "
                     f"{'operator ' + repr(last.value) if isinstance(last, ast.Constant) else 'term'} "
                     "('&' and '|' take two terms, '!' one)", last or node)

    def condition(self, term: ast.List | ast.Tuple, model: str | None) -> None:
        left, op, right = term.elts
        if (isinstance(left, ast.Constant) and type(left.value) is int and left.value in (0, 1)
                and isinstance(op, ast.Constant) and op.value == "=" and isinstance(right, ast.Constant)
                and right.value == 1):
            return  # Odoo's TRUE_LEAF / FALSE_LEAF
        if not (isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value):
            self.add(f"the field of condition {_shown(term)} must be a field name in quotes", left)
            return
        if not (isinstance(op, ast.Constant) and isinstance(op.value, str)):
            self.add(f"the operator of condition {_shown(term)} must be an operator in quotes", op)
            return
        operator = op.value.lower()
        known = operators(self.index.major) if self.index is not None else OPERATORS_19
        if operator not in known:
            later = operator in OPERATORS_19
            self.add(f"unknown operator {op.value!r} in condition {_shown(term)}"
                     + (" (this Odoo version does not have it)" if later else
                        f" (operators: {', '.join(sorted(OPERATORS_16))}, any, not any)"), op, versioned=later)
            return
        target = self.path(left.value, model, left)
        if operator in SUB_DOMAIN:
            if target is False:
                return
            if isinstance(right, ast.List | ast.Tuple):
                self.domain(right, target or None)
            else:
                self.value(right)
            return
        self.value(right)

    def path(self, path: str, model: str | None, node: ast.AST) -> str | bool | None:
        """Walk ``path`` from ``model``: the model its last field points to (None: not known,
        False: a finding was added)."""
        index = self.index
        if index is None or model is None:
            return None
        parts = path.split(".")
        current = model
        info = None
        for i, part in enumerate(parts):
            if not index.knows(current):
                return None
            info = index.field(current, part)
            if info is None:
                through = f" (reached through {'.'.join(parts[:i])})" if i else ""
                close = difflib.get_close_matches(part, index.names(current), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.add(f"unknown field {part!r} on {current}{through}{hint}", node, versioned=True)
                return False
            if i < len(parts) - 1:
                if not info.relational or not info.relation:
                    self.add(f"{'.'.join(parts[:i + 1])} is a {info.type} field of {current}, not a relation: "
                             f"{path!r} cannot go on to {parts[i + 1]!r}", node, versioned=True)
                    return False
                current = info.relation
        return info.relation if info is not None and info.relation else None

    def value(self, node: ast.expr) -> None:
        for sub in ast.walk(node):
            if (isinstance(sub, ast.Name) and forbidden_name(sub.id)) or (
                    isinstance(sub, ast.Attribute) and forbidden_name(sub.attr)):
                name = sub.id if isinstance(sub, ast.Name) else sub.attr  # type: ignore[union-attr]
                self.add(f"{name!r} is refused by Odoo's safe_eval (no dunder or internal names)", sub)
                return
            if isinstance(sub, ast.Name) and self.names is not None and sub.id not in self.names \
                    and sub.id not in BUILTINS:
                allowed = ", ".join(sorted(self.names))
                self.add(f"name {sub.id!r} is not available here", sub, versioned=True,
                         detail=f" (Odoo evaluates this domain with: {allowed})")
                return
            if isinstance(sub, ast.Lambda | ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom):
                self.add("a domain value must be a literal or a simple expression", sub)
                return


def _shown(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def field_problem(path: str, model: str, index: FieldIndex) -> str | None:
    """Why ``path`` (dotted) is not a field path of ``model`` (None: fine or not known)."""
    checker = _DomainChecker(index, None, 0)
    checker.path(path, model, ast.Constant(path, lineno=1))
    return checker.findings[0].message if checker.findings else None
