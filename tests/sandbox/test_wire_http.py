"""The HTTP server: real sockets, keep-alive, concurrent clients, clean stop."""

from __future__ import annotations

import http.client
import json
import sys
import threading
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from replay.fake import FakeDispatcher

from harmonizer.sandbox.serve import RunningSandbox, start
from harmonizer.sandbox.wire import WireApp


@pytest.fixture
def running() -> Iterator[RunningSandbox]:
    with start(WireApp(FakeDispatcher())) as server:
        yield server


def test_binds_loopback_on_a_free_port(running: RunningSandbox) -> None:
    assert running.host == "127.0.0.1"
    assert running.port > 0
    proxy = xmlrpc.client.ServerProxy(f"{running.url}/xmlrpc/2/common")
    assert proxy.version()["server_serie"] == "17.0"


def test_keep_alive_serves_several_requests_on_one_connection(running: RunningSandbox) -> None:
    connection = http.client.HTTPConnection(running.host, running.port, timeout=10)
    sockets = set()
    for key in ("a", "b", "c"):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": key, "params": {
            "service": "object", "method": "execute_kw",
            "args": ["db", 2, "admin", "ir.config_parameter", "create", [{"key": key}]]}})
        connection.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/json; charset=utf-8"
        assert json.loads(response.read())["id"] == key
        assert not response.will_close
        sockets.add(id(connection.sock))
    assert len(sockets) == 1  # http.client reconnects only if the server closed the socket
    connection.close()


def test_xmlrpc_transport_reuses_its_connection(running: RunningSandbox) -> None:
    proxy = xmlrpc.client.ServerProxy(f"{running.url}/xmlrpc/2/object")
    ids = [proxy.execute_kw("db", 2, "admin", "ir.config_parameter", "create", [{"key": f"k{i}"}])
           for i in range(3)]
    assert ids == [1, 2, 3]
    connection = proxy("transport")._connection[1]
    assert connection is not None and connection.sock is not None


def test_concurrent_clients(running: RunningSandbox) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        proxy = xmlrpc.client.ServerProxy(f"{running.url}/xmlrpc/2/object")
        for i in range(5):
            new_id = proxy.execute_kw("db", 2, "admin", "ir.config_parameter", "create",
                                      [{"key": f"{n}.{i}"}])
            with lock:
                results.append(new_id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 21))


def test_stop_closes_idle_keep_alive_connections() -> None:
    server = start(WireApp(FakeDispatcher()))
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.request("POST", "/xmlrpc/2/common", xmlrpc.client.dumps((), "version"))
    assert connection.getresponse().read()
    server.stop()  # must return although the client keeps its connection open
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        connection.request("POST", "/xmlrpc/2/common", xmlrpc.client.dumps((), "version"))
        connection.getresponse()
    connection.close()


def test_unknown_path_is_404_html(running: RunningSandbox) -> None:
    connection = http.client.HTTPConnection(running.host, running.port, timeout=10)
    connection.request("POST", "/web/unknown", b"")
    response = connection.getresponse()
    assert response.status == 404
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    response.read()
    connection.close()


def test_serve_entry_point_with_the_real_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harmonizer.sandbox.serve import serve
    from harmonizer.sandbox.service import SandboxServer

    seeded = SandboxServer(tmp_path)
    seeded.ensure_database("harmonizer_demo")
    seeded.close()
    monkeypatch.setenv("HARMONIZER_SANDBOX_FAULTS", "2:http502")
    ready: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(tmp_path, 0),
                              kwargs={"on_ready": ready.append, "stop": stop}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if ready:
                break
            stop.wait(0.01)
        assert ready and ready[0].startswith("http://127.0.0.1:")
        common = xmlrpc.client.ServerProxy(f"{ready[0]}/xmlrpc/2/common")
        assert common.version()["server_serie"] == "17.0"
        with pytest.raises(xmlrpc.client.ProtocolError) as info:  # call 2: the env lever
            common.login("harmonizer_demo", "admin", "admin")
        assert info.value.errcode == 502
        assert common.login("harmonizer_demo", "admin", "admin") == 2
        assert xmlrpc.client.ServerProxy(f"{ready[0]}/xmlrpc/2/db").list() == ["harmonizer_demo"]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
