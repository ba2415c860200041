"""Warehouse settings on the site's own stock.warehouse (a bound record).

Harmonizer writes the reception and delivery steps, the resupply warehouses (by short
name) and buy-to-resupply, and nothing else. Changing the steps makes Odoo rename its step
routes and (un)archive the locations, operation types and rules the steps use: those are
Odoo's own records, never managed here, so the next plan shows no difference for them.
``change_note`` says so on the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import RecordRefs
from harmonizer.kinds.values import Boolean, Selection
from harmonizer.model import Level

ReceptionSteps = Literal["one_step", "two_steps", "three_steps"]
DeliverySteps = Literal["ship_only", "pick_ship", "pick_pack_ship"]


class WarehouseSettingsBody(Body):
    reception_steps: ReceptionSteps | None = None
    delivery_steps: DeliverySteps | None = None
    #: Short names (codes) of the warehouses this one is resupplied from.
    resupply_warehouses: list[str] | None = None
    buy_to_resupply: bool | None = None


class WarehouseSettings(Kind):
    key: ClassVar[str] = "warehouse_settings"
    model: ClassVar[str] = "stock.warehouse"
    level: ClassVar[Level] = Level.WAREHOUSE
    owned: ClassVar[bool] = False
    body_model = WarehouseSettingsBody
    area = "inventory"
    title = "Warehouse settings"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [
            FieldMap("reception_steps", "reception_steps", Selection()),
            FieldMap("delivery_steps", "delivery_steps", Selection()),
            FieldMap("resupply_warehouses", "resupply_wh_ids", RecordRefs("stock.warehouse", "code")),
            FieldMap("buy_to_resupply", "buy_to_resupply", Boolean()),
        ]

    def bound_domain(self, company_id: int | None, warehouse_id: int | None) -> list[Any]:
        return [("id", "=", warehouse_id)]

    def change_note(self, field_changes: Sequence[Any]) -> str | None:
        keys = {getattr(f, "key", None) for f in field_changes}
        notes = []
        if "reception_steps" in keys:
            notes.append("reception")
        if "delivery_steps" in keys:
            notes.append("delivery")
        if "resupply_warehouses" in keys:
            notes.append("resupply")
        if not notes:
            return None
        return (f"Odoo itself creates, renames or archives the {' and '.join(notes)} routes, rules, "
                "locations and operation types of this warehouse; harmonizer does not manage those")
