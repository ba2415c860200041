"""res.company, res.config.settings (purchase approval), delivery, product and misc models.

The settings wizard maps ``po_order_approval`` (bool) to res.company.po_double_validation
(two_step/one_step) and ``lock_confirmed_po`` (bool) to po_lock (lock/edit); its initial
values come from the current company and ``execute`` writes them back, answering
``{"type": "ir.actions.client", "tag": "reload"}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from harmonizer.sandbox.exceptions import UserError
from harmonizer.sandbox.hooks.base import Method, ModelHooks, Row, Vals

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env
    from harmonizer.sandbox.orm.model import Model

#: Company fields the settings wizard shows directly (related fields).
RELATED = ("po_double_validation_amount", "po_lead", "security_lead", "days_to_purchase")


class Company(ModelHooks):
    model = "res.company"
    order = "sequence, name"

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"po_double_validation": "one_step", "po_double_validation_amount": 5000.0, "po_lock": "edit",
                "sequence": 10, "fiscalyear_last_day": 31, "fiscalyear_last_month": "12",
                "layout_background": "Blank", "account_opening_date": lambda e: e.now[:4] + "-01-01"}

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        if not vals.get("partner_id") and vals.get("name"):
            vals["partner_id"] = env.sudo()["res.partner"]._create({"name": vals["name"], "is_company": True})
        return vals


class ConfigSettings(ModelHooks):
    model = "res.config.settings"

    def defaults(self, env: Env) -> dict[str, Any]:
        # show_line_subtotals_tax_selection is required in 16.0 only (unknown defaults are ignored)
        return {"company_id": lambda e: e.company_id, "default_picking_policy": "direct",
                "show_line_subtotals_tax_selection": "tax_excluded"}

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        company = _company(env)
        initial: Vals = {"po_order_approval": company.get("po_double_validation") == "two_step",
                         "lock_confirmed_po": company.get("po_lock") == "lock"}
        for name in RELATED:
            if name in env.spec(self.model).fields:
                initial[name] = company.get(name) or 0.0
        return {**initial, **vals}

    def methods(self) -> dict[str, Method]:
        return {"execute": settings_execute, "default_get": settings_default_get}


def _company(env: Env) -> Row:
    company = env.company_id or 0
    return env.store.rows(env.spec("res.company"), [company]).get(company, {})


def settings_execute(model: Model, ids: Any) -> dict[str, Any]:
    model.check("write")
    ids = [ids] if isinstance(ids, int) else list(ids)
    for row in model.env.store.rows(model.spec, ids[:1]).values():
        vals: Vals = {"po_double_validation": "two_step" if row.get("po_order_approval") else "one_step",
                      "po_lock": "lock" if row.get("lock_confirmed_po") else "edit"}
        for name in RELATED:
            if name in model.spec.fields and row.get(name) is not None:
                vals[name] = row[name]
        model.env.sudo()["res.company"]._write([row.get("company_id") or model.env.company_id], vals)
    return {"type": "ir.actions.client", "tag": "reload"}


def settings_default_get(model: Model, *args: Any, **kwargs: Any) -> dict[str, Any]:
    from harmonizer.sandbox.orm.model import default_get_names

    fields_list = default_get_names(model, args, kwargs)
    if model.env.profile.settings_default_get_strict:
        # 19.0 looks every asked name up in the wizard's fields: a removed one is a KeyError
        unknown = [name for name in fields_list if name not in model.spec.fields]
        if unknown:
            raise KeyError(unknown[0])
    company = _company(model.env)
    known = {"po_order_approval": company.get("po_double_validation") == "two_step",
             "lock_confirmed_po": company.get("po_lock") == "lock", "use_po_lead": False,
             "use_security_lead": False, "group_stock_multi_locations": False,
             "group_stock_adv_location": False, "module_delivery": True}
    out = {name: known[name] for name in fields_list if name in known}
    # Odoo answers these whatever was asked (defaults of other settings modules; the profile's
    # settings_default_extras: portal_allow_api_keys, and auth_totp_enforce from 19.0)
    out.update(model.env.profile.settings_default_extras)
    sale = model.env["ir.module.module"].sudo()._search([("name", "=", "sale"), ("state", "=", "installed")])
    out["is_installed_sale"] = sale[0] if sale else False
    return out


class Carrier(ModelHooks):
    model = "delivery.carrier"
    order = "sequence, id"

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"delivery_type": "fixed", "invoice_policy": "estimated", "integration_level": "rate_and_ship",
                "sequence": 10, "margin": 0.0}

    def check(self, env: Env, ids: list[int]) -> None:
        for row in env.store.rows(env.spec(self.model), ids).values():
            if (row.get("margin") or 0) < -1:
                raise_check("Margin cannot be lower than -100%")

    def compute(self, env: Env, field: str, rows: list[Row]) -> list[Any] | None:
        return None


def raise_check(message: str) -> None:
    from harmonizer.sandbox.orm.errors import constraint_error

    raise constraint_error(message)


class PriceRule(ModelHooks):
    model = "delivery.price.rule"
    order = "sequence, list_price, id"
    rec_name = None

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"sequence": 10, "variable": "quantity", "operator": "<=", "variable_factor": "weight",
                "max_value": 0.0, "list_base_price": 0.0, "list_price": 0.0}

    display_columns = ("variable", "operator", "max_value")

    def display_name(self, env: Env, row: Row) -> str:
        return f"if {row.get('variable')} {row.get('operator')} {row.get('max_value')} then fixed price"


class ProductCategory(ModelHooks):
    model = "product.category"
    order = "complete_name"

    display_columns = ("complete_name", "name")

    def display_name(self, env: Env, row: Row) -> str:
        return row.get("complete_name") or row.get("name") or ""

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        _category_names(env)

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        _category_names(env)

    def before_unlink(self, env: Env, ids: list[int]) -> None:
        data = env["ir.model.data"].sudo()
        protected = data._search([("module", "=", "product"), ("name", "=", "product_category_all")])
        default = {r["res_id"] for r in data._read(protected, ["res_id"])}
        if not default:  # no xmlid (e.g. rows loaded from a dump): the root category named "All"
            spec = env.spec(self.model)
            default = {i for i, r in env.store.rows(spec).items() if r.get("name") == "All" and not r.get("parent_id")}
        if default & set(ids):
            raise UserError("You cannot delete this product category, it is the default generic category.")


def _category_names(env: Env) -> None:
    spec = env.spec("product.category")
    rows = env.store.rows(spec)

    def full(row: Row, depth: int = 0) -> str:
        parent = rows.get(row.get("parent_id") or 0)
        return f"{full(parent, depth + 1)} / {row.get('name')}" if parent and depth < 20 else str(row.get("name"))
    for rec_id, row in rows.items():
        env.store.update(spec, [rec_id], {"complete_name": full(row)})
    env.invalidate()


class SimpleOrder(ModelHooks):
    def __init__(self, model: str, order: str, rec_name: str | None = "name") -> None:
        self.model_name = model
        self.order_spec = order
        self.rec = rec_name

    @property
    def model(self) -> str:  # type: ignore[override]
        return self.model_name

    @property
    def order(self) -> str:  # type: ignore[override]
        return self.order_spec

    @property
    def rec_name(self) -> str | None:  # type: ignore[override]
        return self.rec


HOOKS: list[ModelHooks] = [
    Company(), ConfigSettings(), Carrier(), PriceRule(), ProductCategory(),
    SimpleOrder("res.country", "name"), SimpleOrder("res.country.state", "code"),
    SimpleOrder("res.currency", "active desc, name"),
    SimpleOrder("res.partner.category", "name"), SimpleOrder("mail.activity.type", "sequence, id"),
SimpleOrder("product.supplierinfo",
                                                                        "sequence, min_qty desc, price, id", None),
    SimpleOrder("sale.order", "date_order desc, id desc"), SimpleOrder("purchase.order", "priority desc, id desc"),
    SimpleOrder("account.move", "date desc, name desc, id desc"), SimpleOrder("uom.uom", "name"),
]


class Product(ModelHooks):
    model = "product.product"
    order = "default_code, id"
    inherits: ClassVar[dict[str, str]] = {"product.template": "product_tmpl_id"}

    display_columns = ("product_tmpl_id", "default_code")

    def display_name(self, env: Env, row: Row) -> str:
        # "[code] <template name>": the template's own name, not its display name (which
        # carries the code already)
        template = row.get("product_tmpl_id")
        rows = env.store.rows(env.spec("product.template"), [template]) if template else {}
        name = str(rows.get(template, {}).get("name") or "")
        return f"[{row['default_code']}] {name}" if row.get("default_code") else name


class ProductTemplate(ModelHooks):
    model = "product.template"
    order = "priority desc, name"

    def defaults(self, env: Env) -> dict[str, Any]:
        unit = _xmlid_res(env, "uom", "product_uom_unit")
        return {"detailed_type": "consu", "type": "consu", "tracking": "none", "sale_line_warn": "no-message",
                "purchase_line_warn": "no-message", "uom_id": unit, "uom_po_id": unit, "sale_ok": True,
                "purchase_ok": True, "categ_id": lambda e: _xmlid_res(e, "product", "product_category_all")}


def _xmlid_res(env: Env, module: str, name: str) -> int | None:
    return env.xmlid_res_id(module, name)


HOOKS.append(Product())
HOOKS.append(ProductTemplate())
