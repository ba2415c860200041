"""Reordering rules (stock.warehouse.orderpoint): owned, per warehouse.

The replenishment signal of one product at one location: min, max, multiple, the route
that replenishes it and the trigger (auto: the scheduler orders; manual: it only shows in
the replenishment report). Products are named by internal reference (``default_code``),
locations by complete name ("WH1/Stock"). Odoo allows one rule per product, location and
company: a second one for the same triple is refused at apply.

Per version (``field_maps(major)``): Odoo 19.0 removed ``qty_multiple``; its "Multiple" is
now a unit of measure (``replenishment_uom_id``, e.g. a pack UoM), which harmonizer does
not manage. On 19.0 the ``multiple`` key is not managed (not read, compared or written).
16.0-18.0 share one mapping.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import OdooName, RecordRef, ResourceRef
from harmonizer.kinds.route import written_only
from harmonizer.kinds.values import Boolean, Float, Selection
from harmonizer.model import Level, Resource


class OrderpointBody(Body):
    product: OdooName
    location: OdooName
    warehouse: str
    company: str
    min_qty: float = Field(ge=0)
    max_qty: float = Field(ge=0)
    multiple: float = Field(default=1, ge=0)
    route: str | None = None
    odoo_route: OdooName | None = None
    trigger: Literal["auto", "manual"] = "auto"
    active: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> OrderpointBody:
        if self.max_qty < self.min_qty:
            raise ValueError("max_qty must not be below min_qty")
        if self.route and self.odoo_route:
            raise ValueError("name at most one of 'route' (a stock_route resource) or 'odoo_route'")
        return self


class Orderpoint(Kind):
    key: ClassVar[str] = "reorder_rule"
    model: ClassVar[str] = "stock.warehouse.orderpoint"
    level: ClassVar[Level] = Level.WAREHOUSE
    body_model = OrderpointBody
    area = "replenishment"
    title = "Reordering rule"

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        return written_only(self, resource)

    def field_maps(self, major: int) -> list[FieldMap]:
        maps = [
            FieldMap("product", "product_id", RecordRef("product.product", "default_code")),
            FieldMap("location", "location_id", RecordRef("stock.location", "complete_name")),
            FieldMap("warehouse", "warehouse_id", RecordRef("stock.warehouse", "code")),
            FieldMap("company", "company_id", RecordRef("res.company", "name")),
            FieldMap("min_qty", "product_min_qty", Float(2)),
            FieldMap("max_qty", "product_max_qty", Float(2)),
            FieldMap("multiple", "qty_multiple", Float(2)),
            FieldMap("route", "route_id", ResourceRef("stock_route", "stock.route")),
            FieldMap("odoo_route", "route_id", RecordRef("stock.route", "name")),
            FieldMap("trigger", "trigger", Selection()),
            FieldMap("active", "active", Boolean()),
        ]
        return [m for m in maps if m.key != "multiple"] if major >= 19 else maps
