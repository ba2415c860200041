"""One HTTP/1.1 client connection, leaner than ``http.client``: a request is one ``sendall``
and an answer a few ``recv`` calls, with its headers split by hand.

``http.client`` parses every answer's headers with the ``email`` package and sends a request's
headers and body in two writes: about 0.15 ms of CPU per request here, most of a small call's
client cost. This connection sends what ``http.client.HTTPConnection.request`` sends (the same
request line and headers, in the same order) and reads the answers it reads. Rules:
- Only ``request`` then ``response``, one request at a time; the caller keeps the connection
  alive and closes it after a failure or an answer saying so (``Answer.will_close``).
- Answers: a status line (answers ``1xx`` before it are skipped), at most ``_MAX_HEADERS``
  headers of at most ``_MAX_LINE`` bytes each, a body of ``Content-Length`` bytes, chunked, or
  up to the close of the connection (no length: ``will_close``); none after ``204``, ``304``
  or a ``HEAD``. Failures raise what ``http.client`` raises (``RemoteDisconnected``,
  ``BadStatusLine``, ``IncompleteRead``, ``LineTooLong``...), so callers word them alike.
- Connecting (TCP, then TLS with the caller's context, verifying the host name) runs under the
  connect timeout; reading and writing under the read timeout.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

_MAX_LINE = 65536
_MAX_HEADERS = 100
_BODYLESS = frozenset({204, 304})
_EXPECTING_BODY = frozenset({"PATCH", "POST", "PUT"})


@dataclass(frozen=True)
class Answer:
    status: int
    #: Header names as sent, in order (a repeated header once per occurrence).
    headers: list[tuple[str, str]]
    body: bytes
    will_close: bool

    def header(self, name: str, default: str = "") -> str:
        """The value of header ``name`` (any case); repeated ones joined by ``", "``."""
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return ", ".join(found) if found else default


class Connection:
    """One connected socket to ``host:port`` (see the module rules)."""

    def __init__(self, host: str, port: int | None, *, tls: ssl.SSLContext | None, connect_timeout: float,
                 timeout: float) -> None:
        self.host = host
        self.port = port or (443 if tls is not None else 80)
        self.sock: socket.socket | None = None
        self._tls = tls
        self._connect_timeout = connect_timeout
        self._timeout = timeout
        self._host_header = _host_header(host, self.port, 443 if tls is not None else 80)

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self._connect_timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
            sock.settimeout(self._timeout)
        except BaseException:
            sock.close()
            raise
        self.sock = sock

    def close(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            sock.close()

    def exchange(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        """Send one request and read its answer (the socket must be connected)."""
        sock = self.sock
        if sock is None:
            raise http.client.NotConnected()
        sock.sendall(self._request(method, url, body, headers))
        return self._answer(sock, method)

    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        names = {name.lower() for name in headers}
        lines = [f"{method} {url} HTTP/1.1"]
        if "host" not in names:
            lines.append(f"Host: {self._host_header}")
        if "accept-encoding" not in names:
            lines.append("Accept-Encoding: identity")
        if "content-length" not in names and "transfer-encoding" not in names:
            if body is not None:
                lines.append(f"Content-Length: {len(body)}")
            elif method.upper() in _EXPECTING_BODY:
                lines.append("Content-Length: 0")
        for name, value in headers.items():
            _check_header(name, value)
            lines.append(f"{name}: {value}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return head + body if body else head

    def _answer(self, sock: socket.socket, method: str) -> Answer:
        reader = _Reader(sock)
        try:
            return self._read(reader, method)
        finally:
            reader.close()

    def _read(self, reader: _Reader, method: str) -> Answer:
        while True:
            status, version = _status(reader.line(first=True))
            headers = _headers(reader)
            if status >= 200 or status < 100:
                break
        names = {key.lower(): value for key, value in headers}
        chunked = "chunked" in names.get("transfer-encoding", "").lower()
        length = None if chunked else _length(names.get("content-length"))
        connection = names.get("connection", "").lower()
        if version == "HTTP/1.0":
            will_close = "keep-alive" not in connection and "keep-alive" not in names
        else:
            will_close = "close" in connection
        if status in _BODYLESS or method.upper() == "HEAD":
            body = b""
        elif chunked:
            body = reader.chunked()
        elif length is not None:
            body = reader.exactly(length)
        else:
            will_close = True
            body = reader.rest()
        return Answer(status, headers, body, will_close)


class _Reader:
    """The bytes of one answer off ``sock``, through a buffered reader made for it (as
    ``http.client`` reads them: lines, exact lengths without copying a body twice, chunks, the rest)."""

    def __init__(self, sock: socket.socket) -> None:
        self.file = sock.makefile("rb")

    def close(self) -> None:
        self.file.close()  # the socket stays open (``makefile`` counts its users)

    def line(self, *, first: bool = False) -> bytes:
        line = self.file.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise http.client.LineTooLong("status line" if first else "header line")
        if first and not line:
            raise http.client.RemoteDisconnected("Remote end closed connection without response")
        return line

    def exactly(self, size: int) -> bytes:
        data = self.file.read(size)
        if len(data) < size:
            raise http.client.IncompleteRead(data, size - len(data))
        return data

    def rest(self) -> bytes:
        return self.file.read()

    def chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            line = self.line()
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise http.client.IncompleteRead(b"".join(parts)) from None
            if size == 0:
                while self.line() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            try:
                parts.append(self.exactly(size))
            except http.client.IncompleteRead as exc:
                raise http.client.IncompleteRead(b"".join(parts) + exc.partial, exc.expected) from None
            self.exactly(2)  # the line break after the chunk


def _status(line: bytes) -> tuple[int, str]:
    text = str(line, "iso-8859-1")
    try:
        version, status, _reason = text.split(None, 2)
    except ValueError:
        try:
            version, status = text.split(None, 1)
        except ValueError:
            raise http.client.BadStatusLine(text) from None
    if not version.startswith("HTTP/"):
        raise http.client.BadStatusLine(text)
    try:
        code = int(status)
    except ValueError:
        raise http.client.BadStatusLine(text) from None
    if code < 100 or code > 999:
        raise http.client.BadStatusLine(text)
    return code, version


def _headers(reader: _Reader) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    while True:
        line = reader.line()
        if line in (b"\r\n", b"\n", b""):
            return out
        if len(out) >= _MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {_MAX_HEADERS} headers")
        text = str(line, "iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and out:  # a folded line continues the previous header
            name, value = out[-1]
            out[-1] = (name, f"{value}\r\n{text}")  # kept as http.client keeps it
            continue
        name, sep, value = text.partition(":")
        if sep:
            out.append((name.strip(), value.strip()))


def _length(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def _host_header(host: str, port: int, default_port: int) -> str:
    try:
        name = host.encode("ascii").decode("ascii")
    except UnicodeEncodeError:
        name = host.encode("idna").decode("ascii")
    if ":" in name:
        name = f"[{name}]"
    return name if port == default_port else f"{name}:{port}"


def _check_header(name: str, value: str) -> None:
    """What ``http.client`` refuses in a header it is given (a line break would forge another)."""
    if not name or any(c in name for c in ":\r\n\t ") or not name.isascii():
        raise ValueError(f"Invalid header name {name.encode('latin-1', 'replace')!r}")
    if "\r" in value or "\n" in value:
        raise ValueError(f"Invalid header value {value.encode('latin-1', 'replace')!r}")
