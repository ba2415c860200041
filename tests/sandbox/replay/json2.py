"""Replaying 19.0's JSON-2 and plain-HTTP entries (``json2.json``, ``rpc_deprecation.json``).

Request (rules): the captured HTTP method, path and headers are sent as they were, except
``Content-Length`` (recomputed), ``X-Odoo-Database`` (the captured database name becomes the
replay database; other names pass through) and the masked bearer key ``<API-KEY>``, which
becomes the stand-in's key of the user the entry speaks as: the clerk when its title names
the clerk, else admin. A JSON object body has its ``ids``, ``domain`` and values rewritten
through the id map like an ``execute_kw`` call of the path's model and method. An
XML-RPC/JSON-RPC entry sending ``<API-KEY>`` as its password gets the key of its user
(``unmask_rpc_key``).

Answer (the harness contract for these entries): HTTP status, content type and, when
captured, ``WWW-Authenticate``; a JSON error body's keys, ``name`` and ``message`` (ids in
the message translated); a success body compared like the same method's RPC result; an HTML
body byte for byte. ``trimmed`` answers (``/doc-bearer``) are compared on what was kept: the
top-level keys, the kept fields (type, string) and methods (signature and parameter names),
and for ``index.json`` the kept models and their method lists.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from replay.compare import Comparer
from replay.idmap import Rewriter
from replay.transcripts import Entry, decode_request

MASKED_KEY = "<API-KEY>"


def is_http_entry(entry: Entry) -> bool:
    """Entries sent as captured HTTP rather than re-encoded RPC calls."""
    return entry.protocol not in ("xmlrpc", "jsonrpc")


def target(entry: Entry) -> tuple[str | None, str | None]:
    """(model, method) of a ``/json/2/<model>/<method>`` path, else (None, None)."""
    parts = entry.url_path.strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["json", "2"]:
        return parts[2], parts[3]
    return None, None


def request(entry: Entry, rewriter: Rewriter, captured_db: str, database: str,
            keys: dict[str, str]) -> tuple[str, str, dict[str, str], bytes | None]:
    headers: dict[str, str] = {}
    for name, value in entry.request_headers.items():
        if name.lower() == "content-length":
            continue
        if name.lower() == "x-odoo-database" and value == captured_db:
            value = database
        if name.lower() == "authorization" and MASKED_KEY in value:
            value = value.replace(MASKED_KEY, keys["clerk" if "clerk" in entry.title.lower() else "admin"])
        headers[name] = value
    body = entry.request_body
    model, method = target(entry)
    if body is not None and model and method:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            body = json.dumps(rewrite_body(rewriter, model, method, payload))
    return entry.http_method, entry.url_path, headers, body.encode("utf-8") if body is not None else None


def rewrite_body(rewriter: Rewriter, model: str, method: str, payload: dict[str, Any]) -> dict[str, Any]:
    out = dict(payload)
    if isinstance(out.get("ids"), list):
        out["ids"] = [rewriter.ids.actual(model, value) for value in out["ids"]]
    if isinstance(out.get("domain"), list):
        out["domain"] = rewriter.domain(model, out["domain"])
    for key in ("vals", "vals_list", "default"):
        value = out.get(key)
        if isinstance(value, list):
            out[key] = [rewriter.vals(model, v) for v in value]
        elif isinstance(value, dict):
            out[key] = rewriter.vals(model, value)
    return out


def compare(comparer: Comparer, entry: Entry, status: int, content_type: str, headers: dict[str, str],
            text: str) -> list[str]:
    problems: list[str] = []
    if (status, content_type) != (entry.http_status, entry.content_type):
        return [f"HTTP {status} {content_type!r}, captured {entry.http_status} {entry.content_type!r}"]
    wanted_auth = entry.response_headers.get("WWW-Authenticate")
    if wanted_auth is not None and headers.get("www-authenticate") != wanted_auth:
        problems.append(f"WWW-Authenticate {headers.get('www-authenticate')!r} != {wanted_auth!r}")
    if not content_type.startswith("application/json"):
        if text != entry.response_body:
            problems.append(f"body {text[:200]!r} != {entry.response_body[:200]!r}")
        return problems
    want, got = json.loads(entry.response_body), json.loads(text)
    if entry.trimmed:
        return problems + _trimmed(entry.trimmed, want, got)
    if status != 200:
        return problems + _error(comparer, want, got)
    model, method = target(entry)
    if method in ("create", "copy") and isinstance(want, list):
        method = "search"  # JSON-2 answers a list of new ids
    return problems + comparer.answers_result(model, method, want, got)


def _error(comparer: Comparer, want: Any, got: Any) -> list[str]:
    if not isinstance(want, dict) or not isinstance(got, dict):
        return [f"error body {got!r} where {want!r} was captured"]
    problems = []
    if set(want) != set(got):
        problems.append(f"error keys {sorted(got)} != {sorted(want)}")
    if got.get("name") != want.get("name"):
        problems.append(f"name {got.get('name')!r} != {want.get('name')!r}")
    message = comparer.message(str(want.get("message", "")))
    if got.get("message") != message:
        problems.append(f"message {got.get('message')!r} != {message!r}")
    return problems


def _trimmed(trim: dict[str, Any], want: Any, got: Any) -> list[str]:
    if not isinstance(got, dict):
        return [f"{type(got).__name__} where a JSON object was captured"]
    problems = [] if set(want) <= set(got) else [f"keys {sorted(got)} lack {sorted(set(want) - set(got))}"]
    if "models_kept" in trim:
        models = {m.get("model"): m for m in got.get("models", []) if isinstance(m, dict)}
        for kept in want.get("models", []):
            mine = models.get(kept["model"])
            if mine is None:
                problems.append(f"index.json lacks {kept['model']}")
            elif set(kept.get("methods", [])) - set(mine.get("methods", [])):
                missing = sorted(set(kept["methods"]) - set(mine.get("methods", [])))
                problems.append(f"{kept['model']}: methods {missing[:8]} missing")
        return problems
    for name, spec in want.get("fields", {}).items():
        mine = got.get("fields", {}).get(name)
        if mine is None:
            problems.append(f"field {name} missing")
        elif (mine.get("type"), mine.get("string")) != (spec.get("type"), spec.get("string")):
            problems.append(f"field {name}: {mine.get('type')}/{mine.get('string')} != {spec['type']}/{spec['string']}")
    for name, spec in want.get("methods", {}).items():
        mine = got.get("methods", {}).get(name)
        if mine is None:
            problems.append(f"method {name} missing")
        elif list(mine.get("parameters", {})) != list(spec.get("parameters", {})):
            problems.append(f"method {name}: parameters {list(mine.get('parameters', {}))} "
                            f"!= {list(spec.get('parameters', {}))}")
    return problems


#: XML-safe stand-in for the masked key while an RPC body is decoded.
_PLACEHOLDER = "MASKED-API-KEY"


def unmask_rpc_key(entry: Entry, users: dict[str, dict[str, str]], keys: dict[str, str]) -> Entry:
    """An XML-RPC/JSON-RPC entry sending ``<API-KEY>`` as the password (19.0's auth-025..028),
    with the stand-in's key of the same user: the login of ``authenticate``, or the login
    ``users`` (the pins' captured uid -> login) gives the uid of ``execute_kw``."""
    if MASKED_KEY not in entry.request_body:
        return entry
    masked = replace(entry, request_body=entry.request_body.replace(MASKED_KEY, _PLACEHOLDER))
    request = decode_request(masked)
    params = request.params if request is not None and isinstance(request.params, list) else []
    login = None
    if len(params) > 1 and request is not None and request.method in ("authenticate", "login"):
        login = params[1]
    elif len(params) > 1 and request is not None and request.method == "execute_kw":
        login = users.get(str(params[1]), {}).get("login")
    if login not in keys:
        raise ValueError(f"{entry.test_id}: no stand-in API key for the masked key's user {login!r}")
    return replace(entry, request_body=entry.request_body.replace(MASKED_KEY, keys[login]))
