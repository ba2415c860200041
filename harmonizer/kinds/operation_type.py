"""Operation types (stock.picking.type) of the site's warehouse: bound, or owned.

``operation_type`` binds one of the warehouse's own types (Odoo creates them with the
warehouse), matched by its sequence code (IN, OUT, PICK, PACK, INT, or any other the
warehouse has), archived ones included: harmonizer never creates or deletes these.
``custom_operation_type`` is a type the template creates (owned, per warehouse).

The sequence code is the identity of a bound type, so it is not written there; on an owned
type it is (Odoo then renames the type's sequence prefix).

Per version: Odoo 16.0 gives every warehouse a second incoming type with sequence code IN,
"Returns" (the warehouse's ``return_type_id``, which deliveries return into). It is the IN
type that returns into nothing, while Receipts return into Delivery Orders: on 16.0
(``bound_fields`` reads ``return_picking_type_id`` there) an IN type without a return type
is not the warehouse's IN. 17.0-19.0 have one IN type per warehouse.

A created type's options and default locations are managed only when the template names
them: left out, Odoo's defaults apply (``create_backorder`` is required) and the locations
are computed from the code and the warehouse (18.0+ requires them), never sent as empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import OdooName, RecordRef
from harmonizer.kinds.route import written_only
from harmonizer.kinds.values import Boolean, Integer, Selection, Text
from harmonizer.model import Level, Resource

Backorder = Literal["ask", "always", "never"]
Reservation = Literal["at_confirm", "manual", "by_date"]


class _Options(Body):
    create_backorder: Backorder | None = None
    reservation_method: Reservation | None = None
    reservation_days_before: int | None = Field(default=None, ge=0)
    use_create_lots: bool | None = None
    use_existing_lots: bool | None = None
    show_operations: bool | None = None
    show_entire_packs: bool | None = None
    barcode: str | None = None


class OperationTypeBody(_Options):
    #: Which of the warehouse's types this is (its sequence code); not written.
    sequence_code: str
    name: str | None = None


class CustomOperationTypeBody(_Options):
    name: str
    code: Literal["incoming", "outgoing", "internal"]
    sequence_code: str
    warehouse: str
    company: str
    default_source: OdooName | None = None
    default_destination: OdooName | None = None
    sequence: int = 10
    active: bool = True


def _option_maps() -> list[FieldMap]:
    return [
        FieldMap("create_backorder", "create_backorder", Selection()),
        FieldMap("reservation_method", "reservation_method", Selection()),
        FieldMap("reservation_days_before", "reservation_days_before", Integer()),
        FieldMap("use_create_lots", "use_create_lots", Boolean()),
        FieldMap("use_existing_lots", "use_existing_lots", Boolean()),
        FieldMap("show_operations", "show_operations", Boolean()),
        FieldMap("show_entire_packs", "show_entire_packs", Boolean()),
        FieldMap("barcode", "barcode", Text()),
    ]


class OperationType(Kind):
    key: ClassVar[str] = "operation_type"
    model: ClassVar[str] = "stock.picking.type"
    level: ClassVar[Level] = Level.WAREHOUSE
    owned: ClassVar[bool] = False
    body_model = OperationTypeBody
    area = "inventory"
    title = "Operation type"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [FieldMap("name", "name", Text()), *_option_maps()]

    def bound_domain(self, company_id: int | None, warehouse_id: int | None) -> list[Any]:
        # archived types too: Odoo archives Pick/Pack while the steps do not use them
        return [("warehouse_id", "=", warehouse_id), ("active", "in", [True, False])]

    def bound_match(self, row: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
        code = str(body.get("sequence_code", "")).upper()
        if str(row.get("sequence_code") or "").upper() != code:
            return False
        # 16.0 only (the key is read there): its "Returns" IN type returns into nothing
        return not (code == "IN" and "return_picking_type_id" in row and not row["return_picking_type_id"])

    def bound_fields(self, major: int) -> list[str]:
        return ["sequence_code", "warehouse_id", *(["return_picking_type_id"] if major <= 16 else [])]


class CustomOperationType(Kind):
    key: ClassVar[str] = "custom_operation_type"
    model: ClassVar[str] = "stock.picking.type"
    level: ClassVar[Level] = Level.WAREHOUSE
    body_model = CustomOperationTypeBody
    area = "inventory"
    title = "Operation type (created)"

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        # options and default locations left out (None) are Odoo's: its defaults on create
        # (create_backorder is required), computed locations (see the module docstring)
        return written_only(self, resource)

    def field_maps(self, major: int) -> list[FieldMap]:
        return [
            FieldMap("name", "name", Text()),
            FieldMap("code", "code", Selection()),
            FieldMap("sequence_code", "sequence_code", Text()),
            FieldMap("warehouse", "warehouse_id", RecordRef("stock.warehouse", "code")),
            FieldMap("company", "company_id", RecordRef("res.company", "name")),
            FieldMap("default_source", "default_location_src_id", RecordRef("stock.location", "complete_name")),
            FieldMap("default_destination", "default_location_dest_id",
                     RecordRef("stock.location", "complete_name")),
            FieldMap("sequence", "sequence", Integer()),
            FieldMap("active", "active", Boolean()),
            *_option_maps(),
        ]
