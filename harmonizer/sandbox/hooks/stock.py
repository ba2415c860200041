"""Inventory: locations, picking types, routes, rules and warehouses.

- stock.location's display name is its ``complete_name`` ("WH/Stock"): parent path + name,
  except for view locations, which show their own name.
- 18.0+: a picking type's ``default_location_src_id``/``default_location_dest_id`` are
  required and computed on create when left out: the source is the vendors location for
  receipts, else the warehouse's stock; the destination the customers location for
  deliveries, else the warehouse's stock. A type without a warehouse cannot derive them
  (UserError). Up to 17.0 (not required there) they stay as given.
- Archiving a route with ``action_archive``/``action_unarchive`` (its ``toggle_active``)
  cascades to its rules; ``write({'active': ...})`` does not.
- Creating a warehouse creates, as Odoo does, its view location (named after the code, so a
  missing code fails on stock.location.name), sub-locations, operation types, routes and
  rules (see ``warehouse.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.exceptions import UserError
from harmonizer.sandbox.hooks.base import Method, ModelHooks, Row, Vals
from harmonizer.sandbox.hooks.warehouse import Warehouse, _xmlid

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env
    from harmonizer.sandbox.orm.model import Model


class Location(ModelHooks):
    model = "stock.location"
    order = "complete_name, id"
    parent_name = "location_id"
    company_default = True

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"usage": "internal"}

    display_columns = ("complete_name", "name")

    def display_name(self, env: Env, row: Row) -> str:
        return row.get("complete_name") or row.get("name") or ""

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        refresh_complete_names(env, [rec_id])

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        if {"name", "location_id", "usage"} & set(vals):
            model = env["stock.location"].sudo()
            refresh_complete_names(env, sorted(model._descendants(ids)))


def refresh_complete_names(env: Env, ids: list[int]) -> None:
    spec = env.spec("stock.location")
    pending = list(ids)
    while pending:  # parents first: ids of children are larger in practice, recompute until stable
        rec_id = pending.pop(0)
        row = env.store.rows(spec, [rec_id]).get(rec_id)
        if row is None:
            continue
        parent = env.store.rows(spec, [row["location_id"]]).get(row["location_id"]) if row.get("location_id") else None
        name = row.get("name") or ""
        complete = f"{parent.get('complete_name')}/{name}" if parent and row.get("usage") != "view" else name
        env.store.update(spec, [rec_id], {"complete_name": complete})
    env.invalidate()


class PickingType(ModelHooks):
    model = "stock.picking.type"
    order = "sequence, id"
    company_default = True

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"create_backorder": "ask", "reservation_method": "at_confirm", "sequence": 1}

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        fields = env.spec(self.model).fields
        for name, partner, code in (("default_location_src_id", "stock_location_suppliers", "incoming"),
                                    ("default_location_dest_id", "stock_location_customers", "outgoing")):
            if not getattr(fields.get(name), "required", False) or vals.get(name):
                continue  # the version profile's schema: required (and computed) from 18.0 on
            if vals.get("code") == code:
                vals[name] = _xmlid(env, "stock", partner)
                continue
            warehouse = vals.get("warehouse_id")
            if not warehouse:
                company = vals.get("company_id") or env.company_id
                label = env.display_names("res.company", [company]).get(company, "")
                raise UserError(f"Please create a warehouse for company {label}.")
            row = env.store.rows(env.spec("stock.warehouse"), [warehouse]).get(warehouse) or {}
            vals[name] = row.get("lot_stock_id")
        return vals

    def search_field(self, env: Env, field: str, operator: str, value: Any) -> list[Any] | None:
        # Odoo 17 ignores a display_name leaf here too (a real 17.0 returns every type)
        return [("id", ">", 0)] if field == "display_name" else None

    display_columns = ("warehouse_id", "name")

    def display_name(self, env: Env, row: Row) -> str:
        warehouse = row.get("warehouse_id")
        if warehouse:
            wh_name = env.display_names("stock.warehouse", [warehouse]).get(warehouse, "")
            return f"{wh_name}: {row.get('name') or ''}"
        return row.get("name") or ""


class Picking(ModelHooks):
    model = "stock.picking"

    def search_field(self, env: Env, field: str, operator: str, value: Any) -> list[Any] | None:
        # picking_type_code is related to picking_type_id.code: Odoo searches it through the path
        return [("picking_type_id.code", operator, value)] if field == "picking_type_code" else None


class Route(ModelHooks):
    model = "stock.route"
    order = "sequence, id"
    company_default = True

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"sequence": 0, "product_selectable": True}

    def methods(self) -> dict[str, Method]:
        return {"toggle_active": route_toggle_active}


def route_toggle_active(model: Model, ids: Any) -> None:
    """stock.route's toggle_active: flips the routes and puts their rules in the same state."""
    model.check("write")
    ids = [ids] if isinstance(ids, int) else list(ids)
    rules = model.env["stock.rule"].with_env(active_test=False)
    for rec_id, row in model.env.store.rows(model.spec, ids).items():
        active = not row.get("active")
        model._write([rec_id], {"active": active})
        rule_ids = rules._search([("route_id", "=", rec_id), ("active", "=", not active)])
        if rule_ids:
            rules._write(rule_ids, {"active": active})


class Rule(ModelHooks):
    model = "stock.rule"
    order = "sequence, id"
    company_default = True

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"procure_method": "make_to_stock", "auto": "manual", "sequence": 20,
                "group_propagation_option": "propagate", "action": "pull"}

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        route = vals.get("route_id")
        if route and "company_id" not in vals and isinstance(route, int):
            row = env.store.rows(env.spec("stock.route"), [route]).get(route)
            if row is not None and row.get("company_id"):
                vals["company_id"] = row["company_id"]
        return vals


class Orderpoint(ModelHooks):
    model = "stock.warehouse.orderpoint"
    order = "location_id, company_id, id"
    company_default = True

    def defaults(self, env: Env) -> dict[str, Any]:
        # Odoo names a reordering rule from the stock.orderpoint sequence: OP/00001, OP/00002...
        return {"name": _next_orderpoint_name, "trigger": "auto", "qty_multiple": 1.0, "active": True}


def _next_orderpoint_name(env: Env) -> str:
    spec = env.spec("stock.warehouse.orderpoint")
    return f"OP/{env.store.max_id(spec) + 1:05d}"


HOOKS: list[ModelHooks] = [Location(), PickingType(), Picking(), Route(), Rule(), Orderpoint(), Warehouse()]
