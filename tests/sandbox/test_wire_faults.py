"""Fault and value encoding of each endpoint (in-process WireApp over a fake dispatcher)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import xmlrpc.client
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from replay.fake import FakeDispatcher

from harmonizer.sandbox import exceptions as ex
from harmonizer.sandbox.wire import WireApp
from harmonizer.sandbox.wire.faults import traceback_text

XML = "text/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
KW = ["db", 2, "admin", "ir.config_parameter"]


@pytest.fixture
def fake() -> FakeDispatcher:
    return FakeDispatcher()


@pytest.fixture
def app(fake: FakeDispatcher) -> WireApp:
    return WireApp(fake)


def xml_call(app: WireApp, path: str, method: str, *params: Any) -> Any:
    response = app.handle("POST", path, {}, xmlrpc.client.dumps(params, method, allow_none=True).encode())
    assert (response.status, response.content_type) == (200, XML)
    (result,), _ = xmlrpc.client.loads(response.body, use_builtin_types=True)
    return result


def xml_fault(app: WireApp, path: str, method: str, *params: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as info:
        xml_call(app, path, method, *params)
    return info.value


def json_call(app: WireApp, params: Any, request_id: Any = 7) -> dict:
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": request_id})
    response = app.handle("POST", "/jsonrpc", {"Content-Type": "application/json"}, body.encode())
    assert (response.status, response.content_type) == (200, JSON)
    return json.loads(response.body)


FAULT_CASES = [
    # exception, int faultCode, legacy faultCode, JSON data.name
    (ex.UserError("Object no.such.model doesn't exist"), 2, "warning -- UserError",
     "odoo.exceptions.UserError"),
    (ex.ValidationError("The operation cannot be completed: Key must be unique."), 2,
     "warning -- UserError", "odoo.exceptions.ValidationError"),
    (ex.MissingError("Record does not exist or has been deleted."), 2, "warning -- MissingError",
     "odoo.exceptions.MissingError"),
    (ex.AccessError("Private methods (such as _read) cannot be called remotely."), 4,
     "warning -- AccessError", "odoo.exceptions.AccessError"),
]


@pytest.mark.parametrize("error, code, legacy, name", FAULT_CASES, ids=lambda v: type(v).__name__)
def test_odoo_exceptions_on_each_endpoint(app: WireApp, fake: FakeDispatcher, error: ex.ServerException,
                                          code: int, legacy: str, name: str) -> None:
    fake.raise_next = error
    fault = xml_fault(app, "/xmlrpc/2/object", "execute_kw", *KW, "search", [[]])
    assert (fault.faultCode, fault.faultString) == (code, error.message)
    fake.raise_next = error
    fault = xml_fault(app, "/xmlrpc/object", "execute_kw", *KW, "search", [[]])
    assert (fault.faultCode, fault.faultString) == (f"{legacy}\n\n{error.message}", "")
    fake.raise_next = error
    answer = json_call(app, {"service": "object", "method": "execute_kw", "args": [*KW, "search", [[]]]})
    assert list(answer) == ["jsonrpc", "id", "error"]
    assert answer["id"] == 7
    assert answer["error"]["code"] == 200 and answer["error"]["message"] == "Odoo Server Error"
    data = answer["error"]["data"]
    assert list(data) == ["name", "debug", "message", "arguments", "context"]
    assert (data["name"], data["message"], data["arguments"], data["context"]) == (
        name, error.message, [error.message], {})
    assert data["debug"].endswith(f"{name}: {error.message}\n")


def test_access_denied_on_each_endpoint(app: WireApp) -> None:
    params = ["db", 2, "wrong", "res.partner", "search", [[]]]
    fault = xml_fault(app, "/xmlrpc/2/object", "execute_kw", *params)
    assert (fault.faultCode, fault.faultString) == (3, "Access Denied")
    fault = xml_fault(app, "/xmlrpc/object", "execute_kw", *params)
    assert (fault.faultCode, fault.faultString) == ("AccessDenied", "Access Denied")
    data = json_call(app, {"service": "object", "method": "execute_kw", "args": params})["error"]["data"]
    assert (data["name"], data["message"]) == ("odoo.exceptions.AccessDenied", "Access Denied")


def test_python_errors_are_code_1_tracebacks(app: WireApp, fake: FakeDispatcher) -> None:
    fake.raise_next = ex.value_error("Invalid field 'nope' on model 'stock.warehouse'")
    fault = xml_fault(app, "/xmlrpc/2/object", "execute_kw", *KW, "search", [[]])
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):\n  File ")
    assert fault.faultString.endswith("\nValueError: Invalid field 'nope' on model 'stock.warehouse'\n")
    # Legacy endpoint: the message is the faultCode, the traceback the faultString.
    fake.raise_next = ex.key_error("nosuch")
    fault = xml_fault(app, "/xmlrpc/object", "execute_kw", *KW, "search", [[]])
    assert fault.faultCode == "nosuch"
    assert fault.faultString.endswith("\nKeyError: 'nosuch'\n")


def test_unknown_service_key_error_on_json(app: WireApp) -> None:
    data = json_call(app, {"service": "nosuch", "method": "version", "args": []})["error"]["data"]
    assert (data["name"], data["message"], data["arguments"]) == ("builtins.KeyError", "nosuch", ["nosuch"])
    assert data["debug"].endswith("\nKeyError: 'nosuch'\n")


def test_chained_exceptions_render_oldest_first() -> None:
    cause = ex.PythonError("psycopg2.errors.UniqueViolation", "duplicate key value\n")
    try:
        try:
            raise cause
        except ex.PythonError as inner:
            raise ex.ValidationError("The operation cannot be completed: Key must be unique.") from inner
    except ex.ValidationError as outer:
        text = traceback_text(outer)
    first, second = text.split("\nThe above exception was the direct cause of the following exception:\n\n")
    assert first.endswith("psycopg2.errors.UniqueViolation: duplicate key value\n\n")
    assert second.endswith(
        "odoo.exceptions.ValidationError: The operation cannot be completed: Key must be unique.\n")


def test_none_result_xmlrpc_fault_after_commit_json_no_result_key(app: WireApp, fake: FakeDispatcher) -> None:
    fault = xml_fault(app, "/xmlrpc/2/object", "execute_kw", *KW, "flush_model", [[]])
    assert fault.faultCode == 1
    assert fault.faultString.endswith("\nTypeError: cannot marshal None unless allow_none is enabled\n")
    assert fake.calls[-1][1:] == ("execute_kw", [*KW, "flush_model", [[]]])
    answer = json_call(app, {"service": "object", "method": "execute_kw", "args": [*KW, "flush_model", [[]]]})
    assert answer == {"jsonrpc": "2.0", "id": 7}


def test_non_string_struct_keys(app: WireApp) -> None:
    fault = xml_fault(app, "/xmlrpc/2/object", "execute_kw", *KW, "get_external_id", [[1, 2]])
    assert fault.faultCode == 1 and fault.faultString.endswith("\nTypeError: dictionary key must be string\n")
    answer = json_call(app, {"service": "object", "method": "execute_kw",
                             "args": [*KW, "get_external_id", [[1, 2]]]})
    assert answer["result"] == {"1": "fake.record_1", "2": "fake.record_2"}


def test_malformed_xml_is_an_expat_fault(app: WireApp, fake: FakeDispatcher) -> None:
    body = b"<methodCall><methodName>execute_kw</methodName><params>"
    response = app.handle("POST", "/xmlrpc/2/object", {}, body)
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(response.body)
    assert info.value.faultCode == 1
    assert info.value.faultString.endswith(
        "\nxml.parsers.expat.ExpatError: no element found: line 1, column 55\n")
    assert fake.calls == []


def test_json_protocol_errors(app: WireApp, fake: FakeDispatcher) -> None:
    response = app.handle("POST", "/jsonrpc", {}, b'{"jsonrpc": "2.0", "method": "call", ')
    assert (response.status, response.content_type, response.body) == (
        400, "text/html; charset=utf-8", b"Invalid JSON data")
    data = json_call(app, ["common", "version"], request_id=99)["error"]["data"]
    assert (data["name"], data["message"]) == (
        "builtins.ValueError", "dictionary update sequence element #0 has length 6; 2 is required")
    data = json_call(app, {"service": "common", "method": "version"}, request_id=100)["error"]["data"]
    assert (data["name"], data["message"]) == (
        "builtins.TypeError", "RPC.jsonrpc() missing 1 required positional argument: 'args'")
    assert fake.calls == []


def test_values_nil_datetimes_floats(app: WireApp, fake: FakeDispatcher) -> None:
    sent = [1, None, dt.datetime(2026, 1, 2, 3, 4, 5)]
    body = xmlrpc.client.dumps(tuple([*KW, "echo", [sent]]), "execute_kw", allow_none=True).encode()
    assert b"<nil/>" in body
    answer = app.handle("POST", "/xmlrpc/2/object", {}, body)
    assert fake.calls[-1][2][-1] == [sent]  # <nil/> decoded to None, dateTime to datetime
    assert b"cannot marshal None" in answer.body  # ...but None cannot travel back
    response = app.handle("POST", "/xmlrpc/2/object", {},
                          xmlrpc.client.dumps(tuple([*KW, "sample_values", []]), "execute_kw").encode())
    text = response.body.decode()
    assert "<string>2026-01-02 03:04:05</string>" in text and "<string>2026-01-02</string>" in text
    assert "<double>5000.0</double>" in text and "dateTime.iso8601" not in text
    answer = json_call(app, {"service": "object", "method": "execute_kw", "args": [*KW, "sample_values", []]})
    assert answer["result"] == {"when": "2026-01-02 03:04:05", "day": "2026-01-02", "ratio": 5000.0}


def test_routes(app: WireApp) -> None:
    assert xml_call(app, "/xmlrpc/2/common", "version")["server_serie"] == "17.0"
    assert xml_call(app, "/xmlrpc/common", "version")["server_serie"] == "17.0"
    assert app.handle("GET", "/xmlrpc/2/common", {}, b"").status == 405
    assert app.handle("POST", "/web/nothing", {}, b"").status == 404
