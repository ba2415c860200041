"""Test levers: each injected fault is observable by plain stdlib clients, in-process too."""

from __future__ import annotations

import http.client
import socket
import sys
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from replay.fake import FakeDispatcher

from harmonizer.sandbox.exceptions import AccessError, ValidationError
from harmonizer.sandbox.serve import RunningSandbox, start
from harmonizer.sandbox.wire import (
    ConnectionResetInjected,
    FaultKind,
    InjectedFault,
    Levers,
    TimeoutInjected,
    WireApp,
    parse_faults,
)
from harmonizer.sandbox.wire import app as app_module

CREATE = ("db", 2, "admin", "ir.config_parameter", "create")


@pytest.fixture
def fake() -> FakeDispatcher:
    return FakeDispatcher()


@pytest.fixture
def levers() -> Levers:
    return Levers()


@pytest.fixture
def running(fake: FakeDispatcher, levers: Levers) -> Iterator[RunningSandbox]:
    with start(WireApp(fake, levers)) as server:
        yield server


def proxy(running: RunningSandbox, timeout: float = 10.0) -> xmlrpc.client.ServerProxy:
    class Transport(xmlrpc.client.Transport):
        def make_connection(self, host: str) -> http.client.HTTPConnection:
            connection = super().make_connection(host)
            connection.timeout = timeout
            return connection

    return xmlrpc.client.ServerProxy(f"{running.url}/xmlrpc/2/object", transport=Transport())


def post_xml(running: RunningSandbox, method: str, *params: object) -> object:
    """One XML-RPC call over a fresh http.client connection: no retry hides a reset."""
    connection = http.client.HTTPConnection(running.host, running.port, timeout=10)
    try:
        connection.request("POST", "/xmlrpc/2/object", xmlrpc.client.dumps(params, method))
        (result,), _ = xmlrpc.client.loads(connection.getresponse().read())
        return result
    finally:
        connection.close()


def test_parse_faults_and_env() -> None:
    faults = parse_faults("5:reset-after, 9:http502,3:timeout=2.5,"
                          "7:odoo-error=AccessError:Nope,2:reset-before")
    assert [(f.call, f.kind) for f in faults] == [
        (5, FaultKind.RESET_AFTER), (9, FaultKind.HTTP_502), (3, FaultKind.TIMEOUT),
        (7, FaultKind.ODOO_ERROR), (2, FaultKind.RESET_BEFORE)]
    assert faults[2].seconds == 2.5
    error = faults[3].odoo_error()
    assert isinstance(error, AccessError) and error.message == "Nope"
    levers = Levers.from_env({"HARMONIZER_SANDBOX_LATENCY": "0.02", "HARMONIZER_SANDBOX_FAULTS": "4:http502"})
    assert levers.latency == 0.02
    assert [levers.next_call() for _ in range(4)][-1] == (4, InjectedFault(4, FaultKind.HTTP_502))
    assert levers.pending == []  # the fault fired once and is consumed
    for bad in ("x:reset-after", "3:explode", "3:http502=1", "0:http502", "2:odoo-error=NoSuchError"):
        with pytest.raises(ValueError):
            parse_faults(bad)


def test_latency_sleeps_on_every_rpc_request(monkeypatch: pytest.MonkeyPatch, fake: FakeDispatcher) -> None:
    slept: list[float] = []
    monkeypatch.setattr(app_module.time, "sleep", slept.append)
    app = WireApp(fake, Levers(latency=0.02))
    for _ in range(3):
        app.handle("POST", "/xmlrpc/2/common", {}, xmlrpc.client.dumps((), "version").encode())
    app.handle("POST", "/not-rpc", {}, b"")
    assert slept == [0.02, 0.02, 0.02]


def test_reset_before_drops_the_call_uncommitted(running: RunningSandbox, fake: FakeDispatcher,
                                                 levers: Levers) -> None:
    levers.inject(2, "reset-before")
    assert post_xml(running, "execute_kw", *CREATE, [{"key": "one"}]) == 1
    with pytest.raises(ConnectionError):
        post_xml(running, "execute_kw", *CREATE, [{"key": "two"}])
    assert [row["key"] for row in fake.rows.values()] == ["one"]
    assert proxy(running).execute_kw(*CREATE, [{"key": "three"}]) == 2  # the server lives on


