"""Rollback: an ordinary ``SitePlan`` that restores the before-values recorded by past applies.

``targets`` folds the audit records to undo (newest first, down to and including the one
named by ``--to``) into one target state per address, from their *applied* changes only:
- the oldest change of an address decides: it was created (-> delete it again), or it
  existed (-> restore it; recreate it if it is gone now);
- a field's target is the before-value of the oldest change that touched it; a record
  deleted later is recreated from that delete's last-known values, overlaid with older ones.
``build_plan`` compares targets with the records as they are now (found by external ID for
owned kinds, by recorded id for bound ones) and emits create/update/delete changes, so the
executor verifies and applies it like any plan. Secret values were never recorded: they
cannot be restored and are listed in ``RollbackPlan.notes``. Bound records are never
created or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harmonizer.errors import SiteError
from harmonizer.kinds.base import Kind
from harmonizer.kinds.registry import KINDS
from harmonizer.kinds.values import show
from harmonizer.plan.live import MODULE, NO_ARCHIVE_FILTER
from harmonizer.plan.model import REDACTED, Action, Change, FieldChange, SitePlan
from harmonizer.plan.resolve import Resolver
from harmonizer.safety.audit import AuditRecord

KIND_ORDER = list(KINDS)


@dataclass
class Target:
    address: str
    kind: str
    model: str
    xmlid: str | None
    record_id: int | None
    present: bool
    #: key -> (Odoo field, canonical value to restore)
    values: dict[str, tuple[str, Any]] = field(default_factory=dict)
    create_extras: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RollbackPlan:
    plan: SitePlan
    reverts: tuple[str, ...]
    notes: tuple[str, ...] = ()


def select_records(history: list[AuditRecord], to: str | None) -> list[AuditRecord]:
    """The records to undo, newest first: the latest with applied changes, or all down to ``to``."""
    usable = [r for r in history if r.applied]
    if not usable:
        raise SiteError(history[0].site if history else "?", "no recorded apply with applied changes to roll back")
    if to is None:
        return usable[:1]
    ids = [r.id for r in usable]
    if to not in ids:
        raise SiteError(usable[0].site, f"no recorded apply {to!r} with applied changes (see `harmonizer history`)")
    return usable[: ids.index(to) + 1]


def targets(records: list[AuditRecord]) -> list[Target]:
    out: dict[str, Target] = {}
    for record in reversed(records):  # oldest first: the first to touch a field wins
        for change in record.applied:
            target = out.get(change["address"])
            if target is None:
                target = out[change["address"]] = Target(
                    change["address"], change["kind"], change["model"], change.get("xmlid"),
                    change.get("record_id"), present=change["action"] != Action.CREATE.value)
            target.record_id = change.get("record_id") or target.record_id
            if change["action"] == Action.CREATE.value:
                continue
            if change["action"] == Action.DELETE.value and not target.create_extras:
                target.create_extras = dict(change.get("create_extras") or {})
            for fchange in change["fields"]:
                if fchange["secret"] and fchange["before"] == REDACTED:
                    if fchange["key"] not in target.secrets:
                        target.secrets.append(fchange["key"])
                    continue
                target.values.setdefault(fchange["key"], (fchange["field"], fchange["before"]))
    return list(out.values())


def build_plan(site: str, base: SitePlan, found: list[Target], client: Any, major: int) -> RollbackPlan:
    """Changes that bring the records of ``found`` back to their targets (see the module rules)."""
    ids = _current_ids(client, found)
    rows = _current_rows(client, found, ids, major)
    changes, notes = [], []
    for target in found:
        kind = KINDS[target.kind]
        row = rows.get((target.model, ids.get(target.address) or 0))
        change = _change(site, kind, target, row, ids.get(target.address), major)
        if change is not None:
            changes.append(change)
        if target.secrets:
            what = "so it is not recreated" if target.present and change is None and row is None else "not restored"
            notes.append(f"{target.address}: {', '.join(target.secrets)} held a secret, never recorded: {what}")
    changes.sort(key=lambda c: (c.action is Action.DELETE, KIND_ORDER.index(c.kind) * (
        -1 if c.action is Action.DELETE else 1), c.address))
    return RollbackPlan(base.with_changes(tuple(changes)), (), tuple(notes))


def _current_ids(client: Any, found: list[Target]) -> dict[str, int | None]:
    names = [t.xmlid.split(".", 1)[1] for t in found if t.xmlid]
    rows = client.search_read("ir.model.data", [("module", "=", MODULE), ("name", "in", names)],
                              ["name", "res_id"]) if names else []
    by_name = {f"{MODULE}.{r['name']}": r["res_id"] for r in rows}
    return {t.address: by_name.get(t.xmlid) if t.xmlid else t.record_id for t in found}


def _current_rows(client: Any, found: list[Target], ids: dict[str, int | None], major: int
                  ) -> dict[tuple[str, int], dict[str, Any]]:
    wanted: dict[str, set[int]] = {}
    fields: dict[str, set[str]] = {}
    for target in found:
        fields.setdefault(target.model, set()).update(KINDS[target.kind].read_fields(major))
        if ids.get(target.address):
            wanted.setdefault(target.model, set()).add(int(ids[target.address] or 0))
    out = {}
    for model, model_ids in sorted(wanted.items()):
        for row in client.search_read(model, [("id", "in", sorted(model_ids))], sorted(fields[model]),
                                      context=NO_ARCHIVE_FILTER):
            out[(model, row["id"])] = row
    return out


def _change(site: str, kind: Kind, target: Target, row: dict[str, Any] | None, record_id: int | None,
            major: int) -> Change | None:
    maps = {f.key: f for f in kind.field_maps(major)}
    common = {"address": target.address, "kind": kind.key, "model": kind.model, "xmlid": target.xmlid}
    if not target.present:
        if row is None:
            return None
        fields = tuple(_field(maps, key, row, None, major, kind) for key in sorted(target.values) if key in maps)
        return Change(**common, action=Action.DELETE, record_id=record_id, fields=fields,
                      reason="created by the rolled-back apply")
    if row is None:
        if not kind.owned:
            raise SiteError(site, "its record is gone and bound records are never created", target.address)
        if target.secrets:
            return None  # cannot be recreated without the unrecorded secret (``notes`` says so)
        fields = tuple(FieldChange(key, fmap_field, None, value, "(empty)", show(maps[key].vtype, value))
                       for key, (fmap_field, value) in target.values.items() if key in maps)
        extras = target.create_extras or kind.create_extras({}, major)
        return Change(**common, action=Action.CREATE, record_id=None, fields=fields, create_extras=extras,
                      reason="deleted by the rolled-back apply: recreated")
    changed, kept = [], []
    for key, (_field_name, value) in target.values.items():
        if key not in maps:
            continue
        current = maps[key].vtype.live(row.get(maps[key].field), Resolver())
        (kept if maps[key].vtype.same(current, value) else changed).append(key)
    if not changed:
        return None
    group = {k for g in kind.write_together if g & set(changed) for k in g}
    fields = tuple(_field(maps, key, row, target.values[key][1], major, kind, carried=key in kept)
                   for key in [*changed, *[k for k in kept if k in group]])
    return Change(**common, action=Action.UPDATE, record_id=record_id, fields=fields,
                  reason="restoring the values before the rolled-back apply")


def _field(maps: dict[str, Any], key: str, row: dict[str, Any], after: Any, major: int, kind: Kind,
           carried: bool = False) -> FieldChange:
    fmap = maps[key]
    before = fmap.vtype.live(row.get(fmap.field), Resolver())
    secret = fmap.sensitive and after is None
    return FieldChange(key, fmap.field, before, after,
                       REDACTED if secret else show(fmap.vtype, before),
                       "(deleted)" if after is None else show(fmap.vtype, after), secret=secret, carried=carried)
