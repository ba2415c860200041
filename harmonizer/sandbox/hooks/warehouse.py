"""stock.warehouse: creation of its locations, operation types, routes and rules, and step changes.

What a new warehouse gets (as Odoo 17 creates it; names derive from code and name):
a view location ``CODE`` under "Physical Locations", ``CODE/Stock`` (active) and Input,
Quality Control, Output, Packing Zone (archived until the steps need them); operation types
Receipts, Delivery Orders, Pick, Pack, Internal Transfers; routes "<name>: Receive in 1 step
(stock)", "<name>: Deliver in 1 step (ship)" and "<name>: Cross-Dock" (archived; not on 19.0, whose
warehouse has no ``crossdock_route_id``); rules on
those routes plus an MTO rule on "Replenish on Order (MTO)" and a buy rule on "Buy" when
those global routes exist. Changing reception/delivery steps renames the step routes,
(un)archives the intermediate locations and operation types and the rules that use them.
On 16.0 (its schema has ``stock.warehouse.return_type_id``) a new warehouse also gets an
active "Returns" receipt type (sequence code IN, into stock) as its ``return_type_id``; the
Receipts type returns into Delivery Orders and Delivery Orders into Returns
(``return_picking_type_id``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from harmonizer.sandbox import access
from harmonizer.sandbox.hooks.base import ModelHooks, Row, Vals

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env

RECEPTION_NAMES = {"one_step": "Receive in 1 step (stock)", "two_steps": "Receive in 2 steps (input + stock)",
                   "three_steps": "Receive in 3 steps (input + quality + stock)"}
DELIVERY_NAMES = {"ship_only": "Deliver in 1 step (ship)", "pick_ship": "Deliver in 2 steps (pick + ship)",
                  "pick_pack_ship": "Deliver in 3 steps (pick + pack + ship)"}
#: Sub-locations: (field on the warehouse, name, active when created).
SUB_LOCATIONS = (("lot_stock_id", "Stock", True), ("wh_input_stock_loc_id", "Input", False),
                 ("wh_qc_stock_loc_id", "Quality Control", False), ("wh_output_stock_loc_id", "Output", False),
                 ("wh_pack_stock_loc_id", "Packing Zone", False))


def _xmlid(env: Env, module: str, name: str) -> int | None:
    return env.xmlid_res_id(module, name)


def _named(env: Env, model: str, name: str) -> int | None:
    found = env[model].sudo().with_env(active_test=False)._search([("name", "=", name)], limit=1)
    return found[0] if found else None


class Warehouse(ModelHooks):
    model = "stock.warehouse"
    order = "sequence, id"
    company_default = True
    unique: ClassVar[list[tuple[tuple[str, ...], str]]] = [
        (("name", "company_id"), "The name of the warehouse must be unique per company!"),
        (("code", "company_id"), "The short name of the warehouse must be unique per company!")]

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"reception_steps": "one_step", "delivery_steps": "ship_only", "sequence": 10,
                "buy_to_resupply": True}

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        company = vals.get("company_id") or env.company_id
        vals.setdefault("partner_id", _company_partner(env, company))
        su = env.sudo()
        locations = su["stock.location"]
        parent = _xmlid(env, "stock", "stock_location_locations") or _named(env, "stock.location", "Physical Locations")
        # the view location is named after the code: no code -> "mandatory field" on stock.location.name
        view = locations._create({"name": vals.get("code"), "usage": "view", "location_id": parent,
                                  "company_id": company})
        vals["view_location_id"] = view
        for field, name, active in SUB_LOCATIONS:
            vals[field] = locations._create({"name": name, "usage": "internal", "location_id": view,
                                             "company_id": company, "active": active})
        return vals

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        su = env.sudo()
        row = su.store.rows(su.spec(self.model), [rec_id])[rec_id]
        su["stock.location"]._write([row[f] for f, _n, _a in SUB_LOCATIONS] + [row["view_location_id"]],
                                    {"warehouse_id": rec_id} if "warehouse_id" in su.spec("stock.location").fields
                                    and su.spec("stock.location").fields["warehouse_id"].store else {})
        types = _create_picking_types(su, row)
        routes = _create_routes(su, row, types)
        su[self.model]._write([rec_id], {**types, **routes})

    def check_write_access(self, env: Env, vals: Vals) -> None:
        if "name" in vals:
            # Odoo renames the routes before writing the warehouse: their right is checked first
            access.check(env, "stock.route", "write")
        access.check(env, self.model, "write")

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        su = env.sudo()
        for row in su.store.rows(su.spec(self.model), ids).values():
            if "name" in vals or "reception_steps" in vals or "delivery_steps" in vals:
                _apply_steps(su, row)

    display_columns = ("name",)

    def display_name(self, env: Env, row: Row) -> str:
        return row.get("name") or ""


def _company_partner(env: Env, company: int | None) -> int | None:
    if not company:
        return None
    row = env.store.rows(env.spec("res.company"), [company]).get(company)
    return row.get("partner_id") if row else None


def _create_picking_types(env: Env, wh: Row) -> dict[str, int]:
    types = env["stock.picking.type"]
    code, company = wh["code"], wh["company_id"]
    stock, pack = wh["lot_stock_id"], wh["wh_pack_stock_loc_id"]
    spec = [("in_type_id", "Receipts", "incoming", "IN", True, None, stock, 1),
            ("out_type_id", "Delivery Orders", "outgoing", "OUT", True, stock, None, 5),
            ("pick_type_id", "Pick", "internal", "PICK", False, stock, pack, 3),
            ("pack_type_id", "Pack", "internal", "PACK", False, pack, pack, 4),
            ("int_type_id", "Internal Transfers", "internal", "INT", False, stock, stock, 2),
            # 16.0 only (its schema has the field): an active "Returns" receipt type into stock
            ("return_type_id", "Returns", "incoming", "IN", True, None, stock, 6)]
    out: dict[str, int] = {}
    for field, name, kind, seq_code, active, src, dest, sequence in spec:
        if field not in env.spec("stock.warehouse").fields:
            continue
        out[field] = types._create({"name": name, "code": kind, "sequence_code": seq_code, "active": active,
                                    "warehouse_id": wh["id"], "company_id": company, "sequence": sequence,
                                    "default_location_src_id": src, "default_location_dest_id": dest})
    _ = code
    if "return_type_id" in out:
        # 16.0: receipts are returned as deliveries, deliveries come back as Returns
        types._write([out["in_type_id"]], {"return_picking_type_id": out["out_type_id"]})
        types._write([out["out_type_id"]], {"return_picking_type_id": out["return_type_id"]})
    return out


def _create_routes(env: Env, wh: Row, types: dict[str, int]) -> dict[str, int]:
    routes, rules = env["stock.route"], env["stock.rule"]
    name, code, company = wh["name"], wh["code"], wh["company_id"]
    vendors = _xmlid(env, "stock", "stock_location_suppliers") or _named(env, "stock.location", "Vendors")
    customers = _xmlid(env, "stock", "stock_location_customers") or _named(env, "stock.location", "Customers")
    stock, inp, out = wh["lot_stock_id"], wh["wh_input_stock_loc_id"], wh["wh_output_stock_loc_id"]

    def route(label: str, sequence: int, active: bool = True, product: bool = False) -> int:
        return routes._create({"name": f"{name}: {label}", "sequence": sequence, "active": active,
                               "company_id": company, "product_selectable": product,
                               "warehouse_selectable": not product, "warehouse_ids": [(6, 0, [wh["id"]])]
                               if not product else []})

    def rule(label: str, route_id: int, ptype: str, src: int | None, dest: int | None, method: str,
             active: bool = True, action: str = "pull") -> int:
        return rules._create({"name": f"{code}: {label}", "route_id": route_id, "action": action,
                              "picking_type_id": types.get(ptype), "location_src_id": src,
                              "location_dest_id": dest, "procure_method": method, "warehouse_id": wh["id"],
                              "company_id": company, "active": active})

    reception = route(RECEPTION_NAMES[wh["reception_steps"]], 9)
    rule("Vendors → Stock", reception, "in_type_id", vendors, stock, "make_to_stock", active=False)
    delivery = route(DELIVERY_NAMES[wh["delivery_steps"]], 10)
    rule("Stock → Customers", delivery, "out_type_id", stock, customers, "make_to_stock")
    result = {"reception_route_id": reception, "delivery_route_id": delivery}
    if "crossdock_route_id" in env.spec("stock.warehouse").fields:  # 19.0 creates no cross-dock route
        crossdock = route("Cross-Dock", 20, active=False, product=True)
        routes._write([crossdock], {"active": False})
        rule("Input → Output", crossdock, "int_type_id", inp, out, "make_to_order")
        rule("Output → Customers", crossdock, "out_type_id", out, customers, "make_to_order")
        result["crossdock_route_id"] = crossdock
    mto = _xmlid(env, "stock", "route_warehouse0_mto") or _named(env, "stock.route", "Replenish on Order (MTO)")
    if mto:
        result["mto_pull_id"] = rule("Stock → Customers (MTO)", mto, "out_type_id", stock, customers, "mts_else_mto")
    buy = _xmlid(env, "purchase_stock", "route_warehouse0_buy") or _named(env, "stock.route", "Buy")
    if buy:
        result["buy_pull_id"] = rule("Stock (Buy)", buy, "in_type_id", None, stock, "make_to_stock", action="buy")
    return {k: v for k, v in result.items() if k in env.spec("stock.warehouse").fields}


def _apply_steps(env: Env, wh: Row) -> None:
    """Rename the step routes and (un)archive what the current steps use."""
    routes = env["stock.route"]
    if wh.get("reception_route_id"):
        routes._write([wh["reception_route_id"]], {"name": f"{wh['name']}: {RECEPTION_NAMES[wh['reception_steps']]}"})
    if wh.get("delivery_route_id"):
        routes._write([wh["delivery_route_id"]], {"name": f"{wh['name']}: {DELIVERY_NAMES[wh['delivery_steps']]}"})
    if wh.get("crossdock_route_id"):
        routes._write([wh["crossdock_route_id"]], {"name": f"{wh['name']}: Cross-Dock"})
    reception, delivery = wh["reception_steps"], wh["delivery_steps"]
    wanted = {"wh_input_stock_loc_id": reception != "one_step", "wh_qc_stock_loc_id": reception == "three_steps",
              "wh_output_stock_loc_id": delivery != "ship_only", "wh_pack_stock_loc_id": delivery == "pick_pack_ship"}
    locations = env["stock.location"]
    for field, active in wanted.items():
        if wh.get(field):
            locations._write([wh[field]], {"active": active})
    types = env["stock.picking.type"]
    for field, active in (("pick_type_id", delivery != "ship_only"), ("pack_type_id", delivery == "pick_pack_ship")):
        if wh.get(field):
            types._write([wh[field]], {"active": active})
