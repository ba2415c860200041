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
import xmlrpc.client
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


FAKE_VERSION = {"server_version": "17.0-20240709", "server_version_info": [17, 0, 0, "final", 0, ""],
                "server_serie": "17.0", "protocol_version": 1}


class FakeOdoo:
    """A responder that speaks XML-RPC (``/xmlrpc/2/*``) and JSON-RPC (``/jsonrpc``) like Odoo.

    It keeps records in memory (``records[model][id]``) and logs every model call it RAN in
    ``executed``. ``faults[n]`` scripts request number ``n`` (1-based, all requests counted):
    "reset-before" (drop without running), "reset-after" (run and commit, then drop),
    "stall-after" (run, then never answer), "close-after" (answer, then silently drop the
    kept-alive connection), "502" (a proxy error page, without running).
    """

    def __init__(self, login: str = "admin", password: str = "s3cret-Pa55word", uid: int = 2) -> None:
        self.login = login
        self.password = password
        self.uid = uid
        self.records: dict[str, dict[int, dict[str, Any]]] = {}
        self.executed: list[tuple[str, str]] = []
        self.faults: dict[int, str] = {}
        self.count = 0
        self.next_id = 100
        self.fault_for: dict[str, tuple[int, str]] = {}  # model method -> (faultCode, faultString)

    def __call__(self, request: Request) -> Action:
        self.count += 1
        fault = self.faults.get(self.count)
        if fault == "reset-before":
            return Reset()
        if fault == "502":
            return Reply(502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>")
        is_json = request.path == "/jsonrpc"
        if is_json:
            payload = json.loads(request.body)
            service, method, args = (payload["params"]["service"], payload["params"]["method"],
                                     payload["params"]["args"])
        else:
            args, method = xmlrpc.client.loads(request.body)
            service = request.path.rsplit("/", 1)[1]
        try:
            result = self._run(service, method, list(args))
            error = None
        except xmlrpc.client.Fault as exc:
            result, error = None, exc
        reply = self._encode(is_json, result, error, payload["id"] if is_json else None)
        if fault == "reset-after":
            return Reset()
        if fault == "stall-after":
            return Stall()
        if fault == "close-after":
            return ReplyThenClose(reply)
        return reply

    def _encode(self, is_json: bool, result: Any, error: xmlrpc.client.Fault | None, call_id: Any) -> Reply:
        if is_json:
            answer: dict[str, Any] = {"jsonrpc": "2.0", "id": call_id}
            if error is not None:
                answer["error"] = {"code": 200, "message": "Odoo Server Error", "data": {
                    "name": "odoo.exceptions.AccessDenied" if error.faultCode == 3 else "builtins.ValueError",
                    "debug": error.faultString, "message": error.faultString.rstrip().rsplit(": ", 1)[-1],
                    "arguments": [], "context": {}}}
            elif result is not None:
                answer["result"] = result
            return Reply(200, "application/json; charset=utf-8", json.dumps(answer).encode())
        if error is not None:
            body = xmlrpc.client.dumps(error, methodresponse=True)
        elif result is None:
            body = xmlrpc.client.dumps(xmlrpc.client.Fault(
                1, "Traceback (most recent call last):\n  [frames]\n"
                   "TypeError: cannot marshal None unless allow_none is enabled\n"), methodresponse=True)
        else:
            body = xmlrpc.client.dumps((result,), methodresponse=True)
        return Reply(200, "text/xml; charset=utf-8", body.encode())

    def _run(self, service: str, method: str, args: list[Any]) -> Any:
        if service == "common" and method == "version":
            return FAKE_VERSION
        if service == "common" and method in ("authenticate", "login"):
            return self.uid if (args[1], args[2]) == (self.login, self.password) else False
        if service != "object" or method != "execute_kw":
            raise xmlrpc.client.Fault(1, f"Traceback (most recent call last):\nKeyError: '{service}'\n")
        if args[1] != self.uid or args[2] != self.password:
            raise xmlrpc.client.Fault(3, "Access Denied")
        model, model_method = args[3], args[4]
        positional, keywords = args[5], args[6] if len(args) > 6 else {}
        self.executed.append((model, model_method))
        if model_method in self.fault_for:
            raise xmlrpc.client.Fault(*self.fault_for[model_method])
        return self._orm(model, model_method, positional, keywords)

    def _orm(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        table = self.records.setdefault(model, {})
        if method == "create":
            batch = args[0] if isinstance(args[0], list) else [args[0]]
            ids = []
            for vals in batch:
                self.next_id += 1
                table[self.next_id] = {"id": self.next_id, **vals}
                ids.append(self.next_id)
            return ids if isinstance(args[0], list) else ids[0]
        if method == "write":
            for rid in args[0]:
                table[rid].update(args[1])
            return True
        if method == "unlink":
            for rid in args[0]:
                del table[rid]
            return True
        if method in ("search_read", "search", "search_count"):
            rows = [row for row in table.values() if _matches(row, args[0] if args else [])]
            if method == "search":
                return [row["id"] for row in rows]
            if method == "search_count":
                return len(rows)
            fields = kwargs.get("fields") or []
            return [{k: v for k, v in row.items() if not fields or k in fields or k == "id"} for row in rows]
        if method == "read":
            return [dict(table[rid]) for rid in args[0] if rid in table]
        if method in ("action_archive", "action_unarchive", "flush_model"):
            return None
        raise xmlrpc.client.Fault(1, f"Traceback (most recent call last):\nAttributeError: no {method}\n")


def _matches(row: dict[str, Any], domain: list[Any]) -> bool:
    return all(row.get(leaf[0]) == leaf[2] for leaf in domain if isinstance(leaf, list | tuple) and leaf[1] == "=")
