"""Coupled fields: desired states Odoo can never hold at once, found before anything is written.

Odoo computes some writable fields from another record and writes them back through an
inverse: ``delivery.carrier.fixed_price`` depends on ``product_id.list_price``, so two
carriers sharing a service product always show the same price, and writing one changes
the other. Two resources that write different values into such a field through the same
related record (or one that writes the field and another that writes what it is computed
from) can never both hold: every apply undoes the other's write and the plan never empties.

The analysis is pure: resources (of one site, or of every site sharing a database) and
``Dependencies`` (a live server's ``fields_get`` answers, or the version's shipped
reference) in, ``Coupling`` findings out. Records are identified in the template's own
vocabulary (a product's internal reference, a resource's address within the site's company
or warehouse), so ``validate`` finds the same couplings offline as ``plan`` does online.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harmonizer.coupling.depends import Dependencies, FieldDeps
from harmonizer.kinds.base import FieldMap, Kind
from harmonizer.kinds.refs import RecordRef, ResourceRef
from harmonizer.kinds.registry import KINDS
from harmonizer.kinds.values import Raw, Text
from harmonizer.memo import ByIdentity
from harmonizer.model import DesiredState, Level, Resource, address_of
from harmonizer.plan.resolve import Resolver

#: A record as the template names it: ("addr", address, scope) or (model, key field, value).
Identity = tuple[Any, ...]


@dataclass(frozen=True)
class Member:
    """One resource writing one field: where it is declared and the value it writes."""

    site: str
    address: str
    key: str
    field: str
    value: Any
    location: str

    def text(self, other_site: str | None = None) -> str:
        of_site = f" of site {self.site}" if other_site is not None and other_site != self.site else ""
        return f"{self.address}{of_site} ({self.location})"


@dataclass(frozen=True)
class Coupling:
    """Two writes Odoo cannot both keep. ``first`` writes the computed ``model.field``;
    ``second`` writes the same field through the same ``shared`` record (``source`` is None)
    or writes ``source`` on that record itself."""

    model: str
    field: str
    deps: str
    path: str
    shared: str
    first: Member
    second: Member
    source: str | None = None

    def message(self) -> str:
        a = self.first.text(self.second.site)
        b = self.second.text(self.first.site)
        if self.source is None:
            return (f"{a} and {b} write {self.field} = {_show(self.first.value)} and {_show(self.second.value)}, "
                    f"but in Odoo {self.deps} and both use {self.shared}: each write changes "
                    "the other, so they can never both hold (give each its own "
                    f"{self.shared.split(' ', 1)[0]}, or the same value)")
        return (f"{a} writes {self.field} = {_show(self.first.value)}, but in Odoo {self.deps}, "
                f"and {b} writes {self.source} = {_show(self.second.value)} on that same "
                f"{self.shared}: each write changes the other, so they can never both hold")

    def involves(self, site: str, address: str) -> bool:
        return any(m.site == site and m.address == address for m in (self.first, self.second))

    def cause(self) -> str:
        """The short form verification shows: what Odoo computes and what is shared."""
        if self.source is None:
            return (f"{self.deps}; {self.first.address} and {self.second.address} share {self.shared}")
        return f"{self.deps}; {self.second.address} writes {self.source} of {self.shared}"


@dataclass(frozen=True)
class _Write:
    member: Member
    model: str
    fmap: FieldMap
    own: frozenset[Identity]
    body: dict[str, Any]


@dataclass(frozen=True)
class LiveIds:
    """What a plan read of one site (``site``): the resolver of its references and the record
    ids of its owned and bound resources, so records are also matched by id."""

    site: str
    resolver: Resolver
    record_ids: Mapping[str, int]


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _norm(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    if isinstance(value, str):
        try:
            return round(float(value), 6)
        except ValueError:
            return value
    return json.dumps(value, sort_keys=True, default=str)


def _scope(kind: Kind, state: DesiredState) -> Any:
    if kind.level is Level.DATABASE:
        return None
    if kind.level is Level.COMPANY:
        return state.scope.company
    return (state.scope.company, state.scope.warehouse)


def _own_identities(kind: Kind, resource: Resource, state: DesiredState, body: dict[str, Any],
                    maps: list[FieldMap], live: LiveIds | None) -> frozenset[Identity]:
    """How other resources may name this resource's record."""
    if not kind.owned and kind.model == "res.company" and kind.level is Level.COMPANY:
        out: set[Identity] = {("res.company", "name", state.scope.company)}
    elif not kind.owned and kind.model == "stock.warehouse" and kind.level is Level.WAREHOUSE:
        out = {("stock.warehouse", "code", state.scope.warehouse)}
    else:
        out = {("addr", resource.address, _scope(kind, state))}
    for fmap in maps:  # a text field the record is written with is a key others may look it up by
        if isinstance(fmap.vtype, Text | Raw) and isinstance(body.get(fmap.key), str):
            out.add((kind.model, fmap.field, body[fmap.key]))
    if live is not None and live.site == state.site:
        record_id = live.record_ids.get(resource.address)
        if record_id is not None:
            out.add((kind.model, "id", record_id))
    return frozenset(out)


