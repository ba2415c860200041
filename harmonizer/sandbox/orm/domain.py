"""Domains: validation, normalisation and evaluation to a set of record ids.

Evaluation is set-based: each leaf yields the ids of the rows that satisfy it and the
prefix operators combine sets (``!`` is the complement within the searched rows). SQL NULL
semantics follow Odoo: ``=``/``in`` with False match NULL, and the negative operators
(``!=``, ``not in``, ``not like``, ``not ilike``) also match NULL rows. A leaf on a path
(``a.b``) matches the records linked to a related record satisfying it, negative or not. A leaf on a
non-stored field that has no search rule is dropped (always true), as Odoo does. Real 16.0's
search first pushes a ``'!'`` into a path leaf it negates (``negate_into_paths``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.exceptions import value_error
from harmonizer.sandbox.orm.fields import column_to_python

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model

OPERATORS = frozenset({"=", "!=", "<>", "<", "<=", ">", ">=", "=?", "=like", "=ilike", "like", "not like",
                       "ilike", "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any"})
NEGATIVE = {"!=": "=", "<>": "=", "not in": "in", "not like": "like", "not ilike": "ilike", "not any": "any"}
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)


def _leaf_repr(leaf: Any) -> str:
    return repr(tuple(leaf)) if isinstance(leaf, list | tuple) else repr(leaf)


#: How a bad leaf is worded, per version (``VersionProfile.domain_words``): an unknown field
#: ({model}, {field}, {leaf}), an unknown operator and any other malformed leaf ({leaf}).
DOMAIN_WORDS_17 = {"field": "Invalid field {model}.{field} in leaf {leaf}", "operator": "Invalid leaf {leaf}",
                   "leaf": "Invalid leaf {leaf}"}
DOMAIN_WORDS_19 = {"field": "Invalid field {model}.{field} in condition {leaf}",
                   "operator": "Invalid operator in condition {leaf}", "leaf": "Invalid leaf {leaf}"}


def normalize(domain: Any, words: dict[str, str] | None = None) -> list[Any]:
    """Validate leaves and make the implicit '&' between terms explicit (prefix notation)."""
    if not domain:
        return []
    if not isinstance(domain, list | tuple):
        raise value_error(f"Invalid domain: {domain!r}")
    result: list[Any] = []
    expected = 1
    for token in domain:
        if expected == 0:
            result.insert(0, "&")
            expected = 1
        if token in ("&", "|"):
            expected += 1
        elif token == "!":
            pass
        else:
            result.append(check_leaf(token, words or DOMAIN_WORDS_17))
            expected -= 1
            continue
        result.append(token)
    return result


def check_leaf(leaf: Any, words: dict[str, str] = DOMAIN_WORDS_17) -> tuple[Any, str, Any]:
    if isinstance(leaf, list | tuple) and len(leaf) == 3:
        left, operator, right = leaf
        if tuple(leaf) in (TRUE_LEAF, FALSE_LEAF):
            return (left, operator, right)
        if isinstance(left, str) and isinstance(operator, str) and operator.lower() in OPERATORS:
            return (left, operator.lower(), right)
        if isinstance(left, str) and isinstance(operator, str):
            raise value_error(words["operator"].format(leaf=_leaf_repr(leaf)))
    raise value_error(words["leaf"].format(leaf=_leaf_repr(leaf)))


def like_regex(pattern: str, insensitive: bool, wrap: bool) -> re.Pattern[str]:
    """SQL LIKE pattern -> regex (``%`` any run, ``_`` one character, backslash escapes)."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    body = "".join(out)
    if wrap:
        body = f".*{body}.*"
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if insensitive else 0))


def compare(row_value: Any, operator: str, value: Any, field_type: str) -> bool:
    """Positive operators only (negatives are complements, computed by the caller)."""
    if field_type == "boolean":
        row_value = bool(row_value)
        if operator == "=":
            return row_value == bool(value)
        if operator == "in":
            return row_value in [bool(v) for v in _as_list(value)]
    if operator == "=?":
        return True if value is None or value is False else compare(row_value, "=", value, field_type)
    if operator == "=":
        if value is False or value is None:
            return row_value is None
        return row_value is not None and _coerce(row_value, value) == row_value
    if operator == "in":
        values = _as_list(value)
        if row_value is None:
            return any(v is False or v is None for v in values)
        return any(v is not False and v is not None and _coerce(row_value, v) == row_value for v in values)
    if operator in ("like", "ilike", "=like", "=ilike"):
        if row_value is None:
            return False
        if value is False or value is None:
            return False
        regex = like_regex(str(value), operator in ("ilike", "=ilike"), operator in ("like", "ilike"))
        return bool(regex.match(str(row_value)))
    if row_value is None or value is None or value is False:
        return False
    try:
        other = _coerce(row_value, value)
        return {"<": row_value < other, "<=": row_value <= other, ">": row_value > other,
                ">=": row_value >= other}[operator]
    except TypeError:
        return False


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _coerce(row_value: Any, value: Any) -> Any:
    if isinstance(row_value, bool | int) and not isinstance(value, bool) and isinstance(value, int | float):
        return value
    if isinstance(row_value, float) and isinstance(value, int | float):
        return float(value)
    if isinstance(row_value, int) and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


