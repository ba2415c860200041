"""Reading the reference transcripts: entries in replay order, decoded requests and answers.

Replay order (documented for every version): transcript files sorted by name, then entries
in file order. ``Entry.test_id`` is ``<version>-<file>-<NNN>-<protocol>-<title slug>``.
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REFERENCE_ROOT = Path(__file__).resolve().parents[3].parent / "shared" / "odoo-reference"


@dataclass(frozen=True)
class Entry:
    version: str
    file: str
    index: int
    title: str
    protocol: str
    url_path: str
    request_body: str
    http_status: int
    content_type: str
    response_body: str
    #: 19.0's captures also record the HTTP method, the headers and, for answers cut down to
    #: a size worth storing, what was kept (``trimmed``).
    http_method: str = "POST"
    request_headers: dict = field(default_factory=dict, hash=False, compare=False)
    response_headers: dict = field(default_factory=dict, hash=False, compare=False)
    trimmed: dict | None = field(default=None, hash=False, compare=False)

    @property
    def test_id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "_", self.title.lower()).strip("_")[:60]
        return f"{self.version}-{self.file}-{self.index:03d}-{self.protocol}-{slug}"

    @property
    def legacy(self) -> bool:
        return self.url_path.startswith("/xmlrpc/") and not self.url_path.startswith("/xmlrpc/2/")


def transcript_dir(version: str) -> Path:
    return REFERENCE_ROOT / version / "transcripts"


def load_entries(version: str) -> list[Entry]:
    """All entries of a version in replay order (file name order, then entry order)."""
    entries: list[Entry] = []
    for path in sorted(transcript_dir(version).glob("*.json")):
        for index, raw in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            entries.append(Entry(
                version=version, file=path.stem, index=index, title=raw["title"],
                protocol=raw["protocol"], url_path=raw["url_path"], request_body=raw["request_body"],
                http_status=raw["http_status"], content_type=raw["response_content_type"],
                response_body=raw["response_body"], http_method=raw.get("http_method", "POST"),
                request_headers=raw.get("request_headers") or {}, response_headers=raw.get("response_headers") or {},
                trimmed=raw.get("trimmed"),
            ))
    return entries


@dataclass
class Request:
    """A decoded request: ``params`` is the positional list the service receives."""

    service: str | None
    method: str | None
    params: Any
    json_id: Any = None
    raw_json: Any = None  # the whole JSON payload (JSON-RPC only)


def decode_request(entry: Entry) -> Request | None:
    """None when the captured request is itself malformed (it is then sent verbatim)."""
    if entry.protocol == "xmlrpc":
        try:
            params, method = xmlrpc.client.loads(entry.request_body, use_builtin_types=True)
        except Exception:
            return None
        return Request(entry.url_path.rsplit("/", 1)[1], method, list(params))
    try:
        payload = json.loads(entry.request_body)
    except ValueError:
        return None
    params = payload.get("params")
    if not isinstance(params, dict):
        return Request(None, None, params, payload.get("id"), payload)
    return Request(params.get("service"), params.get("method"), params.get("args"),
                   payload.get("id"), payload)


@dataclass
class Answer:
    """A decoded answer. ``kind``: ``result``, ``fault`` (XML-RPC), ``error`` (JSON-RPC) or ``http``."""

    kind: str
    result: Any = None
    has_result: bool = True
    fault_code: int | str | None = None
    fault_string: str = ""
    error: dict | None = None

    @property
    def message(self) -> str:
        """The error's message: JSON data.message, a plain faultString, or a traceback's last line."""
        if self.kind == "error":
            return self.error["data"]["message"] if self.error else ""
        if self.kind != "fault":
            return ""
        if isinstance(self.fault_code, str) and self.fault_code.startswith("warning -- "):
            return self.fault_code.split("\n\n", 1)[1]
        if self.fault_string.startswith("Traceback (most recent call last):"):
            return last_traceback_line(self.fault_string)
        return self.fault_string


def last_traceback_line(text: str) -> str:
    """``Name: message`` of the last (outermost) exception in a traceback text.

    Frame lines (``  File ...``, their source lines, or a ``  [frames omitted]`` placeholder)
    are the indented lines right after the header; whatever follows is the exception line.
    """
    lines = text.rsplit("Traceback (most recent call last):\n", 1)[-1].split("\n")
    while lines and lines[0].startswith("  "):
        lines.pop(0)
    body = "\n".join(lines)
    return body[:-1] if body.endswith("\n") else body


def decode_answer(entry: Entry, body: str | None = None, status: int | None = None) -> Answer:
    """Decode a captured answer (or, with ``body``/``status``, the stand-in's)."""
    body = entry.response_body if body is None else body
    status = entry.http_status if status is None else status
    if status != 200:
        return Answer("http", result=body)
    if entry.protocol == "xmlrpc":
        try:
            (result,), _ = xmlrpc.client.loads(body, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            return Answer("fault", fault_code=fault.faultCode, fault_string=fault.faultString)
        return Answer("result", result=result)
    payload = json.loads(body)
    if "error" in payload:
        return Answer("error", error=payload["error"])
    return Answer("result", result=payload.get("result"), has_result="result" in payload)
