"""Model-level helpers: fields_get, name_search, read_group, default_get and xmlid lookups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.orm.fields import to_read

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model


class MetaMixin:
    def _fields_get(self: Model, allfields: list[str] | None = None,
                    attributes: list[str] | None = None) -> dict[str, dict[str, Any]]:
        # Odoo ignores unknown names in both lists
        names = [n for n in allfields if n in self.spec.fields] if allfields else list(self.spec.fields)
        return {name: self.spec.fields[name].describe(attributes) for name in names}

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
        keys = [g.split(":")[0] for g in groupby]
        self._check_field_names(keys)
        used = keys[:1] if lazy else keys
        ids = self._search(domain)
        rows = self.env.store.rows(self.spec, ids)
        groups: dict[tuple[Any, ...], list[int]] = {}
        for rec_id in ids:
            key = tuple(rows[rec_id].get(k) for k in used)
            groups.setdefault(key, []).append(rec_id)
        aggregates = [f.split(":")[0] for f in fields if f.split(":")[0] in self.spec.fields
                      and self.spec.fields[f.split(":")[0]].type in ("integer", "float", "monetary")
                      and f.split(":")[0] not in used and f.split(":")[0] != "id"]
        result = []
        for key, members in sorted(groups.items(), key=lambda item: tuple(
                (v is None, v if not isinstance(v, str) else v.lower()) for v in item[0])):
            group: dict[str, Any] = {}
            for name, value in zip(used, key, strict=True):
                group[name] = to_read(self.env, self.spec.fields[name], value)
            group[f"{used[0]}_count" if lazy else "__count"] = len(members)
            for name in aggregates:
                group[name] = sum(rows[m].get(name) or 0 for m in members)
            group["__domain"] = [*([list(t) for t in zip(used, ["="] * len(used), [
                v if v is not None else False for v in key], strict=True)]), *(domain or [])]
            if lazy and len(keys) > 1:
                group["__context"] = {"group_by": groupby[1:]}
            result.append(group)
        result = result[offset or 0:]
        return result[:limit] if limit else result

    def _formatted_read_group(self: Model, domain: list[Any], groupby: list[str], aggregates: list[str],
                              offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """19.0's grouping: the groupby values, ``__extra_domain`` (the group's own leaves, not the
        search domain), then each aggregate (``__count`` or ``field:sum``/``avg``/``min``/``max``)."""
        if not groupby:
            raise ValueError("formatted_read_group needs groupby in the stand-in")
        fields = [a for a in aggregates if a != "__count"]
        groups = self._read_group(domain, fields, groupby, offset, limit, lazy=False)
        keys = [g.split(":")[0] for g in groupby]
        ids = self._search(domain)
        rows = self.env.store.rows(self.spec, ids)
        out = []
        for group in groups:
            entry: dict[str, Any] = {key: group[key] for key in keys}
            entry["__extra_domain"] = group["__domain"][:len(keys)]
            members = [i for i in ids if all(_raw(rows[i].get(k)) == _raw(group[k]) for k in keys)]
            for spec in aggregates:
                if spec == "__count":
                    entry["__count"] = len(members)
                    continue
                name, _, func = spec.partition(":")
                values = [rows[m].get(name) or 0 for m in members]
                entry[spec] = _aggregate(func or "sum", values)
            out.append(entry)
        return out

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


def _raw(value: Any) -> Any:
    """A read value back to its stored form (many2one ``[id, name]`` -> id, False -> None)."""
    if isinstance(value, list) and value:
        return value[0]
    return None if value is False else value


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
