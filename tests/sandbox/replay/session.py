"""One replay run per version: a fresh stand-in over real HTTP, fed the entries in order.

One server per VERSION (not per file): the captures build on each other across files
(xmlid.json names automations created by automation.json, x2many.json writes a cron created
there), so all files run against one database in replay order (file name, then entry; a
version's pins may give the files' capture order as ``file_order``). A
test may ask for any entry: the session first replays every earlier entry it has not run
yet, so selecting a single test id still sees the state it was captured in.

Fixture (see ``replay.fixture``): ``ensure_database(db, fixture=pins["fixture"])``, then the
rows of every model the plan loads are purged and replaced by the reference rows (original
ids) via ``load_rows``.
"""

from __future__ import annotations

import http.client
import json
import xmlrpc.client
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harmonizer.sandbox.serve import RunningSandbox, start
from harmonizer.sandbox.wire import WireApp
from replay import json2
from replay.compare import Comparer
from replay.fixture import GENERATED_MODELS, FixturePlan, ReferenceFields, load_pins, plan_fixture
from replay.idmap import IdMap, Rewriter
from replay.transcripts import Entry, decode_answer, decode_request, load_entries

CONTENT_TYPES = {"xmlrpc": "text/xml", "jsonrpc": "application/json"}


@dataclass
class Outcome:
    entry: Entry
    status: int
    content_type: str
    body: str
    problems: list[str] = field(default_factory=list)


class ReplaySession:
    def __init__(self, version: str, home: Path | None = None,
                 answers_from: Mapping[str, str] | None = None) -> None:
        from harmonizer.sandbox.service import SandboxServer

        self.version = version
        self.pins = load_pins(version)
        self.entries = capture_order(load_entries(version), self.pins.get("file_order"))
        self.substitutes = {key: substitute_entry(self.entries, key, other)
                            for key, other in (answers_from or {}).items()}
        self.ref = ReferenceFields(version)
        self.database = f"replay_{version.replace('.', '_')}"
        self.server = SandboxServer(home, version=version)
        self.ids = IdMap()
        self.uids: dict[int, int] = {}
        self.fixture_notes: list[str] = []
        self._build_fixture()
        databases = {self.pins.get("captured_database", ""): self.database}
        self.rewriter = Rewriter(self.ids, self.ref, databases, self.uids)
        self.comparer = Comparer(self.ids, self.ref, self.uids)
        self.http: RunningSandbox = start(WireApp(self.server))
        self.connection = http.client.HTTPConnection(self.http.host, self.http.port, timeout=60)
        self.outcomes: dict[int, Outcome] = {}

    # -- fixture ----------------------------------------------------------------------------
    def _admin_call(self, model: str, method: str, args: list, kwargs: dict | None = None) -> Any:
        admin = self.uids.get(2, 2)
        return self.server.dispatch("object", "execute_kw",
                                    [self.database, admin, "admin", model, method, args, kwargs or {}])

    def _resolve(self, model: str, captured: int, domain: list) -> None:
        try:
            found = self._admin_call(model, "search", [domain], {"limit": 1, "context": {"active_test": False}})
        except Exception as exc:  # the stand-in may lack the model: note it, keep going
            self.fixture_notes.append(f"lookup {model} {captured} {domain}: {exc}")
            return
        if found:
            self.ids.maps.setdefault(model, {})[captured] = found[0]
        else:
            self.fixture_notes.append(f"lookup {model} {captured} {domain}: no row")

    def _build_fixture(self) -> None:
        self.server.ensure_database(self.database, fixture=self.pins.get("fixture", "demo"))
        for captured, user in self.pins.get("users", {}).items():
            uid = self.server.dispatch("common", "login", [self.database, user["login"], user["password"]])
            if uid:
                self.uids[int(captured)] = uid
            else:
                self.fixture_notes.append(f"user {user['login']} cannot log in")
        plan = plan_fixture(self.version, self.pins)
        for model, name in plan.model_names.items():
            self._resolve("ir.model", model, [["model", "=", name]])
        for model, lookups in self.pins.get("lookups", {}).items():
            for captured, domain in lookups.items():
                self._resolve(model, int(captured), domain)
        self._load(plan)

    def _translate(self, model: str, row: dict[str, Any]) -> dict[str, Any] | None:
        """References to stand-in-generated models through the lookups; None drops the row."""
        out = dict(row)
        for name, value in row.items():
            relation = self.ref.relation(model, name)
            if relation is None or not isinstance(value, int) or isinstance(value, bool):
                continue
            mapped = self.ids.maps.get(relation, {}).get(value)
            if mapped is not None:
                out[name] = mapped
            elif relation in GENERATED_MODELS and relation == "ir.model":
                return None
        return out

    def _load(self, plan: FixturePlan) -> None:
        for model, rows in plan.rows.items():
            kept = [t for t in (self._translate(model, row) for row in rows) if t is not None]
            if len(kept) < len(rows):
                self.fixture_notes.append(f"{model}: {len(rows) - len(kept)} rows dropped (unknown ir.model)")
            try:
                self._purge(model)
                self.server.load_rows(self.database, model, kept)
            except Exception as exc:
                self.fixture_notes.append(f"{model}: not loaded ({type(exc).__name__}: {exc})")
                continue
            self.ids.fixture_ids.setdefault(model, set()).update(row["id"] for row in kept)

    def _purge(self, model: str) -> None:
        """Remove the base fixture's rows of a model the reference records replace."""
        if model in self.pins.get("keep_existing", []):
            return
        with self.server.env(self.database) as env:
            spec = env.spec(model)
            ids = list(env.store.rows(spec))
            if ids:
                env.store.drop_links_of(spec, ids)
                env.store.delete(spec, ids)

    # -- replay -----------------------------------------------------------------------------
    def outcome(self, index: int) -> Outcome:
        for position in range(len(self.outcomes), index + 1):
            if position not in self.outcomes:
                self.outcomes[position] = self._replay(self.entries[position])
        return self.outcomes[index]

    def _setup(self, entry: Entry) -> None:
        """The pins' setup steps before ``entry``: ``rows`` to load, or ``unlink`` (captured ids
        of rows an uncaptured cleanup deleted, mapped to the stand-in's)."""
        for step in self.pins.get("setup", []):
            if step["before"] == f"{entry.file}-{entry.index:03d}" and "unlink" in step:
                ids = [self.ids.actual(step["model"], captured) for captured in step["unlink"]]
                self._admin_call(step["model"], "unlink", [ids])
            elif step["before"] == f"{entry.file}-{entry.index:03d}":
                rows = [row for row in (self._translate(step["model"], r) for r in step["rows"]) if row]
                self.server.load_rows(self.database, step["model"], rows)
                self.ids.fixture_ids.setdefault(step["model"], set()).update(r["id"] for r in step["rows"])

    def _encode(self, entry: Entry) -> tuple[bytes, str | None, str | None]:
        request = decode_request(entry)
        if request is None:
            return entry.request_body.encode("utf-8"), None, None
        params = self.rewriter.params(request.service, request.method, request.params)
        model = method = None
        if request.service == "object" and isinstance(params, list) and len(params) >= 5:
            model, method = params[3], params[4]
        if entry.protocol == "xmlrpc":
            return xmlrpc.client.dumps(tuple(params), request.method, allow_none=True).encode("utf-8"), model, method
        payload = dict(request.raw_json)
        if isinstance(payload.get("params"), dict) and "args" in payload["params"]:
            payload["params"] = {**payload["params"], "args": params}
        return json.dumps(payload).encode("utf-8"), model, method

    def _replay_http(self, entry: Entry) -> Outcome:
        method, path, headers, body = json2.request(entry, self.rewriter, self.pins.get("captured_database", ""),
                                                    self.database, self.server.profile.api_keys)
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8")
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        outcome = Outcome(entry, response.status, response.getheader("Content-Type") or "", text)
        outcome.problems = json2.compare(self.comparer, entry, outcome.status, outcome.content_type,
                                         answer_headers, text)
        return outcome

    def _replay(self, entry: Entry) -> Outcome:
        self._setup(entry)
        if json2.is_http_entry(entry):
            return self._replay_http(entry)
        sent = json2.unmask_rpc_key(entry, self.pins.get("users", {}), self.server.profile.api_keys)
        body, model, method = self._encode(sent)
        self.connection.request("POST", entry.url_path, body, {"Content-Type": CONTENT_TYPES[entry.protocol]})
        response = self.connection.getresponse()
        text = response.read().decode("utf-8")
        outcome = Outcome(entry, response.status, response.getheader("Content-Type") or "", text)
        captured = self.substitutes.get(f"{entry.file}-{entry.index:03d}", entry)
        if (outcome.status, outcome.content_type) != (captured.http_status, captured.content_type):
            outcome.problems.append(f"HTTP {outcome.status} {outcome.content_type!r}, "
                                    f"captured {captured.http_status} {captured.content_type!r}")
            return outcome
        expected, actual = decode_answer(captured), decode_answer(entry, text, outcome.status)
        outcome.problems = self.comparer.answers(expected, actual, model, method)
        return outcome

    def close(self) -> None:
        self.connection.close()
        self.http.stop()
        self.server.close()


