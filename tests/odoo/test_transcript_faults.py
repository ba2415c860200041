"""Every XML-RPC / JSON-RPC exchange captured from real Odoo 16-19, replayed against our connectors.

A local HTTP server answers each call with the transcript's exact response bytes. The client
sends the transcript's own call (decoded from its request bytes), and we check:
- the request we sent decodes to the same call as the captured one;
- a success answer decodes to the captured value (a JSON-RPC answer without ``result`` -> None);
- an error answer becomes the harmonizer error of its class. The expected class comes from the
  JSON-RPC twin's ``data.name`` (same title in the same file) or from the fault code, never
  from the code under test; for XML-RPC code 2 a plain ``OdooUserError`` is always acceptable
  (the code is ambiguous), a wrong specific class never is.
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest
from odoo_fakes import REFERENCE, Reply, ScriptedServer, reply_of

from harmonizer.errors import (
    OdooAccessDenied,
    OdooAccessError,
    OdooBusy,
    OdooError,
    OdooMissingError,
    OdooUserError,
    OdooValidationError,
    TransportError,
)
from harmonizer.odoo.calls import NONE_RESULT_METHODS, RetryPolicy
from harmonizer.odoo.channels import HttpChannel
from harmonizer.odoo.connectors import JsonRpcConnector, RpcConnector, XmlRpcConnector
from harmonizer.odoo.faults import BUSY_PREFIX
from harmonizer.odoo.settings import parse_url

VERSIONS = ("16.0", "17.0", "18.0", "19.0")
FILES = ("auth", "crud", "automation", "x2many", "xmlid", "errors", "company_settings")

EXPECTED_BY_NAME: dict[str, type[OdooError]] = {
    "odoo.exceptions.AccessDenied": OdooAccessDenied,
    "odoo.exceptions.AccessError": OdooAccessError,
    "odoo.exceptions.ValidationError": OdooValidationError,
    "odoo.exceptions.MissingError": OdooMissingError,
    "odoo.exceptions.UserError": OdooUserError,
}
EXPECTED_BY_CODE: dict[int, type[OdooError]] = {3: OdooAccessDenied, 4: OdooAccessError, 2: OdooUserError}
LEGACY_WORDS: dict[str, type[OdooError]] = {
    "AccessError": OdooAccessError, "MissingError": OdooMissingError, "UserError": OdooUserError,
}


def _entries() -> Iterator[Any]:
    for version in VERSIONS:
        for name in FILES:
            path = REFERENCE / version / "transcripts" / f"{name}.json"
            if not path.exists():
                continue
            entries = json.loads(path.read_text(encoding="utf-8"))
            for index, entry in enumerate(entries):
                if entry["protocol"] in ("xmlrpc", "jsonrpc"):
                    test_id = f"{version}-{name}-{index:03d}-{entry['protocol']}"
                    yield pytest.param(version, entries, index, id=test_id)


ENTRIES = list(_entries())


def _title_key(title: str) -> str:
    return re.sub(r"\s*\[(xml|json)\]\s*$", "", title)


def _twin_error(entries: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON-RPC error data of the exchange with the same title, if any."""
    for other in entries:
        if other["protocol"] == "jsonrpc" and _title_key(other["title"]) == _title_key(entry["title"]):
            body = json.loads(other["response_body"]) if other["http_status"] == 200 else {}
            error = body.get("error")
            return error["data"] if error else None
    return None


