"""Model-level helpers: fields_get, name_search, read_group, default_get and xmlid lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.orm.dategroups import Bucket, bucket, check_granularity, parse_spec
from harmonizer.sandbox.orm.fields import to_read

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model


class MetaMixin:
    def _fields_get(self: Model, allfields: list[str] | None = None,
                    attributes: list[str] | None = None) -> dict[str, dict[str, Any]]:
        # Odoo ignores unknown names in both lists
        try:
            key: tuple[Any, ...] | None = (tuple(allfields) if allfields else None,
                                           tuple(attributes) if attributes else None)
            found = self.spec.fields_get_answers.get(key)  # type: ignore[arg-type]
        except TypeError:  # an odd argument (unhashable): worked out again
            key, found = None, None
        if found is None:
            names = [n for n in allfields if n in self.spec.fields] if allfields else list(self.spec.fields)
            found = {name: self.spec.fields[name].describe(attributes) for name in names}
            if key is not None:
                self.spec.fields_get_answers[key] = found
        return dict(found)  # each field's description is shared: the answer is only encoded

    def _name_search(self: Model, name: str = "", args: list[Any] | None = None, operator: str = "ilike",
                     limit: int | None = 100) -> list[list[Any]]:
        domain = list(args or [])
        rec_name = self.hooks.rec_name if self.hooks.rec_name in self.spec.fields else "display_name"
        if name or operator not in ("ilike", "like", "=like", "=ilike"):
            domain = ["&", *domain, (rec_name, operator, name)] if domain else [(rec_name, operator, name)]
        ids = self._search(domain, limit=limit)
        names = self.env.display_names(self.name, ids)
        return [[i, names.get(i, "")] for i in ids]

    def _read_group(self: Model, domain: list[Any], fields: list[str], groupby: list[str] | str,
                    offset: int = 0, limit: int | None = None, orderby: str | bool = False,
                    lazy: bool = True) -> list[dict[str, Any]]:
        groupby = [groupby] if isinstance(groupby, str) else list(groupby)
        specs = groupby[:1] if lazy else groupby
        keys = [parse_spec(g)[0] for g in groupby]
        used = keys[:1] if lazy else keys
        grouped = self._groups(domain, specs)
        rows = grouped.rows
        aggregates = [f.split(":")[0] for f in fields if f.split(":")[0] in self.spec.fields
                      and self.spec.fields[f.split(":")[0]].type in ("integer", "float", "monetary")
                      and f.split(":")[0] not in used and f.split(":")[0] != "id"]
        result = []
        for values, members in grouped.groups:
            group: dict[str, Any] = {}
            leaves: list[Any] = []
            for spec, value in zip(specs, values, strict=True):
                shown, spec_leaves, span = self._group_value(spec, value)
                group[self._group_key(spec)] = shown
                leaves.extend(spec_leaves)
                if span is not None:
                    group.setdefault("__range", {})[spec] = span
            group[f"{used[0]}_count" if lazy else "__count"] = len(members)
            for name in aggregates:
                group[name] = sum(rows[m].get(name) or 0 for m in members)
            group["__domain"] = [*leaves, *(domain or [])]
            if lazy and len(keys) > 1:
                group["__context"] = {"group_by": groupby[1:]}
            result.append(group)
        result = result[offset or 0:]
        return result[:limit] if limit else result

    def _groups(self: Model, domain: list[Any], specs: list[str]) -> _Grouped:
        """The records of ``domain`` grouped by ``specs`` (a date spec by its period), in order."""
        self._check_field_names([parse_spec(s)[0] for s in specs])
        ids = self._search(domain)
        rows = self.env.store.rows(self.spec, ids)
        groups: dict[tuple[Any, ...], list[int]] = {}
        for rec_id in ids:
            key = tuple(self._group_of(spec, rows[rec_id]) for spec in specs)
            groups.setdefault(key, []).append(rec_id)
        ordered = sorted(groups.items(), key=lambda item: tuple(_sort_key(v) for v in item[0]))
        return _Grouped(rows, ordered)

    def _group_of(self: Model, spec: str, row: dict[str, Any]) -> Any:
        name, granularity = parse_spec(spec)
        field = self.spec.fields[name]
        value = row.get(name)
        if field.type not in ("date", "datetime"):
            return value
        return bucket(value, field.type, check_granularity(granularity), major=self.env.profile.major,
                      lang=self.env.lang, tz=self.env.context.get("tz"))

    def _group_key(self: Model, spec: str) -> str:
        """Odoo keys a date group by its spec (``date_order:week``), any other by the field name."""
        name, _ = parse_spec(spec)
        return spec if self.spec.fields[name].type in ("date", "datetime") else name

    def _group_value(self: Model, spec: str, value: Any) -> tuple[Any, list[Any], dict[str, str] | bool | None]:
        """What a group shows for ``value``, its domain leaves and (dates only) its ``__range``."""
        name, _ = parse_spec(spec)
        field = self.spec.fields[name]
        if field.type not in ("date", "datetime"):
            return to_read(self.env, field, value), [[name, "=", value if value is not None else False]], None
        if value is None:
            return False, [[name, "=", False]], False
        return value.label, ["&", [name, ">=", value.range_from], [name, "<", value.range_to]], {
            "from": value.range_from, "to": value.range_to}

    def _formatted_read_group(self: Model, domain: list[Any], groupby: list[str], aggregates: list[str],
                              offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """19.0's grouping: the groupby values (a date period as ``[from, label]``), ``__extra_domain``
        (the group's own leaves, not the search domain), then each aggregate (``__count`` or
        ``field:sum``/``avg``/``min``/``max``)."""
        if not groupby:
            raise ValueError("formatted_read_group needs groupby in the stand-in")
        grouped = self._groups(domain, groupby)
        out = []
        for values, members in grouped.groups[offset or 0:]:
            entry: dict[str, Any] = {}
            leaves: list[Any] = []
            for spec, value in zip(groupby, values, strict=True):
                shown, spec_leaves, span = self._group_value(spec, value)
                entry[self._group_key(spec)] = [span["from"], shown] if isinstance(span, dict) else shown
                leaves.extend(spec_leaves)
            entry["__extra_domain"] = leaves
            for spec in aggregates:
                if spec == "__count":
                    entry["__count"] = len(members)
                    continue
                name, _, func = spec.partition(":")
                values_of = [grouped.rows[m].get(name) or 0 for m in members]
                entry[spec] = _aggregate(func or "sum", values_of)
            out.append(entry)
        return out[:limit] if limit else out

    def _default_get(self: Model, fields_list: list[str]) -> dict[str, Any]:
        defaults = self._defaults(stopgap=False)
        out: dict[str, Any] = {}
        for name in fields_list:
            if f"default_{name}" in self.env.context:
                out[name] = self.env.context[f"default_{name}"]
            elif name in defaults and name in self.spec.fields:
                value = defaults[name]
                out[name] = value(self.env) if callable(value) else value
        return out

    def _external_ids(self: Model, ids: list[int]) -> dict[int, str]:
        data = self.env["ir.model.data"].sudo()
        found: dict[int, str] = {i: "" for i in ids}
        rows = data._read(data._search([("model", "=", self.name), ("res_id", "in", list(ids))]),
                          ["module", "name", "res_id"])
        for row in rows:
            if not found.get(row["res_id"]):
                found[row["res_id"]] = f"{row['module']}.{row['name']}"
        return found


@dataclass(frozen=True)
class _Grouped:
    rows: dict[int, dict[str, Any]]
    groups: list[tuple[tuple[Any, ...], list[int]]]


def _sort_key(value: Any) -> tuple[bool, Any]:
    """Groups in ascending order of their values (periods by start), empty values last."""
    if isinstance(value, Bucket):
        return False, value.start.isoformat()
    return value is None, value if not isinstance(value, str) else value.lower()


def _aggregate(func: str, values: list[Any]) -> Any:
    if func == "sum":
        return sum(values)
    if func == "avg":
        return sum(values) / len(values) if values else 0
    if func == "min":
        return min(values) if values else False
    if func == "max":
        return max(values) if values else False
    raise ValueError(f"aggregate function {func!r} is not implemented by the stand-in")