def _target(fmap: FieldMap, value: Any, state: DesiredState, body: dict[str, Any], live: LiveIds | None
            ) -> tuple[list[Identity], str] | None:
    """The record a many2one value names (in the template's vocabulary and, at plan time, by
    the id this site's Odoo resolved it to), and how to show it ("product SHIP-GROUND")."""
    if value in (None, False, "") or isinstance(value, list):
        return None
    shown = f"{fmap.key} {_show(value)}"
    if isinstance(fmap.vtype, ResourceRef):
        kind = KINDS.get(fmap.vtype.kind)
        scope = _scope(kind, state) if kind is not None else None
        address = address_of(fmap.vtype.kind, str(value))
        out: list[Identity] = [("addr", address, scope)]
        if live is not None and live.site == state.site and address in live.record_ids:
            out.append((fmap.vtype.model, "id", live.record_ids[address]))
        return out, shown
    if not isinstance(fmap.vtype, RecordRef) or hasattr(fmap.vtype, "model_key"):
        return None
    out = [(fmap.vtype.model, fmap.vtype.key, value if isinstance(value, str) else _norm(value))]
    if live is not None and live.site == state.site:
        try:
            resolved = fmap.vtype.desired(value, live.resolver, body)
        except Exception:  # an unresolved reference is the planner's error to report
            resolved = None
        if isinstance(resolved, dict) and resolved.get("id") is not None:
            out.append((fmap.vtype.model, "id", resolved["id"]))
    return out, shown


@dataclass(frozen=True)
class _Declared:
    """One resource of a desired state on one Odoo version: what it writes, as declared
    (everything ``_writes`` needs that does not depend on a live read)."""

    resource: Resource
    kind: Kind
    body: dict[str, Any]
    maps: list[FieldMap]
    scope_key: tuple[str, Any]
    members: tuple[tuple[Member, FieldMap], ...]


#: ``_declared`` per desired state and version: a plan, its verification and the next plan
#: of one run analyse the same rendered states.
_DECLARED: ByIdentity[list[_Declared]] = ByIdentity()


def _declared(state: DesiredState, major: int) -> list[_Declared]:
    return _DECLARED.get(state, major, lambda: _declare(state, major))


def _declare(state: DesiredState, major: int) -> list[_Declared]:
    out = []
    for resource in state:
        if not resource.on_version(major):
            continue
        base = KINDS[resource.kind]
        try:
            body = base.effective_body(resource)
            kind = base.for_body(body)
            maps = kind.field_maps(major)
        except Exception:
            continue
        members = tuple((Member(state.site, resource.address, fmap.key, fmap.field, body[fmap.key],
                                str(resource.location_of(fmap.key))), fmap)
                        for fmap in maps if fmap.key in body and not fmap.create_only)
        out.append(_Declared(resource, kind, body, maps, (resource.address, _scope(kind, state)), members))
    return out


def _writes(site_states: Iterable[DesiredState], major: int, live: LiveIds | None = None) -> list[_Write]:
    out: list[_Write] = []
    seen: set[tuple[str, Any]] = set()
    for state in site_states:
        for declared in _declared(state, major):
            if declared.scope_key in seen:
                continue  # a database-level record declared by several sites of one database
            seen.add(declared.scope_key)
            own = _own_identities(declared.kind, declared.resource, state, declared.body, declared.maps, live)
            out.extend(_Write(member, declared.kind.model, fmap, own, declared.body)
                       for member, fmap in declared.members)
    return out