#: 16.0's opposite operators (its ``TERM_OPERATORS_NEGATION``): ``'!'`` before such a leaf
#: becomes the opposite operator in a search, also on a path.
OPPOSITES_16 = {"<": ">=", ">": "<=", "<=": ">", ">=": "<", "=": "!=", "!=": "=", "in": "not in",
                "not in": "in", "like": "not like", "not like": "like", "ilike": "not ilike", "not ilike": "ilike"}


def negate_into_paths(domain: list[Any]) -> list[Any]:
    """How real 16.0's search reads a normalised domain: it pushes every ``'!'`` down to the
    leaves (``'&'`` and ``'|'`` swap) and into each leaf whose operator has an opposite, so
    ``'!', ('activity_ids.summary', '=', S)`` searches ``('activity_ids.summary', '!=', S)``:
    the records with SOME activity whose summary is not S (17.0+ search "no activity S", and
    every version's rule filter reads it so). Only path leaves take the opposite here; any
    other negated leaf keeps its ``'!'`` (the complement, which a plain leaf's opposite
    equals in this stand-in), and so does a leaf whose operator has no opposite
    (``=like``, ``=ilike``, ``=?``, ``child_of``...): 16.0 negates its whole SQL test."""
    out: list[Any] = []
    negated = [False]
    for token in domain:
        negate = negated.pop()
        if token == "!":
            negated.append(not negate)
        elif token in ("&", "|"):
            out.append({"&": "|", "|": "&"}[token] if negate else token)
            negated += [negate, negate]
        elif not negate:
            out.append(token)
        elif isinstance(token[0], str) and "." in token[0] and token[1] in OPPOSITES_16:
            out.append((token[0], OPPOSITES_16[token[1]], token[2]))
        else:
            out += ["!", token]
        if not negated:
            negated.append(False)  # terms side by side (evaluate joins them with '&')
    return out


def evaluate(model: Model, domain: list[Any], rows: dict[int, dict[str, Any]]) -> set[int]:
    """Ids of ``rows`` (column form) that satisfy the normalised ``domain``."""
    universe = set(rows)
    stack: list[set[int]] = []
    for token in reversed(domain):
        if token == "&":
            stack.append(stack.pop() & stack.pop())
        elif token == "|":
            stack.append(stack.pop() | stack.pop())
        elif token == "!":
            stack.append(universe - stack.pop())
        else:
            stack.append(leaf_ids(model, token, rows))
    result = universe
    while stack:
        result = result & stack.pop()
    return result


def leaf_ids(model: Model, leaf: tuple[Any, str, Any], rows: dict[int, dict[str, Any]]) -> set[int]:
    left, operator, right = leaf
    if leaf == TRUE_LEAF:
        return set(rows)
    if leaf == FALSE_LEAF:
        return set()
    if operator in NEGATIVE and not (isinstance(left, str) and "." in left):
        # A path ('partner_id.name', '!=', x) is not a complement: Odoo searches the related
        # model with the leaf as written and keeps the records linked to what it finds.
        return set(rows) - leaf_ids(model, (left, NEGATIVE[operator], right), rows)
    return model._leaf(left, operator, right, rows, leaf)


def match_rows(rows: dict[int, dict[str, Any]], name: str, operator: str, value: Any,
               field_type: str, field: Any) -> set[int]:
    if operator == "in" and field_type != "boolean":
        wanted = _in_lookup(value)
        if wanted is not None:
            found, digits, accepts_null = wanted
            return {rid for rid, row in rows.items()
                    if _in_match(column_to_python(field, row.get(name)), found, digits, accepts_null)}
    return {rid for rid, row in rows.items()
            if compare(column_to_python(field, row.get(name)), operator, value, field_type)}


def _in_lookup(value: Any) -> tuple[set[Any], set[int], bool] | None:
    """What an ``in`` leaf matches, as sets (``compare``'s ``in`` without a scan of the list per
    row): the values as given, the ints that digit strings coerce to (matched by int rows only),
    and whether a NULL matches. None when a value is not hashable (``compare`` then decides)."""
    found: set[Any] = set()
    digits: set[int] = set()
    accepts_null = False
    for item in _as_list(value):
        if item is False or item is None:
            accepts_null = True
            continue
        try:
            found.add(item)
        except TypeError:
            return None
        if isinstance(item, str) and item.lstrip("-").isdigit():
            digits.add(int(item))
    return found, digits, accepts_null


def _in_match(row_value: Any, found: set[Any], digits: set[int], accepts_null: bool) -> bool:
    if row_value is None:
        return accepts_null
    try:
        return row_value in found or (isinstance(row_value, int) and row_value in digits)
    except TypeError:
        return False
