"""The only code of harmonizer that speaks RPC to Odoo (16-19) or to the in-process stand-in.

``connect(ConnectionSettings(...))`` gives an ``OdooSession``; its ``reader()`` (planner) and
``writer()`` (executor) make the calls. odoo-client-lib's ``Connection``/``Json2Connection`` run
over our connectors (keep-alive XML-RPC, JSON-RPC, JSON-2, in-process ``sandbox://``), which add
timeouts, read-only retries, round-trip counting and the fault -> ``harmonizer.errors`` mapping.

The names below are imported on first use: reading a site file (``odoo.settings``) must not
load the HTTP client stack (odoo-client-lib, httpx) that only a connection needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from harmonizer.odoo.deferred import defer

defer("httpx")  # before any submodule imports odoo-client-lib (``odoo.deferred``)

if TYPE_CHECKING:
    from harmonizer.odoo.calls import READ_METHODS, CallStats
    from harmonizer.odoo.reader import OdooReader, OdooWriter
    from harmonizer.odoo.sandbox_link import register_sandbox, unregister_sandbox
    from harmonizer.odoo.session import OdooSession, OdooVersion, connect
    from harmonizer.odoo.settings import ConnectionSettings

_WHERE = {
    "READ_METHODS": "calls", "CallStats": "calls",
    "OdooReader": "reader", "OdooWriter": "reader",
    "register_sandbox": "sandbox_link", "unregister_sandbox": "sandbox_link",
    "OdooSession": "session", "OdooVersion": "session", "connect": "session",
    "ConnectionSettings": "settings",
}

__all__ = [
    "READ_METHODS",
    "CallStats",
    "ConnectionSettings",
    "OdooReader",
    "OdooSession",
    "OdooVersion",
    "OdooWriter",
    "connect",
    "register_sandbox",
    "unregister_sandbox",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
