"""The stand-in's wire layer: Odoo's XML-RPC and JSON-RPC over ``SandboxServer.dispatch``.

``WireApp.handle(method, path, headers, body) -> HttpResponse`` is the whole interface; the
HTTP server (``harmonizer.sandbox.serve``) and the in-process connector both send it the
same request bytes. ``Levers`` inject latency and transport/Odoo faults for tests and
benchmarks; injected transport failures surface as ``wire.errors`` exceptions.
"""

from harmonizer.sandbox.wire.app import Route, WireApp, default_routes
from harmonizer.sandbox.wire.errors import ConnectionResetInjected, InjectedTransportFault, TimeoutInjected
from harmonizer.sandbox.wire.levers import FaultKind, InjectedFault, Levers, parse_faults
from harmonizer.sandbox.wire.protocol import Dispatcher, HttpResponse

__all__ = [
    "ConnectionResetInjected",
    "Dispatcher",
    "FaultKind",
    "HttpResponse",
    "InjectedFault",
    "InjectedTransportFault",
    "Levers",
    "Route",
    "TimeoutInjected",
    "WireApp",
    "default_routes",
    "parse_faults",
]
