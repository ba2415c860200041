"""Reading: ``read`` and ``search_read`` values, non-stored fields, delegation, x2many ids.

``read`` answers only the ids that exist (missing ids are silently left out), in the order
asked, always with ``id``. Non-stored fields come from the model's hooks, from the parent
record for ``_inherits`` delegation, ``display_name`` from the display-name rule, and
otherwise read as empty values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.orm.errors import invalid_field
from harmonizer.sandbox.orm.fields import empty_read, to_read

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model
    from harmonizer.sandbox.schema import FieldSpec

#: Fields never listed by a fields-less ``read`` (heavy or internal).
SKIPPED_BY_DEFAULT = frozenset({"binary", "properties", "properties_definition"})


class ReadMixin:
    def _check_field_names(self: Model, names: list[str], reading: bool = False) -> None:
        template = self.env.profile.invalid_field_read if reading else self.env.profile.invalid_field
        for name in names:
            if name not in self.spec.fields:
                raise invalid_field(self.name, name, template)

    def _read(self: Model, ids: list[int], fields: list[str] | None = None) -> list[dict[str, Any]]:
        unique_ids = [i for i in dict.fromkeys(ids) if isinstance(i, int)]
        rows_by_id = self.env.store.rows(self.spec, unique_ids)
        return self._read_rows([rows_by_id[i] for i in unique_ids if i in rows_by_id], fields)

    def _read_rows(self: Model, rows: list[dict[str, Any]], fields: list[str] | None = None) -> list[dict[str, Any]]:
        """``_read`` of rows already fetched (column form, distinct, in the order to answer)."""
        if fields:
            self._check_field_names(fields, reading=True)
            names = [n for n in dict.fromkeys(fields) if n != "id"]
        else:
            names = [n for n, f in self.spec.fields.items() if n != "id" and f.type not in SKIPPED_BY_DEFAULT]
        result: list[dict[str, Any]] = [{"id": row["id"]} for row in rows]
        for name in names:
            values = self._field_values(self.spec.fields[name], rows)
            for record, value in zip(result, values, strict=True):
                record[name] = value
        return result

    def _field_values(self: Model, field: FieldSpec, rows: list[dict[str, Any]]) -> list[Any]:
        if field.has_column and field.type == "many2one" and field.relation in self.env:
            # to_read's many2one rule, with the display names asked once for the whole column
            values = [row.get(field.name) for row in rows]
            names = self.env.sudo().display_names(field.relation, list(dict.fromkeys(
                v for v in values if v is not None)))
            empty = empty_read(field)
            return [empty if v is None else [v, names[v]] if v in names else False for v in values]
        if field.has_column:
            return [to_read(self.env, field, row.get(field.name)) for row in rows]
        if field.is_x2many and not field.store:  # a computed x2many (19.0's all_group_ids)
            computed = self.hooks.compute(self.env, field.name, rows)
            if computed is not None:
                return computed
        if field.is_x2many and (field.store or self._delegation(field.name) is None):
            ids = self._x2many_ids(field, [row["id"] for row in rows])
            return [ids.get(row["id"], []) for row in rows]
        computed = self.hooks.compute(self.env, field.name, rows)
        if computed is not None:
            return computed
        delegation = self._delegation(field.name)
        if delegation is not None:
            link, comodel = delegation
            parent_ids = [row.get(link) for row in rows]
            parents = {r["id"]: r for r in self.env[comodel].sudo()._read(
                [p for p in parent_ids if p], [field.name])}
            return [parents[p][field.name] if p in parents else empty_read(field) for p in parent_ids]
        if field.name == "display_name":
            names = self.env.sudo().display_names(self.name, [row["id"] for row in rows],
                                                  {row["id"]: row for row in rows})
            return [names.get(row["id"], False) for row in rows]
        return [empty_read(field) for _row in rows]

    def _x2many_ids(self: Model, field: FieldSpec, ids: list[int]) -> dict[int, list[int]]:
        """Linked ids per record, visible under active_test, in the comodel's order."""
        comodel_name = field.relation or ""
        if comodel_name not in self.env or not field.store:
            return {i: [] for i in ids}
        comodel = self.env[comodel_name]
        if field.type == "many2many":
            links = self.env.store.links(self.spec, field, ids)
        else:
            inverse = field.relation_field
            if not inverse or inverse not in comodel.spec.fields:
                return {i: [] for i in ids}
            links = {i: [] for i in ids}
            for row in self.env.store.find(comodel.spec, inverse, ids):
                if inverse == "res_id" and row.get("res_model") not in (None, self.name):
                    continue
                links[row[inverse]].append(row["id"])
        every = {t for targets in links.values() for t in targets}
        if not every:
            return links
        rows = comodel.env.store.rows(comodel.spec, every)
        visible = comodel.sudo()._apply_rules(rows, []) if self.env.context.get("active_test", True) else rows
        position = {row["id"]: n for n, row in enumerate(comodel._sort(list(visible.values()), None))}
        return {i: sorted((t for t in targets if t in position), key=position.__getitem__)
                for i, targets in links.items()}

    def _delegation(self: Model, name: str) -> tuple[str, str] | None:
        """(link field, parent model) when ``name`` is read/written through ``_inherits``."""
        field = self.spec.fields.get(name)
        if field is None or field.store:
            return None
        for parent, link in self.hooks.inherits.items():
            parent_spec = self.env.profile.schema.get(parent)
            if parent_spec and name in parent_spec.fields and name not in ("id", "display_name"):
                return link, parent
        return None
