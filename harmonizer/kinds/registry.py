"""The registry of resource kinds: one instance per kind, looked up by key."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from harmonizer.kinds.activity_type import ActivityType
from harmonizer.kinds.automation import Automation
from harmonizer.kinds.base import Kind
from harmonizer.kinds.carrier import Carrier
from harmonizer.kinds.company_settings import CompanySettings
from harmonizer.kinds.default_value import DefaultValue
from harmonizer.kinds.operation_type import CustomOperationType, OperationType
from harmonizer.kinds.orderpoint import Orderpoint
from harmonizer.kinds.price_rule import PriceRule
from harmonizer.kinds.record import Record
from harmonizer.kinds.route import Route
from harmonizer.kinds.rule import Rule
from harmonizer.kinds.scheduled_action import ScheduledAction
from harmonizer.kinds.server_action import ServerAction
from harmonizer.kinds.system_parameter import SystemParameter
from harmonizer.kinds.user_groups import UserGroups
from harmonizer.kinds.vendor_lead_time import VendorLeadTime
from harmonizer.kinds.warehouse_settings import WarehouseSettings
from harmonizer.kinds.zip_prefix import ZipPrefix

_ALL: tuple[Kind, ...] = (
    SystemParameter(),
    CompanySettings(),
    ServerAction(),
    Automation(),
    ScheduledAction(),
    # Inventory, replenishment and delivery: the warehouse's steps first (Odoo (un)archives
    # the locations and operation types they use), then what refers to those.
    ActivityType(),
    WarehouseSettings(),
    OperationType(),
    CustomOperationType(),
    Route(),
    Rule(),
    Orderpoint(),
    VendorLeadTime(),
    ZipPrefix(),
    Carrier(),
    PriceRule(),
    DefaultValue(),
    # Access: named approvers added to their role's group (never removed).
    UserGroups(),
    # The escape hatch for what has no kind yet: any model, after every specific kind.
    Record(),
)

KINDS: Mapping[str, Kind] = MappingProxyType({kind.key: kind for kind in _ALL})


def get_kind(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise KeyError(f"unknown resource kind {key!r} (known kinds: {known})") from None
