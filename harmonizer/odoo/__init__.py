"""The only code of harmonizer that speaks RPC to Odoo (16-19) or to the in-process stand-in.

``connect(ConnectionSettings(...))`` gives an ``OdooSession``; its ``reader()`` (planner) and
``writer()`` (executor) make the calls. odoo-client-lib's ``Connection``/``Json2Connection`` run
over our connectors (keep-alive XML-RPC, JSON-RPC, JSON-2, in-process ``sandbox://``), which add
timeouts, read-only retries, round-trip counting and the fault -> ``harmonizer.errors`` mapping.
"""

from harmonizer.odoo.calls import READ_METHODS, CallStats
from harmonizer.odoo.reader import OdooReader, OdooWriter
from harmonizer.odoo.sandbox_link import register_sandbox, unregister_sandbox
from harmonizer.odoo.session import OdooSession, OdooVersion, connect
from harmonizer.odoo.settings import ConnectionSettings

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
