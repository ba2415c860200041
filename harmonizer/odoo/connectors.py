"""XML-RPC and JSON-RPC connectors: odoo-client-lib's connector interface over our channels.

A connector has ``send(service, method, *args)`` and ``get_service(name)`` (what
``odoolib.Connection`` calls). Rules:
- XML-RPC is POSTed to ``/xmlrpc/2/<service>`` (int faultCodes), JSON-RPC to ``/jsonrpc``.
- Every request is encoded once and handed to the channel; the retry policy re-sends it only
  for reads (``calls.READ_METHODS``) and safe service calls.
- Non-200 answers and bodies that are not XML-RPC/JSON-RPC are transport failures (Odoo answers
  every RPC error with HTTP 200).
- A JSON-RPC answer without ``result`` key is ``None``. Over XML-RPC, the "cannot marshal None"
  fault is ``None`` for ``NONE_RESULT_METHODS`` only (Odoo committed before marshalling).
- ``execute_kw`` arguments are logged as shapes; the password (its 3rd argument) never is.
"""

from __future__ import annotations

import itertools
import json
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

from harmonizer.errors import HarmonizerError
from harmonizer.odoo import faults
from harmonizer.odoo.calls import (
    NONE_RESULT_METHODS,
    READ_METHODS,
    SAFE_SERVICE_METHODS,
    CallStats,
    RetryPolicy,
    log_call,
)
from harmonizer.odoo.channels import Channel, RawResponse, Unanswered
from harmonizer.odoo.xmlrpc_decode import loads as xmlrpc_loads
from harmonizer.odoo.xmlrpc_encode import dumps as xmlrpc_dumps

_OBJECT_CALLS = ("execute_kw", "execute")


@dataclass(frozen=True)
class CallInfo:
    """What a call is, for accounting, retries and messages."""

    service: str
    method: str
    model: str | None = None
    model_method: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        if self.model is not None and self.model_method is not None:
            return (self.model, self.model_method)
        return (self.service, self.method)

    @property
    def idempotent(self) -> bool:
        if self.model_method is not None:
            return self.model_method in READ_METHODS
        return (self.service, self.method) in SAFE_SERVICE_METHODS

    @property
    def label(self) -> str:
        return f"{self.key[0]}.{self.key[1]}"


def describe(service: str, method: str, args: tuple[Any, ...]) -> CallInfo:
    """Classify a service call; ``object.execute_kw(db, uid, pw, model, method, ...)`` names a model."""
    if service == "object" and method in _OBJECT_CALLS and len(args) >= 5:
        return CallInfo(service, method, str(args[3]), str(args[4]))
    return CallInfo(service, method)


class RpcService:
    """``connection.get_service(name).<method>(*args)`` -> ``connector.send(name, method, *args)``."""

    def __init__(self, connector: RpcConnector, name: str) -> None:
        self._connector = connector
        self._name = name

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("__"):
            raise AttributeError(method)

        def proxy(*args: Any) -> Any:
            return self._connector.send(self._name, method, *args)

        return proxy


class RpcConnector:
    """Shared machinery of the XML-RPC and JSON-RPC connectors."""

    PROTOCOL = "rpc"

    def __init__(self, channel: Channel, *, policy: RetryPolicy | None = None, stats: CallStats | None = None,
                 scrub: faults.Scrub = faults._keep) -> None:
        self.channel = channel
        self.policy = policy or RetryPolicy()
        self.stats = stats if stats is not None else CallStats()
        self.scrub = scrub

    def get_service(self, service_name: str) -> RpcService:
        return RpcService(self, service_name)

    def send(self, service_name: str, method: str, *args: Any) -> Any:
        info = describe(service_name, method, args)
        self.stats.calls[info.key] += 1
        if info.model is not None:
            log_call(self.PROTOCOL, info.model, info.model_method or "", *_object_arguments(method, args))
        else:
            log_call(self.PROTOCOL, service_name, method)  # service args may hold the password
        path, body, headers = self.encode(service_name, method, args, info)

        def attempt() -> Any:
            self.stats.round_trips += 1
            return self.decode(self.channel.request("POST", path, body, headers), info)

        return self.policy.run(attempt, idempotent=info.idempotent, what=info.label, where=self.channel.label,
                               stats=self.stats)

    def encode(self, service: str, method: str, args: tuple[Any, ...], info: CallInfo
               ) -> tuple[str, bytes, dict[str, str]]:
        raise NotImplementedError

    def decode(self, response: RawResponse, info: CallInfo) -> Any:
        raise NotImplementedError


