"""XML-RPC endpoints: ``/xmlrpc/2/<service>`` (int faultCodes) and legacy ``/xmlrpc/<service>``.

Encoding uses the stdlib ``xmlrpc.client`` exactly as Odoo does: requests are loaded with
``use_builtin_types=True`` (``<nil/>`` is accepted), answers are dumped with
``allow_none=False``. So a None result or a dict with non-string keys fails *while
marshalling*, after the service committed, and is reported as a faultCode 1 traceback
("TypeError: cannot marshal None unless allow_none is enabled", "TypeError: dictionary key
must be string"); a malformed body faults with the parser's ExpatError.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Mapping
from typing import Any

from harmonizer.sandbox.exceptions import ServerException
from harmonizer.sandbox.wire import faults
from harmonizer.sandbox.wire.marshal import xmlrpc_response
from harmonizer.sandbox.wire.protocol import (
    XML_CONTENT_TYPE,
    DecodedCall,
    HttpRequest,
    HttpResponse,
)
from harmonizer.sandbox.wire.unmarshal import loads_call


class XmlRpcEndpoint:
    """One XML-RPC flavour; ``legacy=True`` reports faults with Odoo's string faultCodes."""

    def __init__(self, *, legacy: bool = False) -> None:
        self.legacy = legacy

    def decode(self, request: HttpRequest, route_args: Mapping[str, str]) -> DecodedCall:
        service = route_args["service"]
        try:
            params, method = loads_call(request.body)  # = xmlrpc.client.loads(body, use_builtin_types=True)
        except Exception as exc:  # any parser failure is the client's fault, reported as code 1
            return DecodedCall(service=service, error=faults.from_python(exc))
        return DecodedCall(service=service, method=method or "", params=list(params))

    def encode_result(self, call: DecodedCall, result: Any) -> HttpResponse:
        try:
            text = xmlrpc_response(result)  # = dumps((plain_value(result),), ...), in one pass
        except Exception as exc:  # marshalling failures (None, int keys, overflow) become faults
            return self.encode_error(call, faults.from_python(exc))
        return _xml(text)

    def encode_error(self, call: DecodedCall, error: ServerException) -> HttpResponse:
        code: int | str
        if self.legacy:
            code, string = faults.xmlrpc_fault_legacy(error)
        else:
            code, string = faults.xmlrpc_fault_int(error)
        fault = xmlrpc.client.Fault(code, string)  # type: ignore[arg-type]  # legacy codes are str
        return _xml(xmlrpc.client.dumps(fault, methodresponse=True, allow_none=False))


def _xml(text: str) -> HttpResponse:
    return HttpResponse(200, XML_CONTENT_TYPE, text.encode("utf-8"))
