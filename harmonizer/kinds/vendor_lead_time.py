"""Vendor lead times: the ``delay`` of existing vendor price lines (product.supplierinfo).

Bound, not owned: a vendor line (vendor, product, price, minimum quantity) is purchasing's
data and already exists; the operating model only harmonizes how many days the vendor
takes. Harmonizer never creates or deletes vendor lines. A line is matched by vendor name
and product internal reference among the lines of the site's company and the shared ones
(no company); exactly one must match (e.g. one line per minimum quantity is ambiguous:
name ``min_qty`` to pick one).

Sites that share a database and a shared vendor line set the same delay (the template fixes
it); two sites writing different values would undo each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.values import Integer
from harmonizer.model import Level


class VendorLeadTimeBody(Body):
    #: The vendor's name (res.partner) and the product's internal reference: identity only.
    vendor: str
    product: str
    min_qty: float | None = None
    delay: int = Field(ge=0)


def _label(raw: Any) -> str:
    return str(raw[1]) if isinstance(raw, list | tuple) and len(raw) > 1 else ""


class VendorLeadTime(Kind):
    key: ClassVar[str] = "vendor_lead_time"
    model: ClassVar[str] = "product.supplierinfo"
    level: ClassVar[Level] = Level.COMPANY
    owned: ClassVar[bool] = False
    body_model = VendorLeadTimeBody
    area = "replenishment"
    title = "Vendor lead time"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [FieldMap("delay", "delay", Integer())]

    def bound_domain(self, company_id: int | None, warehouse_id: int | None) -> list[Any]:
        return [("company_id", "in", [company_id, False])]

    def bound_fields(self, major: int) -> list[str]:
        return ["partner_id", "product_tmpl_id", "product_id", "min_qty"]

    def bound_match(self, row: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
        # Odoo shows a product as "[internal reference] name" and a company vendor by its name.
        if _label(row.get("partner_id")) != body.get("vendor"):
            return False
        product = _label(row.get("product_id")) or _label(row.get("product_tmpl_id"))
        if not product.startswith(f"[{body.get('product')}] "):
            return False
        wanted = body.get("min_qty")
        return wanted is None or round(float(row.get("min_qty") or 0.0), 2) == round(float(wanted), 2)
