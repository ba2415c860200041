"""Test helpers for the Odoo client: a scriptable local HTTP/1.1 server and transcript access.

``ScriptedServer`` answers each request with what its ``responder`` returns: a ``Reply`` (exact
bytes), ``Reset`` (close the socket without answering), ``Stall`` (stay silent until the test
ends) or ``ReplyThenClose`` (answer, then drop the kept-alive connection without saying so).
It counts TCP connections and records every request.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "odoo-reference"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReplyThenClose:
    reply: Reply


@dataclass(frozen=True)
class Reset:
    """Close the connection without an answer (RST), after reading the whole request."""


@dataclass(frozen=True)
class Stall:
    """Never answer (until the server stops)."""


Action = Reply | ReplyThenClose | Reset | Stall
Responder = Callable[[Request], Action]


class ScriptedServer:
    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.requests: list[Request] = []
        self.connections = 0
        self.stop_event = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                server.connections += 1

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, dict(self.headers.items()), body)
                server.requests.append(request)
                action = server.responder(request)
                if isinstance(action, Reset):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                if isinstance(action, Stall):
                    server.stop_event.wait(30)
                    self.close_connection = True
                    return
                reply = action.reply if isinstance(action, ReplyThenClose) else action
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(reply.body)
                self.wfile.flush()
                if isinstance(action, ReplyThenClose):
                    self.close_connection = True

            do_POST = _handle
            do_GET = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> ScriptedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def load_transcript(version: str, name: str) -> list[dict[str, Any]]:
    path = REFERENCE / version / "transcripts" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"reference transcripts not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def reply_of(entry: dict[str, Any]) -> Reply:
    """The transcript entry's exact answer."""
    body = (entry["response_body"] or "").encode()
    return Reply(entry["http_status"], entry["response_content_type"], body)
