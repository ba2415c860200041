"""Technical models: ir.config_parameter, ir.model.data, ir.model*, ir.module.module, res.users, res.partner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from harmonizer.sandbox.exceptions import UserError
from harmonizer.sandbox.hooks.base import Method, ModelHooks, Row, Vals
from harmonizer.sandbox.hooks.users import users_after_change, users_compute

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env
    from harmonizer.sandbox.orm.model import Model


class ConfigParameter(ModelHooks):
    model = "ir.config_parameter"
    order = "key"
    rec_name = "key"
    write_missing_ok = True  # observed: write on a deleted id returns True
    unique: ClassVar[list[tuple[tuple[str, ...], str]]] = [(("key",), "Key must be unique.")]


class ModelData(ModelHooks):
    model = "ir.model.data"
    order = "module, name"
    rec_name = None
    unique: ClassVar[list[tuple[tuple[str, ...], str]]] = [(("module", "name"),
               'duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\n'
               "DETAIL:  Key (module, name)=({}, {}) already exists.\n")]

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"noupdate": False}

    display_columns = ("module", "name")

    def display_name(self, env: Env, row: Row) -> str:
        return f"{row.get('module')}.{row.get('name')}"

    def compute(self, env: Env, field: str, rows: list[Row]) -> list[Any] | None:
        if field in ("complete_name", "display_name"):
            return [self.display_name(env, row) for row in rows]
        return None


class IrModel(ModelHooks):
    model = "ir.model"
    order = "model"


class IrModelFields(ModelHooks):
    model = "ir.model.fields"
    order = "name"
    rec_name = "field_description"


class IrModelFieldsSelection(ModelHooks):
    model = "ir.model.fields.selection"
    order = "sequence, id"


class ModuleModule(ModelHooks):
    model = "ir.module.module"
    order = "name"
    rec_name = "shortdesc"


class Users(ModelHooks):
    model = "res.users"
    order = "login"
    inherits: ClassVar[dict[str, str]] = {"res.partner": "partner_id"}

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"company_id": lambda e: e.company_id, "notification_type": "email"}

    display_columns = ("partner_id", "login")

    def display_name(self, env: Env, row: Row) -> str:
        partner = row.get("partner_id")
        names = env.display_names("res.partner", [partner]) if partner else {}
        return names.get(partner, row.get("login") or "")

    def methods(self) -> dict[str, Method]:
        return {"context_get": context_get}

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        users_after_change(env, [rec_id], vals)

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        users_after_change(env, ids, vals)

    def compute(self, env: Env, field: str, rows: list[Row]) -> list[Any] | None:
        found = users_compute(env, field, rows)
        return found if found is not None else super().compute(env, field, rows)

    def before_unlink(self, env: Env, ids: list[int]) -> None:
        # base.user_admin (the stand-in's "admin" login) cannot be deleted, only archived
        rows = env.store.rows(env.spec(self.model), ids)
        if any(row.get("login") == "admin" for row in rows.values()):
            raise UserError("You cannot delete the admin user because it is utilized in various places "
                            "(such as security configurations,...). Instead, archive it.")


def context_get(model: Model) -> dict[str, Any]:
    """res.users.context_get (model-level): the current user's language and timezone."""
    partner = model.env.user_row() or {}
    rows = model.env.store.rows(model.env.spec("res.partner"), [partner.get("partner_id") or 0])
    row = rows.get(partner.get("partner_id") or 0, {})
    return {"lang": row.get("lang") or "en_US", "tz": row.get("tz") or False, "uid": model.env.uid}


class Partner(ModelHooks):
    model = "res.partner"
    order = "complete_name, id desc"

    def defaults(self, env: Env) -> dict[str, Any]:
        # autopost_bills exists (required) from 18.0 on; unknown defaults are ignored
        return {"type": "contact", "lang": "en_US", "autopost_bills": "ask"}

    display_columns = ("name", "parent_id", "is_company")

    def display_name(self, env: Env, row: Row) -> str:
        name = row.get("name") or ""
        parent = row.get("parent_id")
        if parent and not row.get("is_company"):
            parent_name = env.display_names("res.partner", [parent]).get(parent, "")
            if not name:
                return parent_name
            return f"{parent_name}, {name}"
        return name

    def search_field(self, env: Env, field: str, operator: str, value: Any) -> list[Any] | None:
        # Odoo searches credit/debit on the partners' open receivable/payable journal items;
        # the stand-in keeps none, so no partner matches (as on a database without any).
        return [("id", "in", [])] if field in ("credit", "debit") else None

    def after_create(self, env: Env, rec_id: int, vals: dict[str, Any]) -> None:
        _store_complete_name(env, [rec_id])

    def after_write(self, env: Env, ids: list[int], vals: dict[str, Any]) -> None:
        if {"name", "parent_id", "is_company"} & set(vals):
            _store_complete_name(env, ids)


def _store_complete_name(env: Env, ids: list[int]) -> None:
    """The stored full name: ``complete_name`` (17.0+) or the stored ``display_name`` (16.0)."""
    spec = env.spec("res.partner")
    column = next((name for name in ("complete_name", "display_name")
                   if name in spec.fields and spec.fields[name].store), None)
    if column is None:
        return
    env.invalidate()
    for rec_id, row in env.store.rows(spec, ids).items():
        env.store.update(spec, [rec_id], {column: Partner().display_name(env, row)})
    env.invalidate()


HOOKS: list[ModelHooks] = [ConfigParameter(), ModelData(), IrModel(), IrModelFields(), IrModelFieldsSelection(),
                           ModuleModule(), Users(), Partner()]