def _object_arguments(method: str, args: tuple[Any, ...]) -> tuple[Any, Any]:
    """(positional, keyword) model arguments of an execute_kw/execute call, never the credentials."""
    if method == "execute":  # execute(db, uid, password, model, method, *args)
        return list(args[5:]), {}
    positional = args[5] if len(args) > 5 else []
    keywords = args[6] if len(args) > 6 and isinstance(args[6], dict) else {}
    return positional, keywords


def _require_ok(response: RawResponse, kind: str) -> None:
    if response.status != 200:
        raise Unanswered(f"HTTP {response.status} instead of an {kind} answer{_snippet(response.body)}",
                         sent=True, retryable=response.status >= 500)


def _snippet(body: bytes) -> str:
    text = " ".join(body[:200].decode("utf-8", "replace").split())
    return f" ({text[:120]})" if text else ""


class XmlRpcConnector(RpcConnector):
    """XML-RPC over ``/xmlrpc/2/<service>`` (never the legacy string-faultCode path)."""

    PROTOCOL = "xmlrpc"

    def encode(self, service: str, method: str, args: tuple[Any, ...], info: CallInfo
               ) -> tuple[str, bytes, dict[str, str]]:
        try:
            body = xmlrpc_dumps(tuple(args), method)  # xmlrpc.client.dumps' very text
        except (TypeError, OverflowError) as exc:
            raise HarmonizerError(f"cannot encode the arguments of {info.label} for XML-RPC: {exc}") from exc
        return f"/xmlrpc/2/{service}", body.encode("utf-8"), {"Content-Type": "text/xml; charset=utf-8"}

    def decode(self, response: RawResponse, info: CallInfo) -> Any:
        _require_ok(response, "XML-RPC")
        try:
            values, _ = xmlrpc_loads(response.body)
        except xmlrpc.client.Fault as fault:
            if info.model_method in NONE_RESULT_METHODS and faults.is_none_marshal_fault(
                    fault.faultCode, fault.faultString):
                return None
            raise faults.xmlrpc_fault_error(fault.faultCode, fault.faultString, model=info.model,
                                            method=info.model_method, scrub=self.scrub) from None
        except (ExpatError, ValueError, TypeError, xmlrpc.client.ResponseError) as exc:
            raise Unanswered(f"not an XML-RPC answer ({exc}){_snippet(response.body)}", sent=True) from exc
        return values[0] if values else None


class JsonRpcConnector(RpcConnector):
    """JSON-RPC 2.0 over ``/jsonrpc`` (``{"service", "method", "args"}`` params)."""

    PROTOCOL = "jsonrpc"

    def __init__(self, channel: Channel, **kwargs: Any) -> None:
        super().__init__(channel, **kwargs)
        self._ids = itertools.count(1)

    def encode(self, service: str, method: str, args: tuple[Any, ...], info: CallInfo
               ) -> tuple[str, bytes, dict[str, str]]:
        payload = {"jsonrpc": "2.0", "method": "call",
                   "params": {"service": service, "method": method, "args": list(args)},
                   "id": next(self._ids)}
        try:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise HarmonizerError(f"cannot encode the arguments of {info.label} for JSON-RPC: {exc}") from exc
        return "/jsonrpc", body, {"Content-Type": "application/json"}

    def decode(self, response: RawResponse, info: CallInfo) -> Any:
        _require_ok(response, "JSON-RPC")
        try:
            answer = json.loads(response.body)
        except ValueError as exc:
            raise Unanswered(f"not a JSON-RPC answer{_snippet(response.body)}", sent=True) from exc
        if not isinstance(answer, dict):
            raise Unanswered(f"not a JSON-RPC answer{_snippet(response.body)}", sent=True)
        if answer.get("error") is not None:
            raise faults.jsonrpc_error(answer["error"], model=info.model, method=info.model_method,
                                       scrub=self.scrub)
        return answer.get("result")  # Odoo leaves "result" out when the method returned None
