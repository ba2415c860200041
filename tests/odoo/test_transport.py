"""Keep-alive, timeouts, read-only retries and the double-send trap, over real local HTTP.

``FakeOdoo`` runs each call it receives and logs it in ``executed``; the scripted faults drop
or stall the connection before or after running a call, as a network or proxy would.
"""

from __future__ import annotations

import socket
import xmlrpc.client
from collections.abc import Callable

import pytest
from odoo_fakes import FakeOdoo, ScriptedServer

from harmonizer.errors import TransportError
from harmonizer.odoo import ConnectionSettings, OdooSession, connect

Make = Callable[..., ScriptedServer]
PASSWORD = "s3cret-Pa55word"


def _settings(url: str, protocol: str = "xmlrpc", **kwargs: object) -> ConnectionSettings:
    options: dict[str, object] = {"retries": 2, "retry_backoff": 0.0, "timeout": 5.0}
    options.update(kwargs)
    return ConnectionSettings(url, "db", "admin", PASSWORD, protocol=protocol, **options)  # type: ignore[arg-type]


def _session(scripted: Make, protocol: str = "xmlrpc", **kwargs: object) -> tuple[FakeOdoo, ScriptedServer,
                                                                                  OdooSession]:
    fake = FakeOdoo(password=PASSWORD)
    server = scripted(fake)
    session = connect(_settings(server.url, protocol, **kwargs))
    return fake, server, session


def _calls_of(server: ScriptedServer, marker: bytes) -> int:
    return sum(1 for request in server.requests if marker in request.body)


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_one_tcp_connection_serves_the_whole_session(scripted: Make, protocol: str) -> None:
    fake, server, session = _session(scripted, protocol)
    writer = session.writer()
    ids = writer.create("res.partner", [{"name": "A"}, {"name": "B"}])
    for _ in range(5):
        writer.search_read("res.partner", [("name", "=", "A")], ["name"])
    writer.write("res.partner", ids, {"name": "C"})
    session.close()
    assert server.connections == 1
    assert session.stats.round_trips == 2 + 1 + 5 + 1  # version, authenticate, then the calls
    assert session.stats.count("res.partner", "search_read") == 5
    assert session.version.major == 17 and session.uid == 2
    assert len(fake.executed) == 7
    expected_paths = {"/jsonrpc"} if protocol == "jsonrpc" else {"/xmlrpc/2/common", "/xmlrpc/2/object"}
    assert {request.path for request in server.requests} == expected_paths  # never the legacy /xmlrpc/


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_a_create_whose_answer_is_lost_is_sent_exactly_once(scripted: Make, protocol: str) -> None:
    fake, server, session = _session(scripted, protocol)
    fake.faults[fake.count + 1] = "reset-after"  # Odoo commits, then the connection drops
    with pytest.raises(TransportError) as caught:
        session.writer().create("res.partner", {"name": "Once"})
    assert caught.value.may_have_committed
    assert "may have been committed" in str(caught.value)
    assert fake.executed.count(("res.partner", "create")) == 1
    assert _calls_of(server, b"create") == 1
    assert len(fake.records["res.partner"]) == 1


def test_the_stdlib_transport_would_have_sent_that_create_twice(scripted: Make) -> None:
    """The trap the test above guards against, reproduced with xmlrpc.client on the same fake."""
    fake = FakeOdoo(password=PASSWORD)
    server = scripted(fake)
    proxy = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    fake.faults[1] = "reset-after"
    fake.faults[2] = "reset-after"
    with pytest.raises((ConnectionError, xmlrpc.client.ProtocolError, OSError)):
        proxy.execute_kw("db", 2, PASSWORD, "res.partner", "create", [{"name": "Twice"}], {})
    assert fake.executed.count(("res.partner", "create")) == 2


@pytest.mark.parametrize("fault", ["reset-before", "reset-after", "502"])
def test_reads_are_retried(scripted: Make, fault: str) -> None:
    fake, server, session = _session(scripted)
    fake.records["res.partner"] = {1: {"id": 1, "name": "A"}}
    fake.faults[fake.count + 1] = fault
    rows = session.reader().search_read("res.partner", [], ["name"])
    assert rows == [{"id": 1, "name": "A"}]
    assert _calls_of(server, b"search_read") == 2
    assert session.stats.retries == 1
    assert session.stats.count("res.partner", "search_read") == 1


def test_read_retries_are_bounded(scripted: Make) -> None:
    fake, server, session = _session(scripted, retries=2)
    for n in range(1, 10):
        fake.faults[fake.count + n] = "reset-before"
    with pytest.raises(TransportError) as caught:
        session.reader().search_count("res.partner")
    assert not caught.value.may_have_committed
    assert "after 3 attempts" in str(caught.value)
    assert _calls_of(server, b"search_count") == 3


@pytest.mark.parametrize("fault", ["reset-before", "502"])
def test_writes_are_never_retried_once_sent(scripted: Make, fault: str) -> None:
    fake, server, session = _session(scripted)
    fake.records["res.partner"] = {1: {"id": 1, "name": "A"}}
    fake.faults[fake.count + 1] = fault
    with pytest.raises(TransportError) as caught:
        session.writer().write("res.partner", [1], {"name": "B"})
    assert caught.value.may_have_committed  # the client cannot know whether it ran
    assert _calls_of(server, b"<string>write</string>") == 1


def test_read_timeout(scripted: Make) -> None:
    fake, _server, session = _session(scripted, timeout=0.3, retries=0)
    fake.faults[fake.count + 1] = "stall-after"
    with pytest.raises(TransportError, match="timed out") as caught:
        session.reader().search("res.partner")
    assert not caught.value.may_have_committed


def test_write_timeout_may_have_committed(scripted: Make) -> None:
    fake, _server, session = _session(scripted, timeout=0.3, retries=2)
    fake.faults[fake.count + 1] = "stall-after"
    with pytest.raises(TransportError, match="timed out") as caught:
        session.writer().create("res.partner", {"name": "Slow"})
    assert caught.value.may_have_committed
    assert fake.executed.count(("res.partner", "create")) == 1


def test_a_connection_closed_while_idle_is_replaced_before_sending(scripted: Make) -> None:
    fake, server, session = _session(scripted)
    fake.records["res.partner"] = {1: {"id": 1, "name": "A"}}
    fake.faults[fake.count + 1] = "close-after"  # answers, then the server drops the idle connection
    assert session.reader().search("res.partner") == [1]
    new_id = session.writer().create("res.partner", {"name": "B"})
    assert fake.records["res.partner"][new_id]["name"] == "B"
    assert fake.executed.count(("res.partner", "create")) == 1
    assert server.connections == 2
    assert session.stats.retries == 0


def test_unreachable_server() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # held, never listening: refused, and no other process can take it meanwhile
        port = sock.getsockname()[1]
        settings = _settings(f"http://127.0.0.1:{port}", retries=1)
        with pytest.raises(TransportError) as caught:
            connect(settings)
    assert str(caught.value).startswith(f"cannot reach http://127.0.0.1:{port}: connection refused")
    assert not caught.value.may_have_committed


def test_connect_timeout_is_separate_from_read_timeout(scripted: Make) -> None:
    """A stalled server trips the read timeout of a session whose connect timeout is long."""
    fake = FakeOdoo(password=PASSWORD)
    fake.faults[1] = "stall-after"
    server = scripted(fake)
    with pytest.raises(TransportError, match="timed out"):
        connect(_settings(server.url, retries=0, connect_timeout=30.0, timeout=0.3))
