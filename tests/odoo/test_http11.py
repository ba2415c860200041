"""The lean HTTP/1.1 connection sends what ``http.client`` sends and reads what it reads,
failures included, over real local sockets answering scripted bytes."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator

import pytest

from harmonizer.odoo.channels import HttpChannel, Unanswered
from harmonizer.odoo.http11 import Connection
from harmonizer.odoo.settings import parse_url


class RawServer:
    """Accepts connections; on each, reads one request (headers and ``Content-Length`` body),
    keeps its bytes, sends ``reply`` and closes when ``close`` is set."""

    def __init__(self, reply: bytes, *, close: bool = False) -> None:
        self.reply = reply
        self.close = close
        self.requests: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                while True:
                    request = self._read(conn)
                    if request is None:
                        break
                    self.requests.append(request)
                    conn.sendall(self.reply)
                    if self.close:
                        break

    @staticmethod
    def _read(conn: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += conn.recv(65536)
        return head + b"\r\n\r\n" + rest

    def stop(self) -> None:
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[type[RawServer]]:
    servers: list[RawServer] = []

    class Made(RawServer):
        def __init__(self, reply: bytes, **kwargs: bool) -> None:
            super().__init__(reply, **kwargs)
            servers.append(self)

    yield Made
    for server in servers:
        server.stop()


OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\nhello"


@pytest.mark.parametrize(("method", "body", "headers"), [
    ("POST", b"<xml/>", {"User-Agent": "harmonizer-odoo-client", "Content-Type": "text/xml; charset=utf-8"}),
    ("POST", None, {"User-Agent": "x"}), ("GET", None, {}), ("POST", b"", {"Authorization": "Bearer k"}),
    ("POST", b"x" * 100000, {"Content-Type": "application/json", "X-Odoo-Database": "db"}),
    ("GET", None, {"Host": "other", "Accept-Encoding": "gzip"}),
])
def test_requests_are_the_bytes_http_client_sends(serve: type[RawServer], method: str, body: bytes | None,
                                                  headers: dict[str, str]) -> None:
    server = serve(OK)
    standard = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    standard.request(method, "/xmlrpc/2/object", body=body, headers=headers)
    assert standard.getresponse().read() == b"hello"
    standard.close()
    lean = Connection("127.0.0.1", server.port, tls=None, connect_timeout=5, timeout=5)
    lean.connect()
    assert lean.exchange(method, "/xmlrpc/2/object", body, headers).body == b"hello"
    lean.close()
    assert server.requests[1] == server.requests[0]


@pytest.mark.parametrize("reply", [
    OK,
    b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"3\r\nhel\r\n2;ext=1\r\nlo\r\n0\r\nTrailer: x\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Folded: a\r\n b\r\n\r\nhello",
    b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
    b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\nuntil the end",
    b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: " + str(300000).encode() + b"\r\n\r\n" + b"y" * 300000,
    b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-type: a/b\r\nContent-Length: 2\r\n\r\nok",
])
def test_answers_read_as_http_client_reads_them(serve: type[RawServer], reply: bytes) -> None:
    server = serve(reply, close=True)
    standard = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    standard.request("POST", "/x", body=b"{}")
    response = standard.getresponse()
    expected = (response.status, response.getheader("Content-Type", ""), response.read(),
                dict(response.getheaders()), response.will_close)
    standard.close()
    lean = Connection("127.0.0.1", server.port, tls=None, connect_timeout=5, timeout=5)
    lean.connect()
    answer = lean.exchange("POST", "/x", b"{}", {})
    lean.close()
    assert (answer.status, answer.header("Content-Type"), answer.body, dict(answer.headers),
            answer.will_close) == expected


@pytest.mark.parametrize(("reply", "reason"), [
    (b"", "connection closed by the server without an answer"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "IncompleteRead(5 bytes read, 5 more expected)"),
    (b"garbage\r\n\r\n", "garbage\r\n"),
    (b"HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 abc OK\r\n"),
])
def test_broken_answers_fail_as_with_http_client(serve: type[RawServer], reply: bytes, reason: str) -> None:
    server = serve(reply, close=True)
    channel = HttpChannel(parse_url(f"http://127.0.0.1:{server.port}"), connect_timeout=5, timeout=5)
    with pytest.raises(Unanswered) as caught:
        channel.request("POST", "/xmlrpc/2/object", b"<x/>", {})
    assert caught.value.reason == reason and caught.value.sent
    standard = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    standard.request("POST", "/xmlrpc/2/object", body=b"<x/>")
    with pytest.raises((http.client.HTTPException, OSError)) as stdlib:
        standard.getresponse().read()
    assert reason in (str(stdlib.value), "connection closed by the server without an answer")


def test_a_line_break_in_a_header_value_is_refused_before_sending(serve: type[RawServer]) -> None:
    server = serve(OK)
    lean = Connection("127.0.0.1", server.port, tls=None, connect_timeout=5, timeout=5)
    lean.connect()
    with pytest.raises(ValueError, match="Invalid header value"):
        lean.exchange("POST", "/x", b"", {"Authorization": "Bearer k\r\nX-Forged: 1"})
    lean.close()
    assert server.requests == []


def test_host_header_of_names_ports_and_ipv6() -> None:
    assert Connection("odoo.example", None, tls=None, connect_timeout=1, timeout=1)._host_header == "odoo.example"
    assert Connection("odoo.example", 8069, tls=None, connect_timeout=1, timeout=1)._host_header == "odoo.example:8069"
    assert Connection("::1", 8069, tls=None, connect_timeout=1, timeout=1)._host_header == "[::1]:8069"
    standard = http.client.HTTPConnection("::1", 8069)
    standard.putrequest("GET", "/")
    assert b"Host: [::1]:8069" in standard._buffer  # type: ignore[attr-defined]
