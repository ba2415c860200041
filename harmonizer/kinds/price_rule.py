"""Carrier price rules (delivery.price.rule): owned records of their own, naming their carrier.

"If <variable> <operator> <max_value>: price = base + price x <variable_factor>", checked in
sequence order. Like stock rules, they are never written through the carrier's one2many
(``price_rule_ids``): rules harmonizer does not own survive every apply. Same level as
carriers (per company).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import ResourceRef
from harmonizer.kinds.values import Float, Integer, Selection
from harmonizer.model import Level

Variable = Literal["weight", "volume", "wv", "price", "quantity"]


class PriceRuleBody(Body):
    carrier: str
    sequence: int = 10
    variable: Variable = "weight"
    operator: Literal["==", "<=", "<", ">=", ">"] = "<="
    max_value: float = 0
    base_price: float = Field(default=0, ge=0)
    price: float = Field(default=0, ge=0)
    variable_factor: Variable = "weight"


class PriceRule(Kind):
    key: ClassVar[str] = "delivery_price_rule"
    model: ClassVar[str] = "delivery.price.rule"
    level: ClassVar[Level] = Level.COMPANY
    body_model = PriceRuleBody
    area = "delivery"
    title = "Carrier price rule"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [
            FieldMap("carrier", "carrier_id", ResourceRef("delivery_carrier", "delivery.carrier")),
            FieldMap("sequence", "sequence", Integer()),
            FieldMap("variable", "variable", Selection()),
            FieldMap("operator", "operator", Selection()),
            FieldMap("max_value", "max_value", Float(2)),
            FieldMap("base_price", "list_base_price", Float(2)),
            FieldMap("price", "list_price", Float(2)),
            FieldMap("variable_factor", "variable_factor", Selection()),
        ]
