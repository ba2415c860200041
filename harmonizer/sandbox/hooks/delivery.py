"""Display names the delivery and replenishment kinds match on, as Odoo 17 shows them.

- res.country.state: "<name> (<country code>)" ("Nevada (US)"); Odoo orders states by code.
- product.template: "[<internal reference>] <name>" when it has one, like its variant.
- delivery.zip.prefix: stored in upper case on create and write, unique in the database
  ("Prefix already exists!").
A search leaf on ``display_name`` (not stored, no search method in 17) is ignored by
Odoo 17, which then returns every record the rest of the domain allows (checked on a real
17.0: ``display_name = 'Nevada (US)'`` finds all 1748 states); ``ignore_display_name``
gives these models that behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from harmonizer.sandbox.hooks.base import ModelHooks, Row, Vals
from harmonizer.sandbox.hooks.company import ProductTemplate

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env


def ignore_display_name(field: str) -> list[Any] | None:
    """``search_field`` of a model whose display name Odoo 17 cannot search: match all."""
    return [("id", ">", 0)] if field == "display_name" else None


class CountryState(ModelHooks):
    model = "res.country.state"
    order = "code"

    def search_field(self, env: Env, field: str, operator: str, value: Any) -> list[Any] | None:
        return ignore_display_name(field)

    display_columns = ("country_id", "name")

    def display_name(self, env: Env, row: Row) -> str:
        country = row.get("country_id")
        codes = env.sudo()["res.country"]._read([country], ["code"]) if country else []
        code = codes[0].get("code") if codes else None
        return f"{row.get('name') or ''} ({code})" if code else str(row.get("name") or "")


class ProductTemplateDisplay(ProductTemplate):
    display_columns = ("name", "default_code")

    def display_name(self, env: Env, row: Row) -> str:
        name = str(row.get("name") or "")
        code = row.get("default_code") or _single_variant_code(env, row["id"])
        return f"[{code}] {name}" if code else name


def _single_variant_code(env: Env, template_id: int) -> str | None:
    """Odoo 17 stores a template's internal reference from its variant when it has only one."""
    variants = env.sudo()["product.product"].with_env(active_test=False)
    rows = variants._read(variants._search([("product_tmpl_id", "=", template_id)]), ["default_code"])
    return rows[0].get("default_code") or None if len(rows) == 1 else None


class ZipPrefix(ModelHooks):
    model = "delivery.zip.prefix"
    order = "name, id"
    unique: ClassVar[list[tuple[tuple[str, ...], str]]] = [(("name",), "Prefix already exists!")]

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        return _upper_name(vals)

    def prepare_write(self, env: Env, ids: list[int], vals: Vals) -> Vals:
        return _upper_name(vals)


def _upper_name(vals: Vals) -> Vals:
    if isinstance(vals.get("name"), str):
        vals["name"] = vals["name"].upper()
    return vals


HOOKS: list[ModelHooks] = [CountryState(), ProductTemplateDisplay(), ZipPrefix()]