def test_reset_after_loses_the_answer_but_commits(running: RunningSandbox, fake: FakeDispatcher,
                                                  levers: Levers) -> None:
    levers.inject(1, "reset-after")
    with pytest.raises(ConnectionError):
        post_xml(running, "execute_kw", *CREATE, [{"key": "lost answer"}])
    read = proxy(running).execute_kw("db", 2, "admin", "ir.config_parameter", "read", [[1]])
    assert read == [{"id": 1, "key": "lost answer"}]


def test_timeout_commits_then_stays_silent(running: RunningSandbox, fake: FakeDispatcher,
                                           levers: Levers) -> None:
    levers.inject(1, "timeout", seconds=30)
    with pytest.raises(TimeoutError):
        proxy(running, timeout=0.5).execute_kw(*CREATE, [{"key": "slow"}])
    assert [row["key"] for row in fake.rows.values()] == ["slow"]
    # stop() (fixture teardown) must not wait the 30 seconds: it wakes the silent handler.


def test_http_502_with_html_body(running: RunningSandbox, fake: FakeDispatcher, levers: Levers) -> None:
    levers.inject(1, "http502")
    with pytest.raises(xmlrpc.client.ProtocolError) as info:
        proxy(running).execute_kw(*CREATE, [{"key": "never"}])
    assert info.value.errcode == 502
    assert info.value.headers["Content-Type"] == "text/html; charset=utf-8"
    assert fake.calls == []
    connection = http.client.HTTPConnection(running.host, running.port, timeout=10)
    levers.inject(2, "http502")
    connection.request("POST", "/xmlrpc/2/common", xmlrpc.client.dumps((), "version"))
    response = connection.getresponse()
    assert response.status == 502 and b"502 Bad Gateway" in response.read()
    connection.close()


def test_odoo_error_replaces_the_call(running: RunningSandbox, fake: FakeDispatcher, levers: Levers) -> None:
    levers.inject(1, "odoo-error", error=ValidationError("Injected validation"))
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy(running).execute_kw(*CREATE, [{"key": "never"}])
    assert (info.value.faultCode, info.value.faultString) == (2, "Injected validation")
    assert fake.rows == {}


def test_in_process_exceptions_carry_commit_state(fake: FakeDispatcher) -> None:
    levers = Levers(faults=parse_faults("1:reset-before,2:reset-after,3:timeout=4"))
    app = WireApp(fake, levers)
    body = xmlrpc.client.dumps((*CREATE, [{"key": "x"}]), "execute_kw").encode()
    with pytest.raises(ConnectionResetInjected) as before:
        app.handle("POST", "/xmlrpc/2/object", {}, body)
    assert (before.value.call_number, before.value.committed) == (1, False)
    with pytest.raises(ConnectionResetInjected) as after:
        app.handle("POST", "/xmlrpc/2/object", {}, body)
    assert (after.value.call_number, after.value.committed) == (2, True)
    with pytest.raises(TimeoutInjected) as timeout:
        app.handle("POST", "/xmlrpc/2/object", {}, body)
    assert (timeout.value.committed, timeout.value.seconds) == (True, 4.0)
    assert len(fake.rows) == 2 and levers.calls == 3


def test_reset_is_seen_by_a_raw_socket(running: RunningSandbox, levers: Levers) -> None:
    levers.inject(1, "reset-before")
    body = xmlrpc.client.dumps((), "version").encode()
    with socket.create_connection((running.host, running.port), timeout=10) as raw:
        raw.sendall(b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + str(len(body)).encode() + b"\r\n\r\n" + body)
        try:
            data = raw.recv(1024)
        except ConnectionResetError:
            data = b""
    assert data == b""  # no status line, no bytes at all


def test_reset_after_commits_on_the_real_stand_in() -> None:
    from harmonizer.sandbox.service import SandboxServer

    server = SandboxServer(None)
    server.ensure_database("levers")
    levers = Levers(faults=parse_faults("1:reset-after"))
    try:
        with start(WireApp(server, levers)) as running:
            params = ("levers", 2, "admin", "ir.config_parameter", "create", [{"key": "lever.key", "value": "v"}])
            with pytest.raises(ConnectionError):
                post_xml(running, "execute_kw", *params)
            found = post_xml(running, "execute_kw", "levers", 2, "admin", "ir.config_parameter", "search_read",
                             [[["key", "=", "lever.key"]]], {"fields": ["value"]})
            assert [row["value"] for row in found] == ["v"]  # type: ignore[union-attr]
    finally:
        server.close()