def _call_of(entry: dict[str, Any]) -> tuple[str, str, tuple[Any, ...]]:
    """(service, method, args) the captured request made; a harmless call when it is not decodable."""
    try:
        if entry["protocol"] == "xmlrpc":
            params, method = xmlrpc.client.loads(entry["request_body"].encode())
            return entry["url_path"].rsplit("/", 1)[1], method, params
        params = json.loads(entry["request_body"])["params"]
        return params["service"], params["method"], tuple(params["args"])
    except Exception:
        return "common", "version", ()


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer(lambda request: Reply(500, "text/plain", b"no reply set")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def connectors(server: ScriptedServer) -> Iterator[dict[str, RpcConnector]]:
    policy = RetryPolicy(retries=0, backoff=0, sleep=lambda _: None)
    made: dict[str, RpcConnector] = {}
    for name, cls in (("xmlrpc", XmlRpcConnector), ("jsonrpc", JsonRpcConnector)):
        channel = HttpChannel(parse_url(server.url), connect_timeout=2, timeout=10)
        made[name] = cls(channel, policy=policy)
    yield made
    for connector in made.values():
        connector.channel.close()


def _check_sent(entry: dict[str, Any], sent: bytes) -> None:
    if entry["protocol"] == "xmlrpc":
        try:
            expected = xmlrpc.client.loads(entry["request_body"].encode())
        except Exception:
            return
        assert xmlrpc.client.loads(sent) == expected
    else:
        try:
            expected_params = json.loads(entry["request_body"])["params"]
        except Exception:
            return
        if isinstance(expected_params, dict) and "args" in expected_params:
            assert json.loads(sent)["params"] == expected_params


@pytest.mark.parametrize(("version", "entries", "index"), ENTRIES)
def test_transcript_exchange(version: str, entries: list[dict[str, Any]], index: int, server: ScriptedServer,
                             connectors: dict[str, RpcConnector]) -> None:
    entry = entries[index]
    server.responder = lambda request: reply_of(entry)
    service, method, args = _call_of(entry)
    connector = connectors[entry["protocol"]]
    before = len(server.requests)
    outcome: Any
    try:
        outcome = connector.send(service, method, *args)
    except (OdooError, TransportError) as exc:
        outcome = exc
    assert len(server.requests) == before + 1, "exactly one request per call"
    _check_sent(entry, server.requests[-1].body)
    if entry["http_status"] != 200:
        assert isinstance(outcome, TransportError)
        assert not outcome.may_have_committed  # common.version (or a read) is never a write
        return
    if entry["protocol"] == "jsonrpc":
        _check_jsonrpc(json.loads(entry["response_body"]), outcome)
    else:
        _check_xmlrpc(entries, entry, args, outcome)


def _check_jsonrpc(answer: dict[str, Any], outcome: Any) -> None:
    if "error" not in answer:
        assert not isinstance(outcome, Exception)
        assert outcome == answer.get("result")
        return
    data = answer["error"]["data"]
    expected = EXPECTED_BY_NAME.get(data["name"], OdooError)
    if expected is OdooUserError and data["message"].startswith(BUSY_PREFIX):
        expected = OdooBusy
    assert type(outcome) is expected
    assert outcome.message == data["message"]
    assert outcome.kind == data["name"].rsplit(".", 1)[-1]


def _check_xmlrpc(entries: list[dict[str, Any]], entry: dict[str, Any], args: tuple[Any, ...],
                  outcome: Any) -> None:
    try:
        (value,), _ = xmlrpc.client.loads(entry["response_body"].encode())
    except xmlrpc.client.Fault as fault:
        _check_fault(entries, entry, args, fault, outcome)
        return
    assert not isinstance(outcome, Exception)
    assert outcome == value


def _check_fault(entries: list[dict[str, Any]], entry: dict[str, Any], args: tuple[Any, ...],
                 fault: xmlrpc.client.Fault, outcome: Any) -> None:
    code, text = fault.faultCode, fault.faultString
    model_method = args[4] if len(args) > 4 else None
    if code == 1 and text.rstrip().endswith("cannot marshal None unless allow_none is enabled") \
            and model_method in NONE_RESULT_METHODS:
        assert outcome is None  # committed by Odoo before the marshalling fault
        return
    assert isinstance(outcome, OdooError)
    twin = _twin_error(entries, entry)
    if isinstance(code, str):
        word = code.removeprefix("warning -- ").split("\n", 1)[0]
        if code == "AccessDenied":
            assert type(outcome) is OdooAccessDenied
        elif code.startswith("warning -- "):
            assert type(outcome) in {LEGACY_WORDS[word], OdooUserError, OdooValidationError}
            assert outcome.message == code.split("\n\n", 1)[1]
        else:
            assert type(outcome) is OdooError
            assert outcome.message == code
        return
    if code == 1:
        last = [line for line in text.split("\n") if line.strip()][-1]
        assert type(outcome) is OdooError
        assert outcome.message == last.split(": ", 1)[1]
        if twin is not None:
            # a KeyError's traceback line shows repr(key); its JSON-RPC message is the bare key
            twin_message = twin["message"].strip()
            if twin["name"] == "builtins.KeyError":
                twin_message = repr(twin_message)
            assert outcome.message == twin_message
            assert outcome.kind == twin["name"].rsplit(".", 1)[-1]
        return
    expected = EXPECTED_BY_NAME.get(twin["name"], OdooUserError) if twin else EXPECTED_BY_CODE[code]
    if expected is OdooUserError and text.startswith(BUSY_PREFIX):
        expected = OdooBusy  # 19.0's "Record cannot be modified right now" (a UserError): retryable
    assert outcome.message == text
    if code == 2:
        assert type(outcome) in {expected, OdooUserError}
    else:
        assert type(outcome) is expected


def test_code_two_is_classified_exactly_where_the_message_is_unambiguous(connectors: dict[str, RpcConnector],
                                                                        server: ScriptedServer) -> None:
    """MissingError and SQL-constraint ValidationError faults of 17.0 get their exact class."""
    path = REFERENCE / "17.0" / "transcripts" / "errors.json"
    if not path.exists():
        pytest.skip("reference transcripts absent")
    entries = json.loads(path.read_text(encoding="utf-8"))
    exact = {OdooMissingError: 0, OdooValidationError: 0}
    for entry in entries:
        if entry["protocol"] != "xmlrpc" or entry["url_path"] != "/xmlrpc/2/object":
            continue
        twin = _twin_error(entries, entry)
        if twin is None or twin["name"] not in (
                "odoo.exceptions.MissingError", "odoo.exceptions.ValidationError"):
            continue
        server.responder = lambda request, entry=entry: reply_of(entry)
        with pytest.raises(OdooError) as caught:
            connectors["xmlrpc"].send(*_call_of(entry)[:2], *_call_of(entry)[2])
        expected = EXPECTED_BY_NAME[twin["name"]]
        if twin["message"].startswith(("Record does not exist", "The operation cannot be completed:")):
            assert type(caught.value) is expected
            exact[expected] += 1
        elif twin["message"].startswith(BUSY_PREFIX):
            assert type(caught.value) is OdooBusy
        else:
            assert type(caught.value) is OdooUserError  # e.g. a SyntaxError constraint: not guessed
    assert exact[OdooMissingError] >= 4
    assert exact[OdooValidationError] >= 4
