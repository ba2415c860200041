"""Stock rules (stock.rule): owned records of their own, each naming its route.

Pull, push, pull-push and buy rules with their locations (by complete name, e.g.
"WH1/Stock"), operation type ("WH1: Receipts"), procurement method, delay and sequence.
The route is a harmonizer ``stock_route`` (by resource name) or, with ``odoo_route``, an
existing Odoo route by name. Rules are never written through the route's ``rule_ids``
(see ``route.py``): rules that harmonizer does not own survive every apply.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import OdooName, PickingTypeRef, RecordRef, ResourceRef
from harmonizer.kinds.route import written_only
from harmonizer.kinds.values import Boolean, Integer, Selection, Text
from harmonizer.model import Level, Resource


class RuleBody(Body):
    name: str
    route: str | None = None
    odoo_route: OdooName | None = None
    action: Literal["pull", "push", "pull_push", "buy"]
    operation_type: OdooName
    source: OdooName | None = None
    destination: OdooName
    procure_method: Literal["make_to_stock", "make_to_order", "mts_else_mto"] = "make_to_stock"
    auto: Literal["manual", "transparent"] = "manual"
    delay: int = Field(default=0, ge=0)
    sequence: int = 20
    warehouse: str | None = None
    company: str | None = None
    propagate_cancel: bool = False
    active: bool = True

    @model_validator(mode="after")
    def _one_route(self) -> RuleBody:
        if bool(self.route) == bool(self.odoo_route):
            raise ValueError("a rule names exactly one of 'route' (a stock_route resource) or 'odoo_route'")
        return self


class Rule(Kind):
    key: ClassVar[str] = "stock_rule"
    model: ClassVar[str] = "stock.rule"
    level: ClassVar[Level] = Level.WAREHOUSE
    body_model = RuleBody
    area = "inventory"
    title = "Stock rule"

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        return written_only(self, resource)

    def field_maps(self, major: int) -> list[FieldMap]:
        return [
            FieldMap("name", "name", Text()),
            FieldMap("route", "route_id", ResourceRef("stock_route", "stock.route")),
            FieldMap("odoo_route", "route_id", RecordRef("stock.route", "name")),
            FieldMap("action", "action", Selection()),
            FieldMap("operation_type", "picking_type_id", PickingTypeRef()),
            FieldMap("source", "location_src_id", RecordRef("stock.location", "complete_name")),
            FieldMap("destination", "location_dest_id", RecordRef("stock.location", "complete_name")),
            FieldMap("procure_method", "procure_method", Selection()),
            FieldMap("auto", "auto", Selection()),
            FieldMap("delay", "delay", Integer()),
            FieldMap("sequence", "sequence", Integer()),
            FieldMap("warehouse", "warehouse_id", RecordRef("stock.warehouse", "code")),
            FieldMap("company", "company_id", RecordRef("res.company", "name")),
            FieldMap("propagate_cancel", "propagate_cancel", Boolean()),
            FieldMap("active", "active", Boolean()),
        ]
