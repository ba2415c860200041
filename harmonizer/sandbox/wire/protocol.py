"""The shapes shared by the wire endpoints: requests, responses, decoded calls, the dispatcher.

An endpoint turns request bytes into a ``DecodedCall`` (or an immediate ``HttpResponse`` for
protocol-level rejections such as malformed JSON), and turns a result or a ServerException
back into bytes. ``WireApp`` runs the call in between, with the test levers around it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from harmonizer.sandbox.exceptions import ServerException

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"

# Odoo's server formats (DEFAULT_SERVER_DATETIME_FORMAT / DATE_FORMAT).
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


class Dispatcher(Protocol):
    """What the wire layer needs from the service layer (``SandboxServer``)."""

    def dispatch(self, service: str, method: str, params: list) -> Any: ...


@dataclass
class HttpResponse:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


@dataclass
class DecodedCall:
    """A call ready to dispatch, or (``error`` set) a request that failed while decoding.

    ``request_id`` is JSON-RPC's ``id`` (echoed in the answer); None elsewhere.
    """

    service: str = ""
    method: str = ""
    params: list = field(default_factory=list)
    request_id: Any = None
    error: ServerException | None = None


class Endpoint(Protocol):
    """One wire protocol: decodes requests and encodes answers; never dispatches itself."""

    def decode(self, request: HttpRequest, route_args: Mapping[str, str]) -> DecodedCall | HttpResponse: ...

    def encode_result(self, call: DecodedCall, result: Any) -> HttpResponse: ...

    def encode_error(self, call: DecodedCall, error: ServerException) -> HttpResponse: ...


def plain_value(value: Any) -> Any:
    """Odoo's marshalling of values that XML-RPC/JSON lack: datetimes and dates as strings.

    Walks lists, tuples and dicts; leaves every other value (and dict keys) untouched so that
    the encoders still reject what Odoo rejects (None, non-string struct keys).
    """
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, dict):
        return {key: plain_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_value(item) for item in value]
    return value
