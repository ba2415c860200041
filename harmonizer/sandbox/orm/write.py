"""Writing: ``create``, ``write``, ``unlink`` and x2many commands.

Order of a create, as in Odoo: hooks adjust the values, unknown fields raise, defaults
fill the gaps, ``_inherits`` parents are created first, columns are converted and checked
(NOT NULL -> the "mandatory field" ValidationError), the row is inserted, x2many commands
run, stored copies through relations follow (``copies.py``), then uniqueness and Python
constraints. Any failure rolls the whole call back.
x2many commands: 0 create, 1 update, 2 delete, 3 unlink, 4 link, 5 clear, 6 replace; a plain
list of ids means (6, 0, ids). On a one2many whose inverse is required, unlinking a line
deletes it (the (6, 0, ids) trap); only lines visible under active_test are touched.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.exceptions import value_error
from harmonizer.sandbox.orm.copies import copies_of
from harmonizer.sandbox.orm.errors import constraint_error, mandatory_error, missing_error
from harmonizer.sandbox.orm.fields import to_column

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model
    from harmonizer.sandbox.schema import FieldSpec

LOG_FIELDS = ("create_uid", "create_date", "write_uid", "write_date")


class WriteMixin:
    # -- create ------------------------------------------------------------------------------
    def _create(self: Model, vals: dict[str, Any]) -> int:
        if not isinstance(vals, dict):
            raise value_error(f"Invalid values for create on {self.name}: {vals!r}")
        vals = self.hooks.prepare_create(self.env, dict(vals))
        self._check_field_names(list(vals))
        for name, value in self._defaults().items():
            if name not in vals and name in self.spec.fields:
                vals[name] = value(self.env) if callable(value) else value
        vals = self._create_parents(vals)
        columns, x2many = self._split(vals)
        for name in ("create_uid", "write_uid"):
            if name in self.spec.fields:
                columns[name] = self.env.uid
        for name in ("create_date", "write_date"):
            if name in self.spec.fields:
                columns[name] = self.env.now
        self._check_required(columns, creating=True)
        rec_id = self.env.store.insert(self.spec, columns)
        self.env.invalidate()
        for field, commands in x2many:
            self._apply_x2many(rec_id, field, commands)
        self.hooks.after_create(self.env, rec_id, vals)
        copies_of(self.env.profile.schema).after_create(self, rec_id, vals)
        self._check_constraints([rec_id])
        return rec_id

    def _defaults(self: Model, stopgap: bool = True) -> dict[str, Any]:
        """Default values for a create; ``stopgap=False`` (``default_get``) leaves out the
        profile's first-selection-key stopgap, which Odoo itself does not answer."""
        defaults: dict[str, Any] = {}
        if "active" in self.spec.fields and self.spec.fields["active"].store:
            defaults["active"] = True
        if self.hooks.company_default and "company_id" in self.spec.fields:
            defaults["company_id"] = lambda env: env.company_id
        defaults.update(self.hooks.defaults(self.env))
        if stopgap and self.env.profile.default_first_selection:
            for field in self.spec.column_fields:
                if field.type == "selection" and field.required and field.selection and field.name not in defaults:
                    defaults[field.name] = field.selection_keys[0]
        return defaults

    def _create_parents(self: Model, vals: dict[str, Any]) -> dict[str, Any]:
        """``_inherits``: values of delegated fields create the parent record first."""
        for parent, link in self.hooks.inherits.items():
            parent_vals = {n: vals.pop(n) for n in list(vals) if self._delegation(n) == (link, parent)}
            if not vals.get(link):
                vals[link] = self.env[parent].sudo()._create(parent_vals)
            elif parent_vals:
                self.env[parent].sudo()._write([vals[link]], parent_vals)
        return vals

    def _split(self: Model, vals: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[FieldSpec, Any]]]:
        columns: dict[str, Any] = {}
        x2many: list[tuple[FieldSpec, Any]] = []
        for name, value in vals.items():
            field = self.spec.fields[name]
            if field.is_x2many:
                if field.store:
                    x2many.append((field, value))
            elif field.has_column and name != "id":
                columns[name] = to_column(self.env, self.spec, field, value)
        return columns, x2many

    def _check_required(self: Model, columns: dict[str, Any], creating: bool) -> None:
        for field in self.spec.column_fields:
            if not field.required or field.type in ("boolean", "integer", "float", "monetary"):
                continue
            if creating and (self.name, field.name) in self.env.profile.computed_required:
                continue  # Odoo computes it on create (see VersionProfile.computed_required)
            if (creating or field.name in columns) and columns.get(field.name) is None:
                raise mandatory_error(self.env, self.name, field.name)

    # -- write -------------------------------------------------------------------------------
    def _write(self: Model, ids: list[int], vals: dict[str, Any]) -> bool:
        if not isinstance(vals, dict):
            raise value_error(f"Invalid values for write on {self.name}: {vals!r}")
        self._check_field_names(list(vals))
        written = dict(vals)
        ids = [i for i in dict.fromkeys(ids)]
        existing = self.env.store.existing(self.spec, ids)
        missing = [i for i in ids if i not in existing]
        if missing and self.name not in self.env.profile.write_missing_ok:
            self.hooks.write_missing(self.env, missing)
            raise missing_error(self.env, self.name, missing)
        ids = [i for i in ids if i in existing]
        vals = self.hooks.prepare_write(self.env, ids, dict(vals))
        if not ids:
            return True
        for parent, link in self.hooks.inherits.items():
            parent_vals = {n: vals.pop(n) for n in list(vals) if self._delegation(n) == (link, parent)}
            if parent_vals:
                rows = self.env.store.rows(self.spec, ids)
                parent_ids = [r[link] for r in rows.values() if r.get(link)]
                self.env[parent].sudo()._write(parent_ids, parent_vals)
        columns, x2many = self._split(vals)
        for name in LOG_FIELDS[2:]:
            if name in self.spec.fields:
                columns[name] = self.env.uid if name == "write_uid" else self.env.now
        self._check_required(columns, creating=False)
        self.env.store.update(self.spec, ids, columns)
        self.env.invalidate()
        for rec_id in ids:
            for field, commands in x2many:
                self._apply_x2many(rec_id, field, commands)
        self.hooks.after_write(self.env, ids, vals)
        copies_of(self.env.profile.schema).after_write(self, ids, written)
        self._check_constraints(ids)
        return True

    # -- unlink ------------------------------------------------------------------------------
    def _unlink(self: Model, ids: list[int]) -> bool:
        ids = [i for i in dict.fromkeys(ids)]
        existing = self.env.store.existing(self.spec, ids)
        missing = [i for i in ids if i not in existing]
        if missing and self.name not in self.env.profile.unlink_missing_ok:
            raise missing_error(self.env, self.name, missing)
        ids = [i for i in ids if i in existing]
        if not ids:
            return True
        self.hooks.before_unlink(self.env, ids)
        self._delete(ids)
        return True

    def _delete(self: Model, ids: list[int]) -> None:
        """Delete rows; required many2ones pointing at them cascade, others are set to NULL."""
        if not ids:
            return
        store = self.env.store
        store.delete(self.spec, ids)
        store.drop_links_of(self.spec, ids)
        if self.name != "ir.model.data" and "ir.model.data" in self.env:
            # As Odoo's unlink does: the records' external IDs go with them.
            imd = self.env.spec("ir.model.data")
            xmlids = [r["id"] for r in store.find(imd, "res_id", ids) if r.get("model") == self.name]
            if xmlids:
                store.delete(imd, xmlids)
        for other, field in self.env.profile.schema.many2ones_to(self.name):
            dependants = [r["id"] for r in store.find(other, field.name, ids)]
            if not dependants:
                continue
            if field.required:
                self.env[other.name].sudo()._delete(dependants)
            else:
                store.update(other, dependants, {field.name: None})
        self.env.invalidate()

    # -- x2many commands ---------------------------------------------------------------------
    def _apply_x2many(self: Model, rec_id: int, field: FieldSpec, commands: Any) -> None:
        comodel = self.env[field.relation or ""]
        if commands is False or commands is None:
            commands = [(5,)]
        if not isinstance(commands, list | tuple):
            raise value_error(f"Wrong value for {self.name}.{field.name}: {commands!r}")
        if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
            commands = [(6, 0, list(commands))]
        for command in commands:
            if not isinstance(command, list | tuple) or not command:
                raise value_error(f"Wrong value for {self.name}.{field.name}: {commands!r}")
            code = command[0]
            target = command[1] if len(command) > 1 else 0
            vals = command[2] if len(command) > 2 else None
            if code == 0:
                self._x2many_create(rec_id, field, comodel, vals or {})
            elif code == 1:
                comodel._write([target], vals or {})
            elif code == 2:
                comodel._unlink([target])
            elif code == 3:
                self._x2many_remove(rec_id, field, comodel, [target])
            elif code == 4:
                self._x2many_add(rec_id, field, [target])
            elif code == 5:
                current = self._x2many_ids(field, [rec_id])[rec_id]
                self._x2many_remove(rec_id, field, comodel, current)
            elif code == 6:
                wanted = [i for i in (vals or []) if isinstance(i, int)]
                current = self._x2many_ids(field, [rec_id])[rec_id]
                self._x2many_remove(rec_id, field, comodel, [i for i in current if i not in wanted])
                self._x2many_add(rec_id, field, wanted)
            else:
                raise value_error(f"Unknown x2many command {code!r} for {self.name}.{field.name}")
        self.env.invalidate()

    def _x2many_create(self: Model, rec_id: int, field: FieldSpec, comodel: Model, vals: dict[str, Any]) -> None:
        if field.type == "one2many":
            comodel._create({**vals, (field.relation_field or ""): rec_id})
        else:
            self._x2many_add(rec_id, field, [comodel._create(vals)])

    def _x2many_add(self: Model, rec_id: int, field: FieldSpec, targets: list[int]) -> None:
        comodel = self.env[field.relation or ""]
        existing = self.env.store.existing(comodel.spec, targets)
        absent = [t for t in targets if t not in existing]
        if absent:
            raise missing_error(self.env, comodel.name, absent)
        if field.type == "many2many":
            self.env.store.link(self.spec, field, rec_id, targets)
        elif targets:
            comodel._write(targets, {field.relation_field or "": rec_id})

    def _x2many_remove(self: Model, rec_id: int, field: FieldSpec, comodel: Model, targets: list[int]) -> None:
        if not targets:
            return
        if field.type == "many2many":
            self.env.store.unlink_links(self.spec, field, rec_id, targets)
            return
        inverse = comodel.spec.fields.get(field.relation_field or "")
        if inverse is not None and inverse.required:
            comodel._unlink(targets)  # cascade: the line cannot live without its parent
        elif inverse is not None:
            comodel._write(targets, {inverse.name: False})

    # -- constraints -------------------------------------------------------------------------
    def _check_constraints(self: Model, ids: list[int]) -> None:
        if self.hooks.unique:
            store = self.env.store
            mine = store.rows(self.spec, ids)
            checked = set(ids)
            for names, message in self.hooks.unique:
                # The rows holding each checked key (NULLs never collide in a UNIQUE index), by
                # id: the first collision is reported as a walk over them in id order meets it
                # (a row whose key an earlier row holds, one of the two being checked).
                first: tuple[int, tuple[Any, ...]] | None = None
                for key in dict.fromkeys(tuple(row.get(n) for n in names) for row in mine.values()):
                    if any(k is None for k in key):
                        continue
                    holders = store.ids_equal(self.spec, names, key)
                    for before, rec_id in pairwise(holders):
                        if rec_id in checked or before in checked:
                            if first is None or rec_id < first[0]:
                                first = (rec_id, key)
                            break
                if first is not None:
                    raise constraint_error(message.format(*first[1]))
        self.hooks.check(self.env, ids)
