"""JSON-RPC endpoint ``/jsonrpc`` as Odoo 17 serves it.

Rules: malformed JSON -> HTTP 400 ``Invalid JSON data`` (text/html). Otherwise always HTTP
200: ``params`` goes through ``dict(...)`` and is then bound to the signature
``jsonrpc(service, method, args)`` -- so a list or a missing/extra key fails with the very
ValueError/TypeError Python raises for that (e.g. "RPC.jsonrpc() missing 1 required
positional argument: 'args'"), reported as an error object. A None result answers
``{"jsonrpc": "2.0", "id": N}`` without a ``result`` key. Key order: jsonrpc, id,
result/error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harmonizer.sandbox.exceptions import ServerException
from harmonizer.sandbox.wire import faults
from harmonizer.sandbox.wire.marshal import json_answer
from harmonizer.sandbox.wire.protocol import (
    HTML_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    DecodedCall,
    HttpRequest,
    HttpResponse,
)


class RPC:
    """Stands for Odoo's RPC controller so Python itself words the binding errors."""

    def jsonrpc(self, service: Any, method: Any, args: Any) -> tuple[Any, Any, Any]:
        return service, method, args


class JSONRPC:
    """19.0's controller class (its binding errors say "JSONRPC.jsonrpc() ...")."""

    def jsonrpc(self, service: Any, method: Any, args: Any) -> tuple[Any, Any, Any]:
        return service, method, args


CONTROLLERS: dict[str, type[RPC] | type[JSONRPC]] = {"RPC": RPC, "JSONRPC": JSONRPC}


class JsonRpcEndpoint:
    def __init__(self, error_code: int = 200, data_order_19: bool = False, controller: str = "RPC") -> None:
        self.controller = CONTROLLERS[controller]
        #: ``error.code``: 200 up to 18.0, 0 in 19.0 (which also reorders ``error.data``).
        self.error_code = error_code
        self.data_order_19 = data_order_19

    def decode(self, request: HttpRequest, route_args: Mapping[str, str]) -> DecodedCall | HttpResponse:
        try:
            payload = json.loads(request.body)
        except ValueError:  # includes UnicodeDecodeError
            return HttpResponse(400, HTML_CONTENT_TYPE, b"Invalid JSON data")
        request_id = payload.get("id") if isinstance(payload, dict) else None
        try:
            params = dict(payload.get("params", {}))
            service, method, args = self.controller().jsonrpc(**params)
        except Exception as exc:  # the binding errors are part of the protocol (see module doc)
            return DecodedCall(request_id=request_id, error=faults.from_python(exc))
        return DecodedCall(service=service, method=method, params=args, request_id=request_id)

    def encode_result(self, call: DecodedCall, result: Any) -> HttpResponse:
        answer: dict[str, Any] = {"jsonrpc": "2.0", "id": call.request_id}
        if result is not None:
            answer["result"] = result  # plain_value'd by json_answer, in the same pass
        try:
            return _json(answer)
        except (TypeError, ValueError) as exc:  # a value JSON cannot carry
            return self.encode_error(call, faults.from_python(exc))

    def encode_error(self, call: DecodedCall, error: ServerException) -> HttpResponse:
        error_object = faults.jsonrpc_error(error)
        error_object["code"] = self.error_code
        if self.data_order_19:
            data = error_object["data"]
            error_object["data"] = {k: data[k] for k in ("name", "message", "arguments", "context", "debug")}
        return _json({"jsonrpc": "2.0", "id": call.request_id, "error": error_object})


def _json(answer: dict[str, Any]) -> HttpResponse:
    body = json_answer(answer).encode("utf-8")
    return HttpResponse(200, JSON_CONTENT_TYPE, body)
