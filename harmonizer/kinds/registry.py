"""The registry of resource kinds: one instance per kind, looked up by key."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from harmonizer.kinds.automation import Automation
from harmonizer.kinds.base import Kind
from harmonizer.kinds.company_settings import CompanySettings
from harmonizer.kinds.scheduled_action import ScheduledAction
from harmonizer.kinds.server_action import ServerAction
from harmonizer.kinds.system_parameter import SystemParameter

_ALL: tuple[Kind, ...] = (
    SystemParameter(),
    CompanySettings(),
    ServerAction(),
    Automation(),
    ScheduledAction(),
)

KINDS: Mapping[str, Kind] = MappingProxyType({kind.key: kind for kind in _ALL})


def get_kind(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise KeyError(f"unknown resource kind {key!r} (known kinds: {known})") from None
