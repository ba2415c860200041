"""Searching: domains with paths, active_test, company record rules, order, limit, offset.

Implicit filters follow Odoo: ``active_test`` (default on) hides archived rows unless the
domain mentions ``active``; a non-superuser sees only rows of the allowed companies (or
without company) on models with a stored ``company_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox import access
from harmonizer.sandbox.exceptions import value_error
from harmonizer.sandbox.hooks.base import ModelHooks
from harmonizer.sandbox.orm import domain as dom
from harmonizer.sandbox.orm.fields import JSON_TYPES, column_to_python

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model

#: Models whose records are not filtered by the multi-company rule.
NO_COMPANY_RULE = frozenset({"res.users", "res.config.settings", "res.company"})


#: Operators whose leaf on a stored column is decided by that column's value alone (``domain.compare``).
COLUMN_OPERATORS = frozenset({"=", "!=", "<>", "in", "not in", "<", "<=", ">", ">=", "like", "ilike", "not like",
                              "not ilike", "=like", "=ilike", "=?"})


class SearchMixin:
    def _search(self: Model, domain: Any, offset: int = 0, limit: int | None = None,
                order: str | None = None) -> list[int]:
        return [row["id"] for row in self._search_rows(domain, offset, limit, order, reading=())]

    def _search_rows(self: Model, domain: Any, offset: int = 0, limit: int | None = None,
                     order: str | None = None, reading: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The rows (column form) ``_search`` finds, in its order (``search_read`` reads them).
        ``reading``: the fields read from them afterwards (then each row may hold only the
        columns the search and that read need); None: every column."""
        normal = dom.normalize(domain, self.env.profile.domain_words)
        if self.env.profile.search_negates_path_leaves:
            normal = dom.negate_into_paths(normal)
        rows = self._candidate_rows(normal, self._columns_needed(normal, order, reading))
        rows = self._apply_rules(rows, normal)
        ids = dom.evaluate(self, normal, rows) if normal else set(rows)
        ordered = self._sort([rows[i] for i in ids], order)
        ordered = ordered[offset or 0:]
        if limit:
            ordered = ordered[:limit]
        return ordered

    def _columns_needed(self: Model, normal: list[Any], order: str | None,
                        reading: Sequence[str] | None) -> list[str] | None:
        """The columns a search and the read after it look at: the stored columns of the fields
        read, of the domain's leaves, of the record rules and of the order. None (every column)
        as soon as one of them may look at more: a field computed or delegated, a name whose rule
        does not say its columns, a path, a hierarchy or any other operator than a plain
        comparison."""
        if reading is None:
            return None
        fields = self.spec.fields
        names: dict[str, None] = {}
        for name in reading:
            field = fields.get(name)
            if field is None:
                return None
            if field.has_column:
                names[name] = None
            elif name == "display_name" and type(self.hooks).compute is ModelHooks.compute:
                shown = self.hooks.name_columns()  # the name rule's columns, from the rows read
                if shown is None:
                    return None
                names.update((column, None) for column in shown if column in fields and fields[column].has_column)
            elif not (field.is_x2many and field.store):
                return None
        for token in normal:
            if token in ("&", "|", "!") or token == dom.TRUE_LEAF or token == dom.FALSE_LEAF:
                continue
            if not isinstance(token, tuple) or len(token) != 3:
                return None
            left, operator, _right = token
            field = fields.get(left) if isinstance(left, str) else None
            if field is None or operator not in COLUMN_OPERATORS:
                return None
            if field.has_column:
                names[left] = None
            elif not (field.is_x2many and field.store) and left != "id":
                return None
        for name in ("active", "company_id", self.hooks.own_rows_field):
            if name and name in fields and fields[name].has_column:
                names[name] = None
        try:
            terms = self._order_terms(order)
        except Exception:  # the search itself reports a bad order, after its domain
            return None
        names.update((name, None) for name, _descending in terms if fields[name].has_column)
        names.pop("id", None)
        return list(names)

    def _candidate_rows(self: Model, normal: list[Any], columns: list[str] | None = None) -> dict[int, dict[str, Any]]:
        """The rows a search must look at. A row can only match a conjunction if it satisfies
        each of its leaves ``(text field, '=' or 'in', text values)`` and ``('id', '=' or 'in',
        ints)``, and an ``|`` if it can match one of its two sides: SQLite selects the rows of
        those alternatives (same equality as ``domain.compare`` for text columns and ids); the
        whole domain is still evaluated on them. A ``!``, or an ``|`` with a side that has no
        such leaf, can match any row: then every row. ``columns``: see ``_columns_needed``."""
        alternatives = self._selectable(_tree(normal)) if normal else None
        if alternatives is None:
            return self.env.store.rows(self.spec, columns=columns)
        if len(alternatives) == 1:
            return self.env.store.rows_matching(self.spec, alternatives[0], columns)
        out: dict[int, dict[str, Any]] = {}
        for where in alternatives:
            out.update(self.env.store.rows_matching(self.spec, where, columns))
        return out

    def _selectable(self: Model, node: Any) -> list[dict[str, list[Any]]] | None:
        """``node`` as alternatives SQLite can select (each: column -> value lists, all of which
        a row must match); None when any row may match."""
        if isinstance(node, _Node):
            if node.operator == "!":
                return None
            sides = [self._selectable(part) for part in node.parts]
            if node.operator == "|":
                return None if any(side is None for side in sides) else [w for side in sides for w in side]
            known = [side for side in sides if side is not None]
            if len(known) < 2:
                return known[0] if known else None
            first, second = known
            if len(first) * len(second) > MAX_ALTERNATIVES:  # a superset is enough
                return min(known, key=len)
            return [_both(a, b) for a in first for b in second]
        return self._selectable_leaf(node)

    def _selectable_leaf(self: Model, token: Any) -> list[dict[str, list[Any]]] | None:
        if not isinstance(token, tuple) or len(token) != 3:
            return None
        left, operator, right = token
        field = self.spec.fields.get(left) if isinstance(left, str) else None
        values = right if operator == "in" else [right] if operator == "=" else None
        if field is None or not isinstance(values, list | tuple):
            return None
        if left == "id":
            if all(type(v) is int and -(2**63) <= v < 2**63 for v in values):  # SQLite's integers
                return [{"id": [values]}]
        elif (field.type in ("char", "selection") and field.has_column and self._delegation(left) is None
                and values and all(isinstance(v, str) and v for v in values)):
            return [{left: [values]}]
        elif (field.type == "many2one" and field.has_column and values
                and all(type(v) is int and 0 < v < 2**63 for v in values)):
            # A stored many2one equal to ids: the column's integer equality (``compare``'s).
            return [{left: [values]}]
        return None

    def _apply_rules(self: Model, rows: dict[int, dict[str, Any]], normal: list[Any]) -> dict[int, dict[str, Any]]:
        fields = self.spec.fields
        if ("active" in fields and fields["active"].store and self.env.context.get("active_test", True)
                and not any(isinstance(t, tuple) and t[0] == "active" for t in normal)):
            rows = {i: r for i, r in rows.items() if r.get("active")}
        if not self.env.su and self.name not in NO_COMPANY_RULE:
            company = fields.get("company_id")
            if company is not None and company.type == "many2one" and company.store:
                allowed = set(self.env.company_ids)
                rows = {i: r for i, r in rows.items() if r.get("company_id") in allowed or not r.get("company_id")}
        owner = self.hooks.own_rows_field
        if owner and not access.is_admin(self.env):
            rows = {i: r for i, r in rows.items() if r.get(owner) == self.env.uid}
        if not self.env.su and self.name == "res.company":
            allowed = set(self.env.user_company_ids())
            rows = {i: r for i, r in rows.items() if i in allowed}
        return rows

    # -- leaves ------------------------------------------------------------------------------
    def _leaf(self: Model, left: str, operator: str, right: Any, rows: dict[int, dict[str, Any]],
              leaf: tuple[Any, str, Any]) -> set[int]:
        name, _, rest = left.partition(".")
        field = self.spec.fields.get(name)
        if field is None:
            raise value_error(self.env.profile.domain_words["field"].format(model=self.name, field=name,
                                                                            leaf=repr(tuple(leaf))))
        access.check_field_search(self.env, self.name, name)
        parent = self._delegation(name)
        if parent is not None:
            link, comodel = parent
            sub = self.env[comodel].with_env(active_test=False)._search([(left, operator, right)])
            return dom.match_rows(rows, link, "in", sub, "many2one", self.spec.fields[link])
        if not field.store:
            replacement = self._search_nonstored(name, operator, right)
            if replacement is None and self.env.profile.nonstored_search_error:
                raise value_error(f"Cannot convert {self.name}.{name} to SQL because it is not stored")
            if replacement is None:
                return set(rows)  # up to 18.0 Odoo only logs "Non-stored field ... cannot be searched"
            return dom.evaluate(self, dom.normalize(replacement, self.env.profile.domain_words), rows)
        if rest:
            return self._path_leaf(field, rest, operator, right, rows)
        if operator in ("child_of", "parent_of"):
            return self._hierarchy_leaf(field, operator, right, rows)
        if field.type == "many2one" and _is_name_value(right) and operator not in ("<", "<=", ">", ">="):
            sub = self.env[field.relation or ""].with_env(active_test=False)._name_ids(operator, right)
            return dom.match_rows(rows, name, "in", sub, "many2one", field)
        if field.is_x2many:
            return self._x2many_leaf(field, operator, right, rows)
        return dom.match_rows(rows, name, operator, right, field.type, field)

    def _search_nonstored(self: Model, name: str, operator: str, value: Any) -> list[Any] | None:
        replacement = self.hooks.search_field(self.env, name, operator, value)
        if replacement is not None:
            return replacement
        rec_name = self.hooks.rec_name
        if name == "display_name" and rec_name and rec_name in self.spec.fields:
            return [(rec_name, operator, value)]
        return None

    def _path_leaf(self: Model, field: Any, rest: str, operator: str, right: Any,
                   rows: dict[int, dict[str, Any]]) -> set[int]:
        if field.type not in ("many2one", "one2many", "many2many"):
            return set(rows)
        sub = self.env[field.relation].with_env(active_test=False)._search([(rest, operator, right)])
        if field.type == "many2one":
            return dom.match_rows(rows, field.name, "in", sub, "many2one", field)
        if not sub:
            return set()  # no related record matches: no record links one (not "has no lines")
        return self._x2many_leaf(field, "in", sub, rows)

    def _x2many_leaf(self: Model, field: Any, operator: str, right: Any, rows: dict[int, dict[str, Any]]) -> set[int]:
        values = self._x2many_ids(field, list(rows))
        if operator in ("=", "in") and (right is False or right is None or right == []):
            return {i for i, linked in values.items() if not linked}
        if _is_name_value(right):
            wanted = set(self.env[field.relation].with_env(active_test=False)._name_ids(operator, right))
        else:
            wanted = {v for v in dom._as_list(right) if isinstance(v, int)}
        return {i for i, linked in values.items() if wanted & set(linked)}

    def _hierarchy_leaf(self: Model, field: Any, operator: str, right: Any,
                        rows: dict[int, dict[str, Any]]) -> set[int]:
        target = self.name if field.name == "id" else field.relation or ""
        comodel = self.env[target].with_env(active_test=False)
        start = comodel._name_ids("ilike", right) if _is_name_value(right) else [
            v for v in dom._as_list(right) if isinstance(v, int)]
        related = comodel._descendants(start) if operator == "child_of" else comodel._ancestors(start)
        if field.name == "id":
            return {i for i in rows if i in related}
        if field.is_x2many:
            return self._x2many_leaf(field, "in", list(related), rows)
        return dom.match_rows(rows, field.name, "in", list(related), "many2one", field)

    def _descendants(self: Model, ids: list[int]) -> set[int]:
        parent = self.hooks.parent_name
        if parent not in self.spec.fields:
            return set(ids)
        rows = self.env.store.rows(self.spec)
        found, frontier = set(ids), set(ids)
        while frontier:
            frontier = {i for i, r in rows.items() if r.get(parent) in frontier} - found
            found |= frontier
        return found

    def _ancestors(self: Model, ids: list[int]) -> set[int]:
        parent = self.hooks.parent_name
        if parent not in self.spec.fields:
            return set(ids)
        rows = self.env.store.rows(self.spec)
        found = set()
        for rec_id in ids:
            while rec_id and rec_id not in found and rec_id in rows:
                found.add(rec_id)
                rec_id = rows[rec_id].get(parent)
        return found

    def _name_ids(self: Model, operator: str, value: Any) -> list[int]:
        """Ids whose name matches (how Odoo resolves a name given for a relational field)."""
        rec_name = self.hooks.rec_name if self.hooks.rec_name in self.spec.fields else None
        if rec_name is None:
            return []
        if operator in ("in",) or isinstance(value, list | tuple):
            return self._search([(rec_name, "in", list(value))])
        positive = operator if operator in ("=", "like", "ilike", "=like", "=ilike") else "ilike"
        return self._search([(rec_name, positive, value)])

    # -- order -------------------------------------------------------------------------------
    def _sort(self: Model, rows: list[dict[str, Any]], order: str | None) -> list[dict[str, Any]]:
        terms = self._order_terms(order)
        if any(descending or self.spec.fields[name].type in JSON_TYPES for name, descending in terms):
            return self._sort_passes(rows, terms)
        return self._sort_once(rows, terms)

    def _order_terms(self: Model, order: str | None) -> list[tuple[str, bool]]:
        """(field, descending) of an order (the model's by default), ``id`` last unless named."""
        spec_text = order or self.hooks.order or "id"
        terms = []
        for part in spec_text.split(","):
            words = part.strip().split()
            if not words:
                continue
            name = words[0].strip('"')
            descending = len(words) > 1 and words[1].lower() == "desc"
            if name not in self.spec.fields:
                raise value_error(f"Invalid field {name!r} on model {self.name!r}")
            terms.append((name, descending))
        if not any(name == "id" for name, _ in terms):
            terms.append(("id", False))
        return terms

    def _sort_passes(self: Model, rows: list[dict[str, Any]], terms: list[tuple[str, bool]]) -> list[dict[str, Any]]:
        """By id, then one stable sort per term from the last one."""
        result = sorted(rows, key=lambda r: r["id"])
        for name, descending in reversed(terms):
            keyer = self._sort_key(name)
            # NULLs sort last ascending and first descending, as in PostgreSQL
            result.sort(key=lambda r, k=keyer: k(r), reverse=descending)
        return result

    def _sort_once(self: Model, rows: list[dict[str, Any]], terms: list[tuple[str, bool]]) -> list[dict[str, Any]]:
        """``_sort_passes`` of ascending terms as one sort on the whole key, ties by id."""
        keyers = [self._sort_key(name) for name, _descending in terms]
        if len(keyers) == 1:
            first = keyers[0]
            return sorted(rows, key=lambda r: (first(r), r["id"]))
        return sorted(rows, key=lambda r: (*(k(r) for k in keyers), r["id"]))

    def _sort_key(self: Model, name: str) -> Any:
        field = self.spec.fields[name]
        if not field.has_column:
            return lambda row: (0, 0)
        if field.type == "many2one" and field.relation in self.env:
            comodel = field.relation

            def by_name(row: dict[str, Any]) -> tuple[int, Any]:
                value = row.get(name)
                if value is None:
                    return (1, "")
                return (0, self.env.sudo().display_names(comodel, [value]).get(value, ""))
            return by_name

        if field.type == "boolean" or field.type in JSON_TYPES:
            def converted(row: dict[str, Any]) -> tuple[int, Any]:
                value = column_to_python(field, row.get(name))
                if value is None:
                    return (1, 0)
                return (0, value.lower() if isinstance(value, str) else value)
            return converted

        def plain(row: dict[str, Any]) -> tuple[int, Any]:  # column_to_python is the identity here
            value = row.get(name)
            if value is None:
                return (1, 0)
            return (0, value.lower() if isinstance(value, str) else value)
        return plain


def _is_name_value(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, str) for v in value)


#: Alternatives a conjunction of two disjunctions may expand to before a side alone is used.
MAX_ALTERNATIVES = 16


@dataclass(frozen=True)
class _Node:
    operator: str
    parts: tuple[Any, ...]


def _tree(normal: list[Any]) -> Any:
    """A normalised (prefix) domain as nested ``_Node``s over its leaves; terms left side by
    side are a conjunction (as ``domain.evaluate`` reads them)."""
    stack: list[Any] = []
    for token in reversed(normal):
        if token in ("&", "|"):
            stack.append(_Node(token, (stack.pop(), stack.pop())))
        elif token == "!":
            stack.append(_Node("!", (stack.pop(),)))
        else:
            stack.append(token)
    node = stack.pop()
    while stack:
        node = _Node("&", (node, stack.pop()))
    return node


def _both(first: dict[str, list[Any]], second: dict[str, list[Any]]) -> dict[str, list[Any]]:
    out = {column: list(values) for column, values in first.items()}
    for column, values in second.items():
        out.setdefault(column, []).extend(values)
    return out
