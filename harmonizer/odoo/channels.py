"""Byte channels under the connectors: one persistent HTTP connection, or the in-process stand-in.

A channel moves one request's bytes and returns the raw answer; it knows nothing of RPC.
Invariants:
- ``HttpChannel`` keeps ONE TCP (or TLS) connection alive per session and reuses it. It has a
  connect timeout and a separate read timeout.
- A channel NEVER sends a request twice. Python's ``xmlrpc.client.Transport`` silently re-sends
  once when a kept-alive connection drops, so a ``create`` whose answer was lost can run twice;
  here a drop raises ``Unanswered`` and the retry policy alone decides (it re-sends reads only).
- Before reusing an idle connection the channel checks that the server has not closed it
  (the socket must not be readable while no request is pending); a closed one is replaced
  before any byte is sent, which is always safe.
- ``Unanswered.sent`` tells whether the request may have reached the server: False only when
  the failure happened while connecting, before any byte of the request left.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from harmonizer.odoo.http11 import Connection
from harmonizer.odoo.settings import Endpoint

USER_AGENT = "harmonizer-odoo-client"


@dataclass(frozen=True)
class RawResponse:
    """An HTTP answer as bytes."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Unanswered(Exception):
    """No usable answer: the connection failed, timed out or the answer was not an RPC answer.

    ``sent``: the request may have reached the server (so a write may have committed).
    ``retryable``: a retry could help (False e.g. for an HTTP 404 page).
    """

    def __init__(self, reason: str, *, sent: bool, retryable: bool = True, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent
        self.retryable = retryable
        self.timed_out = timed_out


class Channel(Protocol):
    """What a connector needs to move bytes."""

    label: str

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> RawResponse: ...

    def close(self) -> None: ...


class HttpChannel:
    """One kept-alive HTTP/1.1 connection to ``endpoint`` (see the module invariants), through
    ``http11.Connection``: a request is one write, its answer's headers are split by hand."""

    def __init__(self, endpoint: Endpoint, *, connect_timeout: float, timeout: float,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.endpoint = endpoint
        self.label = endpoint.display
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        self.ssl_context = ssl_context
        #: TCP connections opened so far (for tests and benchmarks).
        self.connections_opened = 0
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _new_connection(self) -> Connection:
        tls = None
        if self.endpoint.scheme == "https":
            tls = self.ssl_context or ssl.create_default_context()  # verifies certificates
        return Connection(self.endpoint.host, self.endpoint.port, tls=tls, connect_timeout=self.connect_timeout,
                          timeout=self.timeout)

    def _connection(self) -> Connection:
        """A connected connection; connects (pre-send) when needed. Raises Unanswered(sent=False)."""
        conn = self._conn
        if conn is not None and conn.sock is not None and _closed_by_peer(conn.sock):
            conn.close()
        if conn is None:
            conn = self._conn = self._new_connection()
        if conn.sock is None:
            try:
                conn.connect()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise Unanswered(_reason(exc), sent=False, timed_out=isinstance(exc, TimeoutError)) from exc
            self.connections_opened += 1
        return conn

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> RawResponse:
        with self._lock:
            conn = self._connection()
            all_headers = {"User-Agent": USER_AGENT, **headers}
            try:
                answer = conn.exchange(method, self.endpoint.prefix + path, body, all_headers)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # never reused after a failure, never re-sent here
                raise Unanswered(_reason(exc), sent=True, timed_out=isinstance(exc, TimeoutError)) from exc
            if answer.will_close:
                conn.close()
            return RawResponse(answer.status, answer.header("Content-Type"), answer.body, dict(answer.headers))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _closed_by_peer(sock: socket.socket) -> bool:
    """True when an idle kept-alive socket is readable: the server closed it (or sent garbage)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "connection closed by the server without an answer"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message})"
    text = str(exc) or exc.__class__.__name__
    return text


class SandboxChannel:
    """Hands the very bytes an HTTP client would send to the stand-in's ``WireApp.handle``.

    Injected transport faults of the stand-in's levers become ``Unanswered(sent=True)`` even
    when the lever fired before the call ran: over HTTP a client cannot tell the two apart, and
    the in-process path must behave exactly like the HTTP one.
    """

    def __init__(self, app: Any, label: str) -> None:
        self.app = app
        self.label = label

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> RawResponse:
        from harmonizer.sandbox.wire.errors import InjectedTransportFault, TimeoutInjected

        try:
            answer = self.app.handle(method, path, {"User-Agent": USER_AGENT, **headers}, body or b"")
        except TimeoutInjected as exc:
            raise Unanswered("timed out", sent=True, timed_out=True) from exc
        except InjectedTransportFault as exc:
            raise Unanswered("connection reset by the server", sent=True) from exc
        return RawResponse(answer.status, answer.content_type, answer.body, dict(answer.headers or {}))

    def close(self) -> None:
        """Nothing to release: the stand-in outlives the session (others may share it)."""
