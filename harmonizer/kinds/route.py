"""Routes (stock.route): owned, per warehouse, with their selectability flags.

A route's rules are resources of their own (``stock_rule``), never written through the
route's ``rule_ids``: that field is a one2many, and a ``(6, 0, ids)`` on it deletes every
rule left out, including rules harmonizer does not own. Deleting an owned route lets Odoo
delete its rules with it (``route_id`` cascades), as Odoo's own UI does.

Per version (``field_maps(major)``): Odoo 16.0 has no ``shipping_selectable`` (and its
carriers have no routes to offer a route on), so on 16.0 the key is not managed (not
read, compared or written). 17.0-19.0 share one mapping (19.0's ``packaging_selectable``
-> ``package_type_selectable`` rename does not touch a managed field).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import RecordRef, RecordRefs
from harmonizer.kinds.values import Boolean, Integer, Text
from harmonizer.model import Level, Resource


def written_only(kind: Kind, resource: Resource) -> dict[str, Any]:
    """An owned body with its defaults, less the optional keys left at ``None`` (not managed)."""
    body = kind.body_model.model_validate(dict(resource.body)).model_dump(mode="json")
    return {k: v for k, v in body.items() if v is not None}


class RouteBody(Body):
    name: str
    company: str | None = None
    sequence: int = 100
    product_selectable: bool = False
    product_categ_selectable: bool = False
    warehouse_selectable: bool = False
    sale_selectable: bool = False
    #: Offered on carriers (a carrier's ``routes`` only show routes with this flag).
    shipping_selectable: bool = False
    #: Short names of the warehouses the route applies to (when warehouse selectable).
    warehouses: list[str] = Field(default_factory=list)
    active: bool = True


class Route(Kind):
    key: ClassVar[str] = "stock_route"
    model: ClassVar[str] = "stock.route"
    level: ClassVar[Level] = Level.WAREHOUSE
    body_model = RouteBody
    area = "inventory"
    title = "Route"

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        return written_only(self, resource)

    def field_maps(self, major: int) -> list[FieldMap]:
        maps = [
            FieldMap("name", "name", Text()),
            FieldMap("company", "company_id", RecordRef("res.company", "name")),
            FieldMap("sequence", "sequence", Integer()),
            FieldMap("product_selectable", "product_selectable", Boolean()),
            FieldMap("product_categ_selectable", "product_categ_selectable", Boolean()),
            FieldMap("warehouse_selectable", "warehouse_selectable", Boolean()),
            FieldMap("sale_selectable", "sale_selectable", Boolean()),
            FieldMap("shipping_selectable", "shipping_selectable", Boolean()),
            FieldMap("warehouses", "warehouse_ids", RecordRefs("stock.warehouse", "code")),
            FieldMap("active", "active", Boolean()),
        ]
        return [m for m in maps if m.key != "shipping_selectable"] if major <= 16 else maps
