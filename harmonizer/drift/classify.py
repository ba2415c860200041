"""Classification: a pure function from what one site should have, its standard, and the live
state, to the ``ResourceDrift`` entries of its report.

Inputs are the same the planner works from (so "drift" and "plan has a change" cannot
disagree): the site's ``DesiredState``, the template rendered with its defaults
(``standard``), the ``LiveSnapshot`` and the ``SitePlan`` made from them. Rules:

- A resource the plan creates is ``missing``; one it deletes (owned, no template declares it
  any more) is ``orphaned``. Both keep the plan's reason as a note.
- For every other resource, each managed field the template writes (create-only fields are
  never compared) is ``drift`` when live differs from the site's value, else ``sanctioned``
  when the site's value differs from the standard one, else ``standard``.
- A waiver (site file) matches a finding by address and field (template key or Odoo field
  name; ``*`` for the whole resource, which is how missing and orphaned are waived). Valid
  on its expiry day, expired the day after: then the finding is failing again, and the
  report still names the expired waiver.
- A site-local resource's fields that match the site's value are ``local`` (there is no
  standard to compare with); the resource carries its ``source`` file and line.
- A template resource the site excludes is ``excluded`` (the exclusion's owner, reason and
  expiry, and the record harmonizer still owns for it, if any) instead of orphaned or
  missing; once the exclusion has expired it is ``drift``.
- A resource that does not exist on the site's Odoo version (its ``odoo_versions``) is not
  part of the site's drift, nor are other resources' links to it: the plan leaves them out
  too (a NOOP saying so).
- Who and when come from the live record's ``write_uid``/``write_date``.
- Values are display texts; a key rendered from a secret is always redacted, and so is any
  sensitive field of an orphan (no template says what it holds).
- A value of a shape its value type cannot read or display (a live value a newer or older
  Odoo sends, a template value left unresolved because the field does not exist on that
  version) is shown raw with a note, never an error; an unreadable live value is drift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from harmonizer.access.model import SANCTIONED, AccessFinding
from harmonizer.config.site import Waiver
from harmonizer.kinds.base import FieldMap, Kind
from harmonizer.kinds.canonical import exact
from harmonizer.kinds.refs import UnresolvedReference
from harmonizer.kinds.registry import KINDS
from harmonizer.kinds.values import raw_text, read_live, same_or_not
from harmonizer.model import DesiredState, Exclusion, Resource
from harmonizer.plan.live import LiveSnapshot
from harmonizer.plan.model import REDACTED, Action, Change, SitePlan
from harmonizer.plan.planner import without_off_version
from harmonizer.plan.resolve import Resolver

from .clean import EMPTY, CleanFields, clean_entries, field_text
from .model import DriftClass, FieldDrift, ResourceDrift, WaiverRef, worst

WHOLE_RESOURCE = "*"
ABSENT = "(absent)"


def classify(desired: DesiredState, standard: DesiredState, live: LiveSnapshot, plan: SitePlan,
             waivers: Iterable[Waiver] = (), today: dt.date | None = None) -> tuple[ResourceDrift, ...]:
    """Every managed resource of the site (declaration order), then the orphans."""
    today = today or dt.date.today()
    waivers = tuple(waivers)
    changes = {c.address: c for c in plan.changes}
    off = {resource.address for resource in desired if not resource.on_version(live.major)}
    out = []
    standards = standard.resources
    for resource in desired:
        address = resource.address
        if off and address in off:
            continue
        found = _resource(resource, standards.get(address), changes[address], live, waivers, today, off)
        out.append(_as_local(found, resource) if resource.local else found)
    out.extend(_excluded(address, entry, changes.get(address), live, today)
               for address, entry in desired.excluded.items())
    out.extend(_orphan(c, live, waivers, today) for c in plan.changes
               if c.action is Action.DELETE and c.address not in desired.excluded)
    out.extend(_access(f) for f in plan.access)
    return tuple(out)


def _as_local(found: ResourceDrift, resource: Resource) -> ResourceDrift:
    fields = tuple(replace(f, cls=DriftClass.LOCAL) if f.cls in (DriftClass.STANDARD, DriftClass.SANCTIONED)
                   else f for f in found.fields)
    if found.cls in (DriftClass.MISSING, DriftClass.WAIVED):
        cls = found.cls
    else:
        cls = worst([f.cls for f in fields]) if fields else DriftClass.LOCAL
    return replace(found, fields=fields, cls=cls, source=str(resource.location))


def _excluded(address: str, entry: Exclusion, change: Change | None, live: LiveSnapshot,
              today: dt.date) -> ResourceDrift:
    kind = KINDS[address.split(".", 1)[0]]
    expired = entry.expired(today.isoformat())
    ref = WaiverRef(entry.owner, entry.reason, entry.expires or "", expired, str(entry.location))
    record = change.record_id if change is not None and change.action is Action.DELETE else None
    if expired:
        note = f"the exclusion expired on {entry.expires}: renew it or remove it (plan refuses it)"
    elif record is not None:
        note = "excluded; the record harmonizer created for it is kept until an apply deletes it (--allow-delete)"
    else:
        note = "excluded for this site"
    row = live.row(kind.model, record)
    who, when = _who(row)
    return ResourceDrift(address=address, kind=kind.key, area=kind.area, model=kind.model,
                         cls=DriftClass.DRIFT if expired else DriftClass.EXCLUDED, record_id=record,
                         changed_by=who, changed_at=when, note=note, exclusion=ref)


ACCESS_AREA = "access"


def _access(finding: AccessFinding) -> ResourceDrift:
    """An access policy finding as a drift entry of the ``access`` area: ``drift`` (conflict,
    excess holder, missing or unusable approver) or ``sanctioned`` (a valid site exception)."""
    cls = DriftClass.SANCTIONED if finding.status == SANCTIONED else DriftClass.DRIFT
    users = ", ".join(f"{login} ({name})" for login, name in finding.users) or "(nobody)"
    roles = " + ".join(finding.roles) or "-"
    ex = finding.exception
    waiver = None if ex is None else WaiverRef(ex.owner, ex.reason, ex.expires, ex.expired, ex.location)
    site = f"accepted for {users}" if cls is DriftClass.SANCTIONED else f"{finding.rule} ({finding.severity})"
    field = FieldDrift(key=finding.kind, field=", ".join(finding.groups) or "res.users", cls=cls,
                       standard=f"{finding.rule}: {roles}", site=site, live=users)
    note = f"{finding.message} [{finding.severity}; rule at {finding.location}]"
    if finding.fix and cls is DriftClass.DRIFT:
        note += f"; to resolve: {finding.fix}"
    return ResourceDrift(address=finding.address, kind="access_policy", area=ACCESS_AREA, model="res.users",
                         cls=cls, fields=(field,), note=note, waiver=waiver)


def _waiver(waivers: tuple[Waiver, ...], address: str, keys: tuple[str, ...], today: dt.date) -> WaiverRef | None:
    for waiver in waivers:
        if waiver.address == address and waiver.field in keys:
            return WaiverRef(waiver.owner, waiver.reason, waiver.expires.isoformat(), today > waiver.expires,
                             str(waiver.location))
    return None


def _desired(fmap: FieldMap, body: dict[str, Any], resolver: Resolver) -> tuple[bool, Any]:
    """(resolved, canonical value) of a template value; unresolved references stay unresolved."""
    try:
        return True, fmap.vtype.desired(body[fmap.key], resolver, body)
    except UnresolvedReference:
        return False, body[fmap.key]


def _who(row: dict[str, Any] | None) -> tuple[str | None, str | None]:
    if not row:
        return None, None
    uid = row.get("write_uid")
    who = str(uid[1]) if isinstance(uid, (list, tuple)) and len(uid) > 1 else (str(uid) if uid else None)
    when = row.get("write_date")
    return who, (str(when) if when else None)


def _resource(resource: Resource, std: Resource | None, change: Change, live: LiveSnapshot,
              waivers: tuple[Waiver, ...], today: dt.date, off: set[str]) -> ResourceDrift:
    kind = KINDS[resource.kind]
    # Leaving out links to off-version resources changes no pure field: the shared entries hold.
    clean = clean_entries(kind, resource, std, live.major)
    if change.action is not Action.CREATE:
        row = live.row(kind.model, change.record_id)
        if row is not None and clean is not None and clean.holds(row, live.resolver):
            who, when = _who(row)  # every field exactly the site's: the shared entries, nothing to waive
            # by position (hundreds per site): address, kind, area, model, cls, record_id, fields,
            # changed_by, changed_at
            return ResourceDrift(resource.address, kind.key, kind.area, kind.model, clean.cls, change.record_id,
                                 clean.fields or (), who, when)
    base = {"address": resource.address, "kind": kind.key, "area": kind.area, "model": kind.model}
    body = without_off_version(kind, kind.effective_body(resource), off, live.major)
    # A resource reading no variable the site overrides is the standard's very object (rendered once).
    std_body = body if std is resource else (
        without_off_version(kind, kind.effective_body(std), off, live.major) if std is not None else {})
    if change.action is Action.CREATE:
        fields = _fields(kind, resource, body, std_body, None, live)
        waiver = _waiver(waivers, resource.address, (WHOLE_RESOURCE,), today)
        cls = DriftClass.WAIVED if waiver is not None and not waiver.expired else DriftClass.MISSING
        return ResourceDrift(**base, cls=cls, record_id=change.record_id, fields=tuple(fields),
                             note=change.reason or "not found in Odoo", waiver=waiver)
    row = live.row(kind.model, change.record_id)
    fields = _fields(kind, resource, body, std_body, row, live, clean)
    classified = tuple(_waived(f, waivers, resource.address, today) for f in fields)
    who, when = _who(row)
    return ResourceDrift(**base, cls=worst([f.cls for f in classified]), record_id=change.record_id,
                         fields=classified, changed_by=who, changed_at=when)


def _fields(kind: Kind, resource: Resource, body: dict[str, Any], std_body: dict[str, Any],
            row: dict[str, Any] | None, live: LiveSnapshot,
            clean: CleanFields | None = None) -> list[FieldDrift]:
    """Each compared field's entry; ``clean`` (``drift.clean``) gives the entry of a field
    whose live value is exactly the site's, built once per resource."""
    out = []
    standard_is_site = std_body is body
    for index, fmap in enumerate(kind.field_maps(live.major)):
        if fmap.key not in body or fmap.create_only:
            continue
        entry = clean.entries[index] if clean is not None and row is not None else None
        if entry is not None:
            readable, live_value = read_live(fmap.vtype, row.get(fmap.field), live.resolver)  # type: ignore[union-attr]
            if readable and exact(live_value, entry[0]):
                out.append(entry[1])
                continue
        secret = fmap.key in resource.secret_keys
        resolved, site_value = _desired(fmap, body, live.resolver)
        site_text = field_text(fmap, site_value, secret)
        if standard_is_site:
            std_value, std_text = site_value, site_text if resolved else str(site_value)
        elif fmap.key in std_body:
            resolved, std_value = _desired(fmap, std_body, live.resolver)
            std_text = field_text(fmap, std_value, secret) if resolved else str(std_value)
        else:
            std_value, std_text = None, EMPTY
        if row is None:
            live_value, live_text, cls = None, ABSENT, DriftClass.MISSING
        else:
            readable, live_value = read_live(fmap.vtype, row.get(fmap.field), live.resolver)
            live_text = field_text(fmap, live_value, secret) if readable or secret else raw_text(live_value)
            if not readable or not same_or_not(fmap.vtype, live_value, site_value):
                cls = DriftClass.DRIFT
            elif not same_or_not(fmap.vtype, site_value, std_value):
                cls = DriftClass.SANCTIONED
            else:
                cls = DriftClass.STANDARD
        variables = tuple(resource.variables.get(fmap.key, ())) if cls is DriftClass.SANCTIONED else ()
        out.append(FieldDrift(fmap.key, fmap.field, cls, std_text, site_text, live_text, variables, secret))
    return out


