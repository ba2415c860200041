"""Carriers (delivery.carrier) and where they apply: the carrier mapping.

Owned, per company. Pricing: fixed price or rules (``delivery_price_rule`` resources,
never written through the carrier's one2many ``price_rule_ids``), margin (a fraction:
0.1 is 10 %), fixed margin, and free shipping over an amount. The mapping of a carrier to
where it is offered is Odoo 17's own: destination countries, states ("Nevada (US)") and
zip prefixes (as text: "89", created when missing, see ``zip_prefix.py``), the routes used when it is chosen (e.g. a
warehouse's cross-dock route, as ``stock_route`` resources with ``shipping_selectable``: Odoo
reads a carrier's routes through that domain, so a route without it looks unlinked), and
the company. Odoo 17 has
no field for customer tags on a carrier.

Per version (``field_maps(major)``): Odoo 16.0 has no ``route_ids`` on carriers (nor
``shipping_selectable`` on routes): on 16.0 ``routes`` is not managed (not read, compared
or written), and neither is ``fixed_margin`` (16.0 has no fixed margin; only ``margin``).
17.0-19.0 share one mapping (18.0's and 19.0's new carrier fields are
not managed).

``company`` is written only if the template names it: on a carrier it is the service
product's company (a related field), so writing it moves the product too.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import OdooName, RecordRef, RecordRefs, ResourceRefs, StateRefs
from harmonizer.kinds.route import written_only
from harmonizer.kinds.values import Boolean, Float, Integer, Selection, Text
from harmonizer.kinds.zip_prefix import ZipPrefixes
from harmonizer.model import Level, Resource


class CarrierBody(Body):
    name: str
    delivery_type: Literal["fixed", "base_on_rule"]
    product: OdooName
    fixed_price: float | None = Field(default=None, ge=0)
    margin: float = Field(default=0, ge=-1)
    fixed_margin: float = 0
    free_over: bool = False
    free_over_amount: float = Field(default=0, ge=0)
    invoice_policy: Literal["estimated", "real"] = "estimated"
    countries: list[OdooName] = Field(default_factory=list)
    states: list[OdooName] = Field(default_factory=list)
    zip_prefixes: list[str] = Field(default_factory=list)
    routes: list[str] = Field(default_factory=list)
    company: str | None = None
    description: str | None = None
    sequence: int = 10
    active: bool = True

    @model_validator(mode="after")
    def _pricing(self) -> CarrierBody:
        if self.delivery_type == "fixed" and self.fixed_price is None:
            raise ValueError("a fixed carrier needs 'fixed_price'")
        if self.delivery_type == "base_on_rule" and self.fixed_price is not None:
            raise ValueError("a rule-based carrier takes its prices from delivery_price_rule resources, "
                             "not 'fixed_price'")
        return self


class Carrier(Kind):
    key: ClassVar[str] = "delivery_carrier"
    model: ClassVar[str] = "delivery.carrier"
    level: ClassVar[Level] = Level.COMPANY
    body_model = CarrierBody
    area = "delivery"
    title = "Carrier"

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        return written_only(self, resource)

    def field_maps(self, major: int) -> list[FieldMap]:
        maps = [
            FieldMap("name", "name", Text()),
            FieldMap("delivery_type", "delivery_type", Selection()),
            FieldMap("product", "product_id", RecordRef("product.product", "default_code")),
            FieldMap("fixed_price", "fixed_price", Float(2)),
            FieldMap("margin", "margin", Float(4)),
            FieldMap("fixed_margin", "fixed_margin", Float(2)),
            FieldMap("free_over", "free_over", Boolean()),
            FieldMap("free_over_amount", "amount", Float(2)),
            FieldMap("invoice_policy", "invoice_policy", Selection()),
            FieldMap("countries", "country_ids", RecordRefs("res.country", "code")),
            FieldMap("states", "state_ids", StateRefs()),
            FieldMap("zip_prefixes", "zip_prefix_ids", ZipPrefixes()),
            FieldMap("routes", "route_ids", ResourceRefs("stock_route", "stock.route")),
            FieldMap("company", "company_id", RecordRef("res.company", "name")),
            FieldMap("description", "carrier_description", Text()),
            FieldMap("sequence", "sequence", Integer()),
            FieldMap("active", "active", Boolean()),
        ]
        if major > 16:
            return maps
        return [m for m in maps if m.key not in ("routes", "fixed_margin")]
