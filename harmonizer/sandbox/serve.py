"""The stand-in's HTTP server: a threading HTTP/1.1 server (keep-alive) around one WireApp.

``serve(home, port, ...)`` is what ``harmonizer sandbox serve`` runs (blocks until
interrupted); ``start(app, ...)`` runs a server in a background thread for tests and
benchmarks (``port=0`` picks a free port) and returns a handle with ``url``/``port``/``stop``.

Injected transport faults (``wire.errors``) are made observable on the network: a reset
closes the socket with SO_LINGER 0 (the client sees a connection reset / remote disconnect
without any answer); a timeout keeps the connection silent for the lever's seconds (or until
the server stops), then resets it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harmonizer.sandbox.wire import ConnectionResetInjected, Levers, TimeoutInjected, WireApp

DEFAULT_HOST = "127.0.0.1"
logger = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the client asks to close
    # Without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK can add ~40 ms to a
    # keep-alive answer (answers leave in one write, see _serve_one, but errors do not).
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def do_POST(self) -> None:
        self._serve_one()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST

    def _serve_one(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.send_error(411, "Length Required")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key: value for key, value in self.headers.items()}
        try:
            response = self.server.app.handle(self.command, self.path, headers, body)
        except TimeoutInjected as exc:
            self.server.stopping.wait(exc.seconds)
            self._reset()
            return
        except ConnectionResetInjected:
            self._reset()
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        if self.request_version == "HTTP/0.9":  # no headers at all
            self.wfile.write(response.body)
            return
        # end_headers() and then the body, in one write: the same bytes, one send instead of two
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(response.body)
        self.flush_headers()

    def _reset(self) -> None:
        """Drop the connection without an answer (RST rather than an orderly close)."""
        self.close_connection = True
        self.server.mark_reset(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and benchmarks
        return


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: WireApp, host: str = DEFAULT_HOST, port: int = 0) -> None:
        self.app = app
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._to_reset: set[socket.socket] = set()
        self._lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients dropping a connection is normal; anything else is a stand-in bug, logged."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        logger.exception("sandbox HTTP request from %s failed", client_address)

    def mark_reset(self, connection: socket.socket) -> None:
        with self._lock:
            self._to_reset.add(connection)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._connections.discard(request)
            reset = request in self._to_reset
            self._to_reset.discard(request)
        if reset:
            with contextlib.suppress(OSError):
                request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            request.close()
            return
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler blocked on an idle keep-alive connection so it exits."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class RunningSandbox:
    """A server running in a background thread; ``stop()`` (or leaving the ``with``) ends it."""

    def __init__(self, server: SandboxHTTPServer) -> None:
        self.server = server
        self.host, self.port = server.server_address[:2]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sandbox-http", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def app(self) -> WireApp:
        return self.server.app

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self._thread.join()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start(app: WireApp, host: str = DEFAULT_HOST, port: int = 0) -> RunningSandbox:
    """Serve ``app`` in a background thread; ``port=0`` binds a free port."""
    return RunningSandbox(SandboxHTTPServer(app, host, port))


def serve(home: Path, port: int, host: str = DEFAULT_HOST, version: str = "17.0",
          levers: Levers | None = None, on_ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None) -> None:
    """Serve the stand-in for ``home`` until interrupted (Ctrl-C) or ``stop`` is set.

    Loopback by default. ``levers`` defaults to the ones the environment sets
    (``Levers.from_env``). ``on_ready`` receives the base URL once the socket is bound (the
    CLI prints it).
    """
    from harmonizer.sandbox.service import SandboxServer

    sandbox = SandboxServer(home, version=version, keep_connections=True)
    app = WireApp(sandbox, levers if levers is not None else Levers.from_env())
    httpd = SandboxHTTPServer(app, host, port)
    if stop is not None:
        threading.Thread(target=lambda: (stop.wait(), httpd.shutdown()), daemon=True).start()
    try:
        if on_ready is not None:
            bound_host, bound_port = httpd.server_address[:2]
            on_ready(f"http://{bound_host}:{bound_port}")
        with contextlib.suppress(KeyboardInterrupt):
            httpd.serve_forever()
    finally:
        httpd.stopping.set()
        httpd.close_connections()
        httpd.server_close()
        close = getattr(sandbox, "close", None)
        if callable(close):
            close()
