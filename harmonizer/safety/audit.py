"""The audit trail: one record per site apply, in a local log and in the site's own Odoo.

Local: ``.harmonizer/audit.log`` of the project, one JSON line per site apply (appended).
In Odoo: a ``mail.message`` (type notification) on the site's company, subject
``harmonizer-apply <id>``, its body the same JSON in a ``<pre>`` block (HTML-escaped), so
a reviewer finds it in the company's chatter data and the history outlives the machine that
applied. (The stand-in has no ``ir.attachment``; ``mail.message`` exists in both.)

Rules:
- A record holds who, where from, when, the site, its database, the plan's fingerprint and,
  per change, its outcome and the before/after of every field; secret values are redacted
  (``FieldChange.to_dict``), so a rollback cannot restore a secret (it says so). A deleted
  record's possibly-sensitive value is kept only when it visibly holds no secret (no
  token-like query parameter, no secret-looking name), so the record can be recreated.
- Only changes with outcome ``applied`` are ever rolled back; failed and not attempted
  ones are recorded for the reader.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import secrets
import socket
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from harmonizer.apply.executor import ApplyResult
from harmonizer.plan.model import Action, Change, FieldChange, SitePlan
from harmonizer.safety.export import SECRET_WORD, scrub
from harmonizer.safety.fingerprint import plan_fingerprint
from harmonizer.timestamps import utc_stamp

AUDIT_FILE = "audit.log"
SUBJECT = "harmonizer-apply"
MODEL = "mail.message"
_PRE = re.compile(r"<pre[^>]*>(.*?)</pre>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value


class AuditClient(Protocol):
    def search_read(self, model: str, domain: list[Any], fields: list[str], **kwargs: Any
                    ) -> list[dict[str, Any]]: ...

    def create(self, model: str, values: dict[str, Any]) -> Any: ...


@dataclass(frozen=True)
class AuditRecord:
    """One site apply, as recorded (plain JSON data)."""

    id: str
    kind: str  # "apply" | "rollback"
    who: str
    host: str
    when: str
    site: str
    database: str
    url: str
    company_id: int | None
    template: str
    template_version: str
    plan_fingerprint: str
    ok: bool
    error: str | None
    changes: list[dict[str, Any]] = field(default_factory=list)
    #: For a rollback: the apply ids it reverted.
    reverts: list[str] = field(default_factory=list)
    #: Verification after apply: fields that did not hold what was applied
    #: (``harmonizer.coupling.verify.Finding.to_dict``, secrets redacted).
    unconverged: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # Plain JSON data: copied by hand (``asdict`` deep-copies every value through ``copy``, slowly).
        return {f.name: _copy(getattr(self, f.name)) for f in fields(self)}

    def to_json(self) -> str:
        """The record's JSON text (keys sorted), what the local log and Odoo hold: serialized
        straight from the fields (``to_dict``'s copy is for callers that keep the data)."""
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)}, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditRecord:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def applied(self) -> list[dict[str, Any]]:
        return [c for c in self.changes if c.get("status") == "applied"]


def new_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def build_record(plan: SitePlan, result: ApplyResult, *, who: str, kind: str = "apply",
                 error: str | None = None, reverts: list[str] | None = None) -> AuditRecord:
    outcomes = {o.address: o for o in result.outcomes}
    changes = []
    for change in plan.pending:
        outcome = outcomes.get(change.address)
        data = change.to_dict()
        changes.append({
            "address": change.address, "kind": change.kind, "model": change.model,
            "action": change.action.value, "xmlid": change.xmlid,
            "record_id": outcome.record_id if outcome and outcome.record_id else change.record_id,
            "status": outcome.status if outcome else "not attempted",
            "fields": [_field(change, fchange, f) for fchange, f in zip(change.fields, data["fields"], strict=True)],
            "create_extras": data["create_extras"],
        })
    return AuditRecord(
        id=new_id(), kind=kind, who=who, host=socket.gethostname(),
        when=utc_stamp(), site=plan.site, database=plan.database,
        url=plan.url, company_id=plan.company_id, template=plan.template,
        template_version=plan.template_version, plan_fingerprint=plan_fingerprint(plan),
        ok=result.ok and error is None, error=error, changes=changes, reverts=list(reverts or []),
        unconverged=[finding.to_dict() for finding in result.unconverged])


def _field(change: Change, fchange: FieldChange, data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in ("key", "field", "before", "after", "secret", "carried")}
    # A deleted record's value that *may* hold a secret (``FieldMap.sensitive``) is kept
    # when it visibly holds none, so a rollback can recreate the record; else redacted.
    if (change.action is Action.DELETE and fchange.secret and isinstance(fchange.before, str)
            and scrub(fchange.before) == fchange.before and not SECRET_WORD.search(change.address)):
        out["before"], out["secret"] = fchange.before, False
    return out


def append_local(state_dir: Path, record: AuditRecord, text: str | None = None) -> Path:
    """Append one JSON line to ``<state_dir>/audit.log`` (``text``: ``record.to_json()`` if known)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / AUDIT_FILE
    with path.open("a", encoding="utf-8") as out:
        out.write((text or record.to_json()) + "\n")
    return path


def read_local(state_dir: Path) -> list[AuditRecord]:
    path = state_dir / AUDIT_FILE
    if not path.exists():
        return []
    return [AuditRecord.from_dict(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def company_of(client: AuditClient, company_id: int | None) -> int:
    """The company the record goes on: the site's, else the database's first company."""
    if company_id is not None:
        return company_id
    rows = client.search_read("res.company", [], ["id"], order="id", limit=1)
    return int(rows[0]["id"])


def store_in_odoo(client: AuditClient, record: AuditRecord, text: str | None = None) -> int:
    """Create the ``mail.message`` holding ``record`` (``text``: ``record.to_json()`` if known); its id."""
    text = text or record.to_json()
    return int(client.create(MODEL, {
        "model": "res.company", "res_id": company_of(client, record.company_id),
        "message_type": "notification", "subject": f"{SUBJECT} {record.id}",
        "body": "<pre>" + html.escape(text, quote=False) + "</pre>",
    }))


def history(client: AuditClient, company_id: int | None, site: str | None = None) -> list[AuditRecord]:
    """Past applies recorded in this Odoo on the site's company, newest first."""
    rows = client.search_read(MODEL, [("model", "=", "res.company"), ("res_id", "=", company_of(client, company_id)),
                                      ("subject", "=like", f"{SUBJECT} %")], ["subject", "body"], order="id desc")
    out = []
    for row in rows:
        record = parse_body(str(row.get("body") or ""))
        if record is not None and (site is None or record.site == site):
            out.append(record)
    return out


def parse_body(body: str) -> AuditRecord | None:
    found = _PRE.search(body)
    text = html.unescape(_TAG.sub("", found.group(1) if found else body))
    try:
        return AuditRecord.from_dict(json.loads(text))
    except (ValueError, TypeError):
        return None
