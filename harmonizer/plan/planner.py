"""The planner: a pure function from desired state and a live snapshot to a ``SitePlan``.

Rules it keeps:
- Owned records are found only by their external ID; bound records only by the site's
  scope. Nothing is ever matched by position or by name.
- Only fields the template names are compared; on bound records only those are touched.
- A resource no template declares any more is deleted only if harmonizer owns it, and never
  if its external ID carries the ``prevent_destroy`` marker (the plan fails instead).
- A declared resource with no owned record but an unowned lookalike (same natural key) is
  never created beside it nor adopted silently: the plan fails with a hint to import it.
- Changes come out in apply order: creates and updates after what they depend on,
  deletes last, dependants first.
- A resource whose ``odoo_versions`` the site's version does not meet is left out: a NOOP
  change whose reason says so (never a silent skip), its record (if any) neither updated
  nor deleted; links to it from other resources' action lists are dropped on that version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from harmonizer.access.evaluate import evaluate
from harmonizer.coupling.depends import reference
from harmonizer.errors import SiteError
from harmonizer.kinds.base import FieldMap, Kind
from harmonizer.kinds.canonical import NOT_KEPT, plain_text, pure_body, pure_values
from harmonizer.kinds.refs import ResourceRefs, UnresolvedReference
from harmonizer.kinds.registry import KINDS
from harmonizer.kinds.values import show
from harmonizer.memo import beside
from harmonizer.model import DesiredState, Resource, address_of
from harmonizer.plan.live import MODULE, LiveSnapshot
from harmonizer.plan.model import REDACTED, Action, Change, FieldChange, SitePlan
from harmonizer.plan.order import CycleError, topological
from harmonizer.plan.resolve import Resolver

KIND_ORDER = list(KINDS)
KIND_RANK = {key: index for index, key in enumerate(KIND_ORDER)}
#: Beside a resource: Odoo major -> its ``_Facts`` (see ``Planner._facts``).
_FACTS = "_plan_facts"
#: (kind as it applies to the resource, effective body, field maps, dependencies, source).
_Facts = tuple[Kind, dict[str, Any], list[FieldMap], tuple[str, ...], str]
#: Beside a resource: Odoo major -> its ``_Unchanged`` or None (see ``Planner._unchanged``).
_UNCHANGED = "_plan_unchanged"
#: (kind, dependencies, source, per compared field: (Odoo field, value type, canonical desired value,
#: whether a live ``str`` compares by ``==``: ``kinds.canonical.plain_text``)).
_Unchanged = tuple[Kind, tuple[str, ...], str, tuple[tuple[str, Any, Any, bool], ...]]
_UNKNOWN = object()
#: Beside a resource: (kind key, company id, warehouse id, site of a local one) -> its external ID.
_XMLID = "_plan_xmlid"
#: The rows of a model not read (never written to).
_NO_ROWS: dict[int, dict[str, Any]] = {}


def _text(kind: Kind, key: str, value: Any, secret: bool, major: int) -> str:
    if value is None:
        return "(empty)"
    if secret:
        return REDACTED
    try:
        vtype = kind.field_map(key, major).vtype
    except KeyError:
        return repr(value)
    return show(vtype, value)


class Planner:
    def __init__(self, desired: DesiredState, live: LiveSnapshot) -> None:
        self.desired = desired
        self.live = live
        self.major = live.major
        self.resolver: Resolver = live.resolver
        #: Addresses of resources that do not exist on this site's version (set by ``plan``).
        self.off_version: set[str] = set()

    def plan(self, *, url: str, database: str, odoo_version: str) -> SitePlan:
        off = [r for r in self.desired if not r.on_version(self.major)]
        self.off_version = {r.address for r in off}
        if self.off_version:
            kept = [self._change(r) for r in self.desired if r.address not in self.off_version]
        else:  # a converged site's common case: most resources take ``_unchanged``'s few steps
            unchanged = self._unchanged
            kept = [unchanged(r) or self._change(r) for r in self.desired]
        changes = (self._ordered(kept) + [self._off_version(r) for r in off] + self._excluded()
                   + self._deletions())
        return SitePlan(
            site=self.desired.site, url=url, database=database, odoo_version=odoo_version,
            template=self.desired.template, template_version=self.desired.template_version,
            company_id=self.live.company_id, warehouse_id=self.live.warehouse_id,
            changes=tuple(changes),
        )

    # -- desired resources ---------------------------------------------------------------

    def _desired_values(self, kind: Kind, resource: Resource, body: dict[str, Any],
                        maps: list[FieldMap]) -> dict[str, Any]:
        if not self.off_version:  # the body is the resource's own: all pure, computed once (kinds.canonical)
            whole = pure_body(kind, resource, self.major)
            if whole is not None:
                return whole
        out = {}
        kept = pure_values(kind, resource, self.major)  # computed once per resource (kinds.canonical)
        for index, fmap in enumerate(maps):
            if fmap.key not in body:
                continue
            if kept is not None and kept[index] is not NOT_KEPT:
                out[fmap.key] = kept[index]
                continue
            try:
                out[fmap.key] = fmap.vtype.desired(body[fmap.key], self.resolver, body)
            except UnresolvedReference as exc:
                where = resource.location_of(fmap.key)
                raise SiteError(self.desired.site, f"{exc} ({where})", resource.address) from None
        return out

    def _off_version(self, resource: Resource) -> Change:
        """The visible NOOP of a resource that does not exist on this site's Odoo version."""
        kind = KINDS[resource.kind]
        owned = self.live.owned.get(resource.address) if kind.owned else None
        kept = " (its record is kept)" if owned is not None else ""
        return Change(address=resource.address, kind=kind.key, model=kind.model, action=Action.NOOP,
                      record_id=owned.res_id if owned is not None else None,
                      xmlid=f"{MODULE}.{owned.name}" if owned is not None else None, source=str(resource.location),
                      reason=f"not on Odoo {self.major}.0 (declared for {resource.odoo_versions}){kept}")

    def _without_off_version(self, kind: Kind, body: dict[str, Any]) -> dict[str, Any]:
        return without_off_version(kind, body, self.off_version, self.major)

    def _facts(self, resource: Resource) -> _Facts:
        """What the resource's change needs from it alone; kept beside the resource (and shared:
        read, never change) when the site leaves nothing out for its version."""
        if self.off_version:
            return self._compute_facts(resource)
        return beside(resource, _FACTS, self.major, lambda: self._compute_facts(resource))

    def _compute_facts(self, resource: Resource) -> _Facts:
        kind = KINDS[resource.kind]
        body = kind.effective_body(resource)
        kind = kind.for_body(body)
        body = self._without_off_version(kind, body)
        deps = tuple(dict.fromkeys(ref.target for ref in kind.references(body, self.major)))
        return kind, body, kind.field_maps(self.major), deps, str(resource.location)

    def _unchanged_facts(self, resource: Resource) -> _Unchanged | None:
        """What ``_unchanged`` needs, kept beside the resource: an owned kind whose every field
        the body names has a pure canonical value (``kinds.canonical.pure_body``); else None."""
        return beside(resource, _UNCHANGED, self.major, lambda: self._compute_unchanged_facts(resource))

    def _compute_unchanged_facts(self, resource: Resource) -> _Unchanged | None:
        kind, _body, maps, deps, source = self._facts(resource)
        wanted = pure_body(kind, resource, self.major) if kind.owned else None
        return None if wanted is None else (kind, deps, source, tuple(
            (fmap.field, fmap.vtype, wanted[fmap.key], plain_text(fmap.vtype, wanted[fmap.key]))
            for fmap in maps if fmap.key in wanted and not fmap.create_only))

    def _unchanged(self, resource: Resource) -> Change | None:
        """The NOOP ``_change`` gives an owned resource whose record exists and whose compared
        fields are all the same as the template's (marker unchanged), found in fewer steps;
        None for anything else (``_change`` then works it out). Only when the site leaves
        nothing out for its version (``plan`` calls it then)."""
        table = resource.__dict__.get(_UNCHANGED)  # what ``_unchanged_facts`` gives, without its call
        facts = table.get(self.major, _UNKNOWN) if table is not None else _UNKNOWN
        if facts is _UNKNOWN:
            facts = self._unchanged_facts(resource)
        if facts is None:
            return None
        kind, deps, source, compared = facts
        live = self.live
        owned = live.owned.get(resource.address)
        if owned is None or resource.prevent_destroy != owned.protected:
            return None
        row = live.rows.get(kind.model, _NO_ROWS).get(owned.res_id)
        if row is None:
            return None
        resolver = self.resolver
        try:
            for field_name, vtype, after, plain in compared:
                raw = row.get(field_name)
                if plain and type(raw) is str:
                    if raw != after:
                        return None
                elif not vtype.same(vtype.live(raw, resolver), after):
                    return None
        except Exception:  # the general path meets it again and reports it
            return None
        # by position (binding keywords costs a third of building it, hundreds of times per site):
        # address, kind, model, action, record_id, xmlid, fields, depends_on, create_extras, source,
        # reason, protect, impact, local
        return Change(resource.address, kind.key, kind.model, Action.NOOP, owned.res_id, self._xmlid(kind, resource),
                      (), deps, {}, source, None, None, None, resource.local)

    def _xmlid(self, kind: Kind, resource: Resource) -> str:
        """``__harmonizer__.<kind.xmlid_name(...)>`` of an owned resource, kept beside it per scope."""
        live = self.live
        site = self.desired.site if resource.local else None
        key = (kind.key, live.company_id, live.warehouse_id, site)
        table = resource.__dict__.get(_XMLID)  # what ``beside`` gives, without its call: once per site
        found = table.get(key) if table is not None else None
        if found is not None:
            return found  # type: ignore[no-any-return]
        return beside(resource, _XMLID, key, lambda: (
            f"{MODULE}.{kind.xmlid_name(resource.name, live.company_id, live.warehouse_id, site)}"))

    def _change(self, resource: Resource) -> Change:
        kind, body, maps, deps, source = self._facts(resource)
        wanted = self._desired_values(kind, resource, body, maps)
        record_id, row, reason = self._find(kind, resource, body)
        fields = []
        for fmap in maps:
            if fmap.key not in wanted:
                continue
            after = wanted[fmap.key]
            if row is None:
                before = None
            elif fmap.create_only:
                continue
            else:
                before = fmap.vtype.live(row.get(fmap.field), self.resolver)
                if fmap.vtype.same(before, after):
                    continue
            secret = fmap.key in resource.secret_keys
            fields.append(FieldChange(
                key=fmap.key, field=fmap.field, before=before, after=after,
                before_text=_text(kind, fmap.key, before, secret, self.major),
                after_text=_text(kind, fmap.key, after, secret, self.major), secret=secret,
            ))
        if row is not None and fields:
            fields += self._carried(kind, resource, wanted, row, {f.key for f in fields})
        action = Action.CREATE if row is None else Action.UPDATE if fields else Action.NOOP
        if action is Action.UPDATE:
            reason = kind.change_note(fields) or reason
        xmlid = protect = None
        if kind.owned:
            xmlid = self._xmlid(kind, resource)
            owned = self.live.owned.get(resource.address)
            if resource.prevent_destroy != (owned is not None and owned.protected and row is not None):
                protect = resource.prevent_destroy
            if action is Action.NOOP and protect is not None:
                action = Action.UPDATE
                reason = f"{'set' if protect else 'clear'} its prevent_destroy marker"
        return Change(
            address=resource.address, kind=kind.key, model=kind.model, action=action,
            record_id=record_id if row is not None else None, xmlid=xmlid, fields=tuple(fields),
            depends_on=deps, create_extras=kind.create_extras(body, self.major) if action is Action.CREATE else {},
            source=source, reason=reason, protect=protect, local=resource.local,
        )

    def _carried(self, kind: Kind, resource: Resource, wanted: dict[str, Any], row: dict[str, Any],
                 changed: set[str]) -> list[FieldChange]:
        """Unchanged fields written again because a field Odoo recomputes them from changes."""
        out = []
        for group in kind.write_together:
            if not group & changed:
                continue
            for fmap in kind.field_maps(self.major):
                if fmap.key in group and fmap.key in wanted and fmap.key not in changed:
                    secret = fmap.key in resource.secret_keys
                    text = _text(kind, fmap.key, wanted[fmap.key], secret, self.major)
                    out.append(FieldChange(fmap.key, fmap.field, fmap.vtype.live(row.get(fmap.field), self.resolver),
                                           wanted[fmap.key], text, text, secret, carried=True))
                    changed.add(fmap.key)
        for fmap in self._recomputed(kind, wanted, changed):
            secret = fmap.key in resource.secret_keys
            text = _text(kind, fmap.key, wanted[fmap.key], secret, self.major)
            out.append(FieldChange(fmap.key, fmap.field, fmap.vtype.live(row.get(fmap.field), self.resolver),
                                   wanted[fmap.key], text, text, secret, carried=True))
            changed.add(fmap.key)
        return out

    def _recomputed(self, kind: Kind, wanted: dict[str, Any], changed: set[str]) -> list[Any]:
        """Managed fields Odoo recomputes on its own record from a changed field (stored, writable
        computes whose ``depends`` name it, from the version's reference): e.g. 17.0 renames a
        server action ("Create activity: ...") when its activity summary alone is written."""
        deps = reference(f"{self.major}.0")
        maps = kind.field_maps(self.major)
        written = {f.field for f in maps if f.key in changed}
        out = []
        for fmap in maps:
            if fmap.key in changed or fmap.key not in wanted or fmap.create_only:
                continue
            fdeps = deps.of(kind.model, fmap.field)
            if fdeps is not None and fdeps.store and not fdeps.readonly and not fdeps.related \
                    and written & {p for p in fdeps.depends if "." not in p}:
                out.append(fmap)
        return out

    def _find(self, kind: Kind, resource: Resource, body: dict[str, Any]
              ) -> tuple[int | None, dict[str, Any] | None, str | None]:
        if not kind.owned:
            rows = [row for row in self.live.bound.get(kind.key, []) if kind.bound_match(row, body)]
            if len(rows) != 1:
                what = "was not found" if not rows else f"is ambiguous ({len(rows)} records match)"
                raise SiteError(self.desired.site, f"the {kind.model} record of this site's scope {what} "
                                                   f"(bound records are never created; {resource.location})",
                                resource.address)
            return rows[0]["id"], rows[0], None
        owned = self.live.owned.get(resource.address)
        if owned is None:
            self._refuse_lookalike(kind, resource, body)
            return None, None, None
        row = self.live.row(kind.model, owned.res_id)
        if row is None:
            return owned.res_id, None, "its record was deleted outside harmonizer: it will be created again"
        return owned.res_id, row, None

    def _refuse_lookalike(self, kind: Kind, resource: Resource, body: dict[str, Any]) -> None:
        found = self.live.lookalikes.get(resource.address)
        if not found:
            return
        first = kind.natural_key()[0]
        which = ", ".join(f"#{r['id']} {r.get('display_name') or ''}".strip() for r in found[:3])
        raise SiteError(self.desired.site, f"a {kind.model} record like it already exists but harmonizer does not "
                                           f"own it ({which}): adopt it with `harmonizer import site="
                                           f"{self.desired.site} {resource.address} --match {first}="
                                           f"{body.get(first)}` (or remove it) instead of creating a duplicate",
                        resource.address)

    def _ordered(self, changes: list[Change]) -> list[Change]:
        ranked = sorted(changes, key=lambda c: KIND_RANK[c.kind])
        if not any(c.depends_on for c in changes):
            return ranked  # what the topological order keeps when nothing depends on anything
        by_address = {c.address: c for c in changes}
        try:
            order = topological([c.address for c in ranked], {c.address: c.depends_on for c in changes})
        except CycleError as exc:
            raise SiteError(self.desired.site, str(exc)) from None
        return [by_address[a] for a in order]

    # -- exclusions -------------------------------------------------------------------------

    def _excluded(self) -> list[Change]:
        """The visible NOOP of each excluded resource harmonizer owns no record for (a bound
        record is simply no longer managed; an owned one is planned for deletion below)."""
        out = []
        for address, entry in self.desired.excluded.items():
            if address in self.live.owned and self.live.row(self.live.owned[address].model,
                                                            self.live.owned[address].res_id) is not None:
                continue
            kind_key = address.split(".", 1)[0]
            kind = KINDS[kind_key]
            what = "not managed here (its record is left as it is)" if not kind.owned else "not created here"
            out.append(Change(address=address, kind=kind.key, model=kind.model, action=Action.NOOP,
                              record_id=None, xmlid=None, source=str(entry.location),
                              reason=f"{entry.describe()}: {what}", excluded=True))
        return out

    # -- orphans ----------------------------------------------------------------------------

    def _deletions(self) -> list[Change]:
        out = []
        for address, owned in self.live.owned.items():
            if address in self.desired.resources:
                continue
            kind = KINDS[owned.kind]
            row = self.live.row(owned.model, owned.res_id)
            if row is None:
                continue  # already gone; the dangling external ID is harmless and left alone
            if owned.protected:
                raise SiteError(self.desired.site, "refusing to delete it: it was declared with prevent_destroy "
                                                   "(declare it again, or apply it with prevent_destroy: false "
                                                   "first)", address)
            fields = []
            for fmap in kind.field_maps(self.major):
                if fmap.create_only or fmap.field not in row:
                    continue
                before = fmap.vtype.live(row.get(fmap.field), self.resolver)
                fields.append(FieldChange(fmap.key, fmap.field, before, None,
                                          _text(kind, fmap.key, before, fmap.sensitive, self.major),
                                          "(deleted)", secret=fmap.sensitive))
            entry = self.desired.excluded.get(address)
            if entry is not None:
                reason = f"{entry.describe()}: its record is deleted only with confirmation (--allow-delete)"
            elif owned.local:
                reason = "the site no longer declares it (sites/" + self.desired.site + "/)"
            else:
                reason = "no template declares it any more"
            out.append(Change(
                address=address, kind=kind.key, model=owned.model, action=Action.DELETE,
                record_id=owned.res_id, xmlid=f"{MODULE}.{owned.name}", fields=tuple(fields),
                reason=reason, local=owned.local, excluded=entry is not None,
                source=str(entry.location) if entry is not None else None,
            ))
        out.sort(key=lambda c: (-KIND_ORDER.index(c.kind), c.address))
        return out


def plan_site(desired: DesiredState, live: LiveSnapshot, *, url: str, database: str,
              odoo_version: str, today: dt.date | None = None) -> SitePlan:
    """The site's plan; with an access policy, its findings as of ``today`` (default: today) too."""
    site_plan = Planner(desired, live).plan(url=url, database=database, odoo_version=odoo_version)
    if desired.access is None or live.access is None:
        return site_plan
    findings = evaluate(desired.access, live.access, live.major, today or dt.date.today())
    return replace(site_plan, access=findings)


def without_off_version(kind: Kind, body: dict[str, Any], off_version: set[str], major: int) -> dict[str, Any]:
    """``body`` without links to resources left out on this version (``off_version``: their
    addresses; see ``Planner._off_version``)."""
    if not off_version:
        return body
    out = dict(body)
    for fmap in kind.field_maps(major):
        if isinstance(fmap.vtype, ResourceRefs) and isinstance(out.get(fmap.key), list):
            out[fmap.key] = [n for n in out[fmap.key] if address_of(fmap.vtype.kind, n) not in off_version]
    return out
