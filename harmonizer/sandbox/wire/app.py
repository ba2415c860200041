"""``WireApp``: routes HTTP requests to the protocol endpoints and runs each call once.

Routing is table-driven (``ROUTES``): a route is a path pattern, the HTTP methods it accepts
and an endpoint. 19.0's ``/json/2/<model>/<method>`` and ``/doc-bearer/<model>.json`` slot
in as further rows. For every RPC request the app:

1. counts it and applies the levers' latency and "before" faults (reset-before, http502);
2. decodes it (decode errors are answered in the protocol's own error format);
3. dispatches it to the service -- one call, one transaction, committed by the service
   before the answer is encoded;
4. applies the "after" faults (reset-after, timeout) -- the commit has happened, the
   answer is lost;
5. encodes the result or the error.

``handle`` never raises for a request, except the injected transport faults of
``wire.errors``, which stand for a connection that gives no answer.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harmonizer.sandbox.exceptions import ServerException
from harmonizer.sandbox.wire import faults
from harmonizer.sandbox.wire.errors import ConnectionResetInjected, TimeoutInjected
from harmonizer.sandbox.wire.jsonrpc import JsonRpcEndpoint
from harmonizer.sandbox.wire.levers import FaultKind, InjectedFault, Levers
from harmonizer.sandbox.wire.protocol import (
    HTML_CONTENT_TYPE,
    DecodedCall,
    Dispatcher,
    Endpoint,
    HttpRequest,
    HttpResponse,
)
from harmonizer.sandbox.wire.xmlrpc import XmlRpcEndpoint

BAD_GATEWAY_BODY = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    methods: frozenset[str]
    endpoint: Endpoint


ANY_METHOD = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def default_routes(profile: Any = None) -> list[Route]:
    """The external API routes of the server's version (first match wins): XML-RPC and
    JSON-RPC everywhere; 19.0 (``profile.json2``) adds JSON-2, /doc-bearer and /json/version."""
    post = frozenset({"POST"})
    code = profile.jsonrpc_error_code if profile is not None else 200
    order_19 = bool(profile is not None and profile.jsonrpc_data_order_19)
    controller = profile.jsonrpc_controller if profile is not None else "RPC"
    routes = [
        Route(re.compile(r"/xmlrpc/2/(?P<service>[^/]+)"), post, XmlRpcEndpoint(legacy=False)),
        Route(re.compile(r"/xmlrpc/(?P<service>[^/]+)"), post, XmlRpcEndpoint(legacy=True)),
        Route(re.compile(r"/jsonrpc"), post,
              JsonRpcEndpoint(error_code=code, data_order_19=order_19, controller=controller)),
    ]
    return routes


def version_routes(server: Any) -> list[Route]:
    """Routes that need the server itself (19.0's bearer-key APIs)."""
    profile = getattr(server, "profile", None)
    if profile is None or not profile.json2:
        return []
    from harmonizer.sandbox.wire.json2 import DocBearerEndpoint, Json2Context, Json2Endpoint, VersionEndpoint

    context = Json2Context(server)
    get = frozenset({"GET", "POST"})
    return [
        Route(re.compile(r"/json/2/(?P<rest>.*)"), ANY_METHOD, Json2Endpoint(context)),
        Route(re.compile(r"/json/2"), ANY_METHOD, Json2Endpoint(context)),
        Route(re.compile(r"/doc-bearer/(?P<model>[^/]+)\.json"), get, DocBearerEndpoint(context)),
        Route(re.compile(r"/(?:json|web)/version"), get, VersionEndpoint(context)),
    ]


class WireApp:
    """Speaks Odoo's wire protocols over one service-layer server (thread-safe if it is)."""

    def __init__(self, server: Dispatcher, levers: Levers | None = None,
                 routes: list[Route] | None = None) -> None:
        self.server = server
        self.levers = levers
        profile = getattr(server, "profile", None)
        self.routes = routes if routes is not None else version_routes(server) + default_routes(profile)
        #: 19.0 logs every XML-RPC/JSON-RPC request as deprecated (None: no such log line).
        self.deprecation: str | None = getattr(profile, "rpc_deprecation", None)

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> HttpResponse:
        request = HttpRequest(method.upper(), path.split("?", 1)[0], headers, body)
        for route in self.routes:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            if request.method not in route.methods:
                return _html(405, "Method Not Allowed",
                             "The method is not allowed for the requested URL.")
            if self.deprecation and isinstance(route.endpoint, XmlRpcEndpoint | JsonRpcEndpoint):
                kind = "xmlrpc" if isinstance(route.endpoint, XmlRpcEndpoint) else "jsonrpc"
                logging.getLogger(f"odoo.addons.rpc.controllers.{kind}").warning(self.deprecation)
            return self._rpc(route.endpoint, request, match.groupdict())
        return _html(404, "Not Found", "The requested URL was not found on the server.")

    def _rpc(self, endpoint: Endpoint, request: HttpRequest, route_args: Mapping[str, str]) -> HttpResponse:
        number, fault = self.levers.next_call() if self.levers is not None else (0, None)
        if self.levers is not None and self.levers.latency > 0:
            time.sleep(self.levers.latency)
        if fault is not None and fault.kind is FaultKind.RESET_BEFORE:
            raise ConnectionResetInjected(f"injected reset before call {number}",
                                          call_number=number, committed=False)
        if fault is not None and fault.kind is FaultKind.HTTP_502:
            return HttpResponse(502, HTML_CONTENT_TYPE, BAD_GATEWAY_BODY)
        decoded = endpoint.decode(request, route_args)
        if isinstance(decoded, HttpResponse):
            return decoded
        if self.levers is not None:
            self.levers.note(number, decoded.service, decoded.method, decoded.params)
        ok, outcome = self._run(decoded, fault)
        if fault is not None:
            _after_fault(fault, number, committed=ok)
        if ok:
            return endpoint.encode_result(decoded, outcome)
        return endpoint.encode_error(decoded, outcome)

    def _run(self, call: DecodedCall, fault: InjectedFault | None) -> tuple[bool, Any]:
        """(True, result) or (False, ServerException): the one place a call is dispatched."""
        if call.error is not None:
            return False, call.error
        if fault is not None and fault.kind in (FaultKind.ODOO_ERROR, FaultKind.CRON_BUSY):
            return False, fault.odoo_error()
        try:
            return True, self.server.dispatch(call.service, call.method, call.params)
        except ServerException as exc:
            return False, exc
        except Exception as exc:  # a stand-in bug still answers like a server-side Python error
            return False, faults.from_python(exc)


def _after_fault(fault: InjectedFault, number: int, *, committed: bool) -> None:
    if fault.kind is FaultKind.RESET_AFTER:
        raise ConnectionResetInjected(f"injected reset after call {number}",
                                      call_number=number, committed=committed)
    if fault.kind is FaultKind.TIMEOUT:
        raise TimeoutInjected(f"injected timeout after call {number}", call_number=number,
                              committed=committed, seconds=fault.seconds)


def _html(status: int, title: str, text: str) -> HttpResponse:
    body = (f"<!doctype html>\n<html lang=en>\n<title>{status} {title}</title>\n"
            f"<h1>{title}</h1>\n<p>{text}</p>\n")
    return HttpResponse(status, HTML_CONTENT_TYPE, body.encode("utf-8"))
