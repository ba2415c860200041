"""Fingerprints of what a plan was made from: the live values it compared and the rendered templates.

A saved plan carries them in ``SitePlan.fingerprints``:
- ``record:<address>`` -> a hash of the canonical live values of every field the plan compared
  for that resource (all declared fields, not only the changed ones), or ``absent``.
- ``file:<path>`` -> a hash of the rendered bodies of the resources declared in that template
  file, for this site (variables, site file and template text all feed into it).

Rules:
- Every hash is an HMAC keyed with a key derived from the site's connection secret, which the
  apply needs anyway: a plan file never lets anyone guess a secret value from its fingerprint.
- Reference labels take no part (a renamed referenced record is not a change of this record).
- ``stale(saved, fresh)`` names every record or file whose fingerprint differs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from harmonizer.kinds.registry import KINDS
from harmonizer.memo import ByIdentity
from harmonizer.model import DesiredState
from harmonizer.plan.live import LiveSnapshot
from harmonizer.plan.model import Action, SitePlan

RECORD = "record:"
FILE = "file:"
ABSENT = "absent"


def fingerprint_key(secret: str) -> bytes:
    """The HMAC key of one site: derived from its connection secret (never stored)."""
    return hashlib.sha256(b"harmonizer-fingerprint\0" + secret.encode()).digest()


def digest(key: bytes, data: Any) -> str:
    text = json.dumps(_unlabelled(data), sort_keys=True, default=str, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


def _unlabelled(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unlabelled(v) for k, v in value.items() if not ("model" in value and k == "label")}
    if isinstance(value, list | tuple):
        return [_unlabelled(v) for v in value]
    return value


def record_fingerprints(desired: DesiredState, live: LiveSnapshot, plan: SitePlan, key: bytes) -> dict[str, str]:
    """``record:<address>`` for every change of ``plan`` (see the module rules)."""
    out: dict[str, str] = {}
    for change in plan.changes:
        kind = KINDS[change.kind]
        row = live.row(change.model, change.record_id)
        if row is None or change.action is Action.CREATE:
            out[RECORD + change.address] = ABSENT
            continue
        resource = desired.resources.get(change.address)
        body = kind.effective_body(resource) if resource is not None else None
        kind = kind.for_body(body) if body is not None else kind
        keys = set(body) if body is not None else {f.key for f in change.fields}
        values = {fmap.key: fmap.vtype.live(row.get(fmap.field), live.resolver)
                  for fmap in kind.field_maps(live.major) if fmap.key in keys and not fmap.create_only}
        out[RECORD + change.address] = digest(key, {"id": change.record_id, "values": values})
    return out


#: Template fingerprints per rendered desired state and key: every plan of a run (and the
#: verification after an apply) hashes the same rendered bodies.
_TEMPLATES: ByIdentity[dict[str, str]] = ByIdentity()


def template_fingerprints(desired: DesiredState, key: bytes) -> dict[str, str]:
    """``file:<path>`` per template file declaring resources of this site (rendered bodies)."""
    return dict(_TEMPLATES.get(desired, key, lambda: _template_fingerprints(desired, key)))


def _template_fingerprints(desired: DesiredState, key: bytes) -> dict[str, str]:
    by_file: dict[str, dict[str, Any]] = {}
    for resource in desired:
        entry = {"body": dict(resource.body), "prevent_destroy": resource.prevent_destroy}
        by_file.setdefault(resource.location.file, {})[resource.address] = entry
    head = {"template": desired.template, "version": desired.template_version,
            "scope": [desired.scope.company, desired.scope.warehouse]}
    return {FILE + file: digest(key, {"head": head, "resources": bodies}) for file, bodies in by_file.items()}


def site_fingerprints(desired: DesiredState, live: LiveSnapshot, plan: SitePlan, key: bytes) -> dict[str, str]:
    return {**record_fingerprints(desired, live, plan, key), **template_fingerprints(desired, key)}


def stale(saved: dict[str, str], fresh: dict[str, str]) -> list[str]:
    """What changed between a saved plan's fingerprints and fresh ones, in words (sorted)."""
    out = []
    for name in sorted(set(saved) | set(fresh)):
        if saved.get(name) == fresh.get(name):
            continue
        if name.startswith(FILE):
            what = "is new" if name not in saved else "is gone" if name not in fresh else "changed"
            out.append(f"template file {name[len(FILE):]} {what}")
        elif name.startswith(RECORD):
            address = name[len(RECORD):]
            if name not in fresh:
                out.append(f"{address} is no longer in the plan")
            elif name not in saved:
                out.append(f"{address} is new since the plan")
            elif fresh[name] == ABSENT:
                out.append(f"record of {address} is gone")
            elif saved[name] == ABSENT:
                out.append(f"record of {address} was created since the plan")
            else:
                out.append(f"record of {address} changed in Odoo")
    return out


def plan_fingerprint(plan: SitePlan) -> str:
    """A hash of one site's plan as saved (secret-free ``to_dict``), named in the audit trail."""
    text = json.dumps(plan.to_dict(), sort_keys=True, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]
