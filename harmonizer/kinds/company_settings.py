"""Company approval and credit settings, on the site's own res.company (a bound record).

Harmonizer never creates or deletes a company: it writes only the fields a template names.
These are the fields behind Purchase > Settings > "Purchase Order Approval" and "Lock
Confirmed Orders", the lead times, and Accounting's customer credit limit switch; an admin
may write them directly on res.company (see the reference README).

Per version: Odoo 19.0 removed ``po_lead`` from res.company (no replacement field): on
19.0 the key is not managed (not read, compared or written). All other fields are the
same on 16.0-19.0.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.values import Boolean, Float, Selection
from harmonizer.model import Level


class CompanySettingsBody(Body):
    po_double_validation: Literal["one_step", "two_step"] | None = None
    po_double_validation_amount: float | None = Field(default=None, ge=0)
    po_lock: Literal["edit", "lock"] | None = None
    po_lead: float | None = Field(default=None, ge=0)
    days_to_purchase: float | None = Field(default=None, ge=0)
    security_lead: float | None = Field(default=None, ge=0)
    account_use_credit_limit: bool | None = None


class CompanySettings(Kind):
    key: ClassVar[str] = "company_settings"
    model: ClassVar[str] = "res.company"
    level: ClassVar[Level] = Level.COMPANY
    owned: ClassVar[bool] = False
    body_model = CompanySettingsBody
    area = "approvals"
    title = "Company settings"

    def field_maps(self, major: int) -> list[FieldMap]:
        maps = [
            FieldMap("po_double_validation", "po_double_validation", Selection()),
            FieldMap("po_double_validation_amount", "po_double_validation_amount", Float(2)),
            FieldMap("po_lock", "po_lock", Selection()),
            FieldMap("po_lead", "po_lead", Float(2)),
            FieldMap("days_to_purchase", "days_to_purchase", Float(2)),
            FieldMap("security_lead", "security_lead", Float(2)),
            FieldMap("account_use_credit_limit", "account_use_credit_limit", Boolean()),
        ]
        return [m for m in maps if not (major >= 19 and m.field == "po_lead")]

    def bound_domain(self, company_id: int | None, warehouse_id: int | None) -> list[Any]:
        return [("id", "=", company_id)]