def find_couplings(site_states: Iterable[DesiredState], deps: Dependencies, major: int,
                   live: LiveIds | None = None) -> list[Coupling]:
    """Couplings among the resources of ``site_states`` (one site, or every site sharing a
    database), with Odoo ``major``'s field maps and ``deps``'s compute dependencies; ``live``
    (plan time) also matches one site's records by the ids its Odoo resolved."""
    states = list(site_states)
    by_state = {s.site: s for s in states}
    writes = _writes(states, major, live)
    # Each resource's writes by field (the last write of a field wins), indexed once: looking
    # them up per write made the analysis quadratic in the number of resources.
    fields_of: dict[tuple[str, str], dict[str, _Write]] = defaultdict(dict)
    for write in writes:
        fields_of[(write.member.site, write.member.address)][write.member.field] = write
    sources = []
    for write in writes:
        fdeps = deps.of(write.model, write.member.field)
        if fdeps is None:
            continue
        own_fields = fields_of[(write.member.site, write.member.address)]
        sources.extend((write, fdeps, key, path, shown)
                       for key, path, shown in _sources(own_fields, fdeps, by_state[write.member.site], live))
    # The writes of the fields computed fields are computed from, by the records they name
    # (only those fields are ever looked up).
    wanted = {key[1] for _write, _fdeps, key, _path, _shown in sources}
    direct: dict[tuple[Identity, str], list[_Write]] = defaultdict(list)
    for write in writes:
        if write.member.field in wanted:
            for identity in write.own:
                direct[(identity, write.member.field)].append(write)
    through: dict[tuple[Identity, str], list[tuple[_Write, FieldDeps, str, str]]] = defaultdict(list)
    found: list[Coupling] = []
    for write, fdeps, key, path, shown in sources:
        through[key].append((write, fdeps, path, shown))
        found.extend(_direct_conflicts(write, fdeps, path, shown, direct.get(key, [])))
    for entries in through.values():
        found.extend(_shared_conflicts(entries))
    return _unique(found)


def _sources(own_fields: Mapping[str, _Write], fdeps: FieldDeps, state: DesiredState, live: LiveIds | None
             ) -> list[tuple[tuple[Identity, str], str, str]]:
    """The (record, field) pairs a computed field (``fdeps``) of a resource is computed from,
    through the fields that resource writes (``own_fields``)."""
    out = []
    for path in fdeps.depends:
        head, _, rest = path.partition(".")
        if not rest:
            continue  # computed from its own record: the kind writes those together
        rel = own_fields.get(head)
        if rel is None:
            continue
        target = _target(rel.fmap, rel.member.value, state, rel.body, live)
        if target is None:
            continue
        out.extend(((identity, rest), path, target[1]) for identity in target[0])
    return out


def _direct_conflicts(write: _Write, fdeps: FieldDeps, path: str, shown: str,
                      writers: list[_Write]) -> list[Coupling]:
    out = []
    for other in writers:
        if other.member.address == write.member.address and other.member.site == write.member.site:
            continue
        if _norm(other.member.value) != _norm(write.member.value):
            out.append(Coupling(write.model, write.member.field, fdeps.describe(), path, shown,
                                write.member, other.member, source=other.member.field))
    return out


def _shared_conflicts(entries: list[tuple[_Write, FieldDeps, str, str]]) -> list[Coupling]:
    out = []
    for i, (write, fdeps, path, shown) in enumerate(entries):
        for other, _f, _p, _s in entries[:i]:
            if other.model != write.model or other.member.field != write.member.field:
                continue
            if _norm(other.member.value) != _norm(write.member.value):
                out.append(Coupling(write.model, write.member.field, fdeps.describe(), path, shown,
                                    other.member, write.member))
    return out


def _unique(found: list[Coupling]) -> list[Coupling]:
    """One finding per pair of resources and field (several depends paths say the same)."""
    out: dict[tuple[Any, ...], Coupling] = {}
    for item in found:
        pair = tuple(sorted([(item.first.site, item.first.address), (item.second.site, item.second.address)]))
        out.setdefault((pair, item.model, item.field), item)
    return list(out.values())


def live_ids(site: str, resolver: Resolver, changes: Iterable[Any]) -> LiveIds:
    """``LiveIds`` from a site's plan: its resolver and the record id of each planned change."""
    return LiveIds(site, resolver, {c.address: int(c.record_id) for c in changes if c.record_id})


def models_written(site_states: Iterable[DesiredState], major: int) -> set[str]:
    """The Odoo models the resources of ``site_states`` write (whose dependencies matter)."""
    # The models of the declared resources that write a field (what ``_writes`` would list,
    # without building each write's identities).
    return {declared.kind.model for state in site_states for declared in _declared(state, major)
            if declared.members}


def offline_couplings(groups: Iterable[tuple[str, list[DesiredState]]]) -> list[tuple[Coupling, str | None]]:
    """``validate``'s check: each group is the sites of one database (their Odoo version,
    "17.0" when a real server's is not known offline) and their desired states, checked
    against the version's shipped reference dependencies. Each coupling comes with the
    reference's note (another version's data used), if any."""
    from harmonizer.coupling.depends import reference

    out = []
    for version, states in groups:
        deps = reference(version)
        out.extend((c, deps.note) for c in find_couplings(states, deps, int(float(version))))
    return out