def capture_order(entries: list[Entry], file_order: list[str] | None) -> list[Entry]:
    """Entries in the order they were captured: by file name, unless the pins' ``file_order``
    lists the files (19.0's json2.json was captured after xmlid.json: its rows must come later)."""
    if not file_order:
        return entries
    unknown = sorted({e.file for e in entries} - set(file_order))
    if unknown:
        raise ValueError(f"file_order does not place {unknown}")
    return sorted(entries, key=lambda e: (file_order.index(e.file), e.index))


def _shape(entry: Entry) -> tuple[Any, ...]:
    """What two captures of "the same exchange" share: protocol, endpoint, service, method, model."""
    request = decode_request(entry)
    params = request.params if request is not None else None
    target = tuple(params[3:5]) if request and request.service == "object" and isinstance(params, list) else ()
    return (entry.protocol, entry.url_path.replace("/2/", "/"), entry.legacy,
            request.service if request else None, request.method if request else None, target)


def substitute_entry(entries: list[Entry], key: str, other: str) -> Entry:
    """The entry ``other`` ("<version>-<file>-<NNN>") standing for ``key`` of ``entries``."""
    version, file, index = other.split("-")
    own = next(e for e in entries if f"{e.file}-{e.index:03d}" == key)
    found = next(e for e in load_entries(version) if (e.file, e.index) == (file, int(index)))
    if _shape(found) != _shape(own):
        raise ValueError(f"{other} is not the same exchange as {own.version}-{key}: "
                         f"{_shape(found)} != {_shape(own)}")
    return found