def _waived(f: FieldDrift, waivers: tuple[Waiver, ...], address: str, today: dt.date) -> FieldDrift:
    if f.cls is not DriftClass.DRIFT:
        return f
    waiver = _waiver(waivers, address, (f.key, f.field, WHOLE_RESOURCE), today)
    if waiver is None:
        return f
    cls = DriftClass.DRIFT if waiver.expired else DriftClass.WAIVED
    return FieldDrift(f.key, f.field, cls, f.standard, f.site, f.live, f.variables, f.secret, waiver)


def _orphan(change: Change, live: LiveSnapshot, waivers: tuple[Waiver, ...], today: dt.date) -> ResourceDrift:
    kind = KINDS[change.kind]
    row = live.row(kind.model, change.record_id)
    who, when = _who(row)
    # The plan's texts of a deletion are already redacted for sensitive fields.
    fields = tuple(FieldDrift(f.key, f.field, DriftClass.ORPHANED, EMPTY, ABSENT,
                              REDACTED if f.secret else f.before_text, (), f.secret) for f in change.fields)
    waiver = _waiver(waivers, change.address, (WHOLE_RESOURCE,), today)
    cls = DriftClass.WAIVED if waiver is not None and not waiver.expired else DriftClass.ORPHANED
    return ResourceDrift(address=change.address, kind=kind.key, area=kind.area, model=kind.model, cls=cls,
                         record_id=change.record_id, fields=fields, changed_by=who, changed_at=when,
                         note=change.reason, waiver=waiver)
