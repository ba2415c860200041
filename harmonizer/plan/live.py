"""Reading a site's live state from Odoo, in bulk: one read per model, never per record.

Round trips for one site: one ``search_read`` per model read (see ``LiveReader`` for the
three phases), whatever the number of resources. Everything lands in a ``LiveSnapshot``
the pure planner works from.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from harmonizer.access import read as access_read
from harmonizer.access.model import AccessLive
from harmonizer.errors import SiteError
from harmonizer.frozen import quick_init
from harmonizer.kinds.base import Kind, site_marker
from harmonizer.kinds.registry import KINDS
from harmonizer.model import DesiredState, Level, address_of
from harmonizer.plan.batch import ReadBatch, Request
from harmonizer.plan.resolve import Resolver

MODULE = "__harmonizer__"
#: The site lock's system parameter (``harmonizer.safety.lock``): never a lookalike.
LOCK_KEY = "harmonizer.lock"
#: Bound kinds on these models at this level manage the site's scope record itself.
_SCOPE_LEVEL = {"res.company": Level.COMPANY, "stock.warehouse": Level.WAREHOUSE}
NO_ARCHIVE_FILTER = {"active_test": False}
#: The rows of a model not read (never written to).
_NO_ROWS: dict[int, dict[str, Any]] = {}
_UNSEEN: Any = object()


class ReadClient(Protocol):
    def search_read(self, model: str, domain: list[Any], fields: list[str],
                    context: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


@quick_init
@dataclass(frozen=True)
class OwnedRecord:
    """An ``ir.model.data`` row of module ``__harmonizer__`` that belongs to this site."""

    xmlid_id: int
    name: str
    kind: str
    resource: str
    model: str
    res_id: int
    #: The ``prevent_destroy`` marker (``noupdate`` of the external ID row).
    protected: bool = False
    #: A site-local record of this site (its external ID carries the site marker).
    local: bool = False

    @property
    def address(self) -> str:
        return address_of(self.kind, self.resource)


@dataclass
class LiveSnapshot:
    site: str
    major: int
    company_id: int | None
    warehouse_id: int | None
    resolver: Resolver
    #: address -> external ID row (owned records of this site, by xmlid)
    owned: dict[str, OwnedRecord] = field(default_factory=dict)
    #: model -> id -> row as read
    rows: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    #: kind key -> the candidate rows in the site's scope (bound kinds only)
    bound: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: model -> ids of every record any site owns through a ``__harmonizer__`` external ID
    managed: dict[str, set[int]] = field(default_factory=dict)
    #: address -> unowned records that look like the declared, not yet owned resource
    #: (same natural key, see ``Kind.natural_key``): never adopted silently
    lookalikes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: the users and groups the site's access policy is checked against (None: no policy)
    access: AccessLive | None = None

    def row(self, model: str, record_id: int | None) -> dict[str, Any] | None:
        if record_id is None:
            return None
        return self.rows.get(model, _NO_ROWS).get(record_id)


def split_site(name: str) -> tuple[str, str | None]:
    """``k__x__c3__swarehouse-4`` -> ("k__x__c3", "swarehouse-4"): the site marker of a
    site-local record's external ID (``Kind.xmlid_name``), ``None`` for a template one."""
    head, sep, last = name.rpartition("__")
    if sep and last.startswith("s") and head.count("__") in (1, 2):
        return head, last
    return name, None


def parse_xmlid(name: str) -> tuple[str, str, str | None] | None:
    """``automation__x`` -> ("automation", "x", None); ``k__x__c3`` -> ("k", "x", "c3")."""
    parts = name.split("__")
    if len(parts) == 2:
        return parts[0], parts[1], None
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return None


@functools.lru_cache(maxsize=1 << 16)
def _parsed_name(name: str) -> tuple[str | None, tuple[str, str, str | None] | None, str]:
    """(site marker, ``parse_xmlid`` of the rest, the resource's address) of an external ID
    name; sites of one template read the same names, so each is parsed once."""
    base, marker = split_site(name)
    parsed = parse_xmlid(base)
    return marker, parsed, address_of(parsed[0], parsed[1]) if parsed is not None else ""


def live_fields(kind: Kind, major: int) -> list[str]:
    """``kind.read_fields(major)`` without ``display_name`` unless a managed field (or the
    kind's bound match) is that field: plan and drift never show a record's display name
    (the lookups and lookalike reads that do ask for it themselves), and Odoo computes it for
    every record read."""
    fields = kind.read_fields(major)
    if "display_name" in {f.field for f in kind.field_maps(major)} | set(kind.bound_fields(major)):
        return fields
    return [name for name in fields if name != "display_name"]


def _belongs(kind: Kind, scope: str | None, company_id: int | None, warehouse_id: int | None) -> bool:
    if kind.level is Level.DATABASE:
        return scope is None
    if kind.level is Level.COMPANY:
        return scope == f"c{company_id}"
    return scope == f"w{warehouse_id}"


class LiveReader:
    """Reads what one site's plan needs, in three phases of merged reads (``ReadBatch``):

    1. the site's company (with company lookups), the external IDs, ir.model and
       ir.model.fields lookups (which also say which models have an ``active`` field);
    2. the site's warehouse (with warehouse lookups), which needs the company's id;
    3. everything else: owned records by id, bound candidates, natural-key lookups and
       lookalikes, one ``search_read`` per model.
    """

    def __init__(self, client: ReadClient, site: str, major: int) -> None:
        self.client = client
        self.site = site
        self.major = major

    def snapshot(self, desired: DesiredState) -> LiveSnapshot:
        self._scope_rows: dict[str, list[dict[str, Any]]] = {}
        lookups = self._wanted_lookups(desired)
        if desired.access is not None:  # the policy's groups, with the plan's external ID lookups
            xmlids = lookups.setdefault(("ir.model.data", "xmlid"), [])
            xmlids[:] = sorted(set(xmlids) | set(desired.access.group_xmlids(self.major)), key=str)
        models = self._models_read(desired)
        first = ReadBatch()
        company = self._add_company(first, desired)
        xmlids = first.add("ir.model.data", [("module", "=", MODULE)], ["name", "model", "res_id", "noupdate"])
        actives = first.add("ir.model.fields", [("model", "in", sorted(models | {m for m, _k in lookups})),
                                                ("name", "=", "active")], ["model", "name"])
        early = {key: self._add_lookup(first, key, values) for key, values in lookups.items()
                 if key[0] in ("res.company", "ir.model", "ir.model.fields", "ir.model.data")}
        first.run(self.client)
        company_id = self._company_id(desired, company)
        second = ReadBatch()
        warehouse = self._add_warehouse(second, desired, company_id)
        if warehouse is not None:
            early.update({key: self._add_lookup(second, key, values) for key, values in lookups.items()
                          if key[0] == "stock.warehouse"})
        second.run(self.client)
        warehouse_id = self._warehouse_id(desired, warehouse)
        snap = LiveSnapshot(self.site, self.major, company_id, warehouse_id, Resolver())
        self._owned(snap, xmlids.rows)
        active_models = {row["model"] for row in actives.rows}
        third = ReadBatch(active_models=active_models)
        # archived records are found too (a reference may point at one: an archived location,
        # an archived operation type); an active record wins over an archived one of that key
        late = {key: self._add_lookup(third, key, values, archived=key[0] in active_models)
                for key, values in lookups.items() if key not in early}
        kinds = {r.kind for r in desired} | {o.kind for o in snap.owned.values()}
        reads = {key: self._add_kind(third, snap, KINDS[key], desired) for key in sorted(kinds)}
        alikes = self._add_lookalikes(third, snap, desired)
        users = (third.add(access_read.USERS_MODEL, access_read.users_domain(), access_read.user_fields(self.major),
                           archived=True) if desired.access is not None else None)
        third.run(self.client)
        for key, request in {**early, **late}.items():
            self._resolve_lookup(snap.resolver, key, request.rows)
        for key, kind_reads in reads.items():
            self._take_kind(snap, KINDS[key], kind_reads)
        self._take_lookalikes(snap, alikes)
        if users is not None and desired.access is not None:
            groups = {x: snap.resolver.lookup("ir.model.data", "xmlid", x)
                      for x in desired.access.group_xmlids(self.major)}
            snap.access = access_read.access_live(users.rows, {x: v[0] for x, v in groups.items() if v},
                                                  company_id, self.major)
        return snap

    def scope_ids(self, desired: DesiredState) -> tuple[int | None, int | None]:
        """The ids of the site's company and warehouse (``SiteError`` if not exactly one each)."""
        self._scope_rows = {}
        batch = ReadBatch()
        company = self._add_company(batch, desired)
        batch.run(self.client)
        company_id = self._company_id(desired, company)
        batch = ReadBatch()
        warehouse = self._add_warehouse(batch, desired, company_id)
        batch.run(self.client)
        return company_id, self._warehouse_id(desired, warehouse)

    # -- scope ----------------------------------------------------------------------------

    def _add_company(self, batch: ReadBatch, desired: DesiredState) -> Request | None:
        if not desired.scope.company:
            return None
        return batch.add("res.company", [("name", "=", desired.scope.company)],
                         self._scope_fields("res.company", desired))

    def _company_id(self, desired: DesiredState, request: Request | None) -> int | None:
        if request is None:
            return None
        rows = request.rows
        self._scope_rows["res.company"] = rows
        if len(rows) != 1:
            found = "no" if not rows else f"{len(rows)}"
            raise SiteError(self.site, f"{found} company named {desired.scope.company!r} in this Odoo "
                                       "(scope.company)")
        return rows[0]["id"]

    def _add_warehouse(self, batch: ReadBatch, desired: DesiredState, company_id: int | None) -> Request | None:
        if not desired.scope.warehouse:
            return None
        domain: list[Any] = [("code", "=", desired.scope.warehouse)]
        if company_id is not None:
            domain.append(("company_id", "=", company_id))
        return batch.add("stock.warehouse", domain,
                         self._scope_fields("stock.warehouse", desired, ["code", "company_id"]))

    def _warehouse_id(self, desired: DesiredState, request: Request | None) -> int | None:
        if request is None:
            return None
        rows = request.rows
        self._scope_rows["stock.warehouse"] = rows
        if len(rows) != 1:
            raise SiteError(self.site, f"no warehouse with short name {desired.scope.warehouse!r} in "
                                       f"company {desired.scope.company!r} (scope.warehouse)")
        return rows[0]["id"]

    def _scope_fields(self, model: str, desired: DesiredState, base: list[str] | None = None) -> list[str]:
        """The scope record is read once, with the fields of every bound kind that manages it."""
        fields = set(base or ["name"])
        for key in {r.kind for r in desired}:
            kind = KINDS[key]
            if not kind.owned and kind.model == model and kind.level is _SCOPE_LEVEL[model]:
                fields.update(live_fields(kind, self.major))
        return sorted(fields)

    def _models_read(self, desired: DesiredState) -> set[str]:
        extra = {access_read.USERS_MODEL} if desired.access is not None else set()
        return {KINDS[r.kind].model for r in desired} | {k.model for k in KINDS.values() if k.owned} | extra

    # -- external IDs ------------------------------------------------------------------------

    def _owned(self, snap: LiveSnapshot, rows: list[dict[str, Any]]) -> None:
        mine = site_marker(self.site)
        managed = snap.managed
        #: (kind key, scope marker, model) -> the kind when such a row is this site's, else None
        mapped: dict[tuple[str, str | None, str], Kind | None] = {}
        owned = snap.owned
        for row in rows:
            model, res_id, name = row["model"], row["res_id"], row["name"]
            ids = managed.get(model)
            if ids is None:
                ids = managed[model] = set()
            ids.add(res_id)
            marker, parsed, address = _parsed_name(name)
            if marker is not None and marker != mine:
                continue  # another site's own record
            if parsed is None:
                continue
            slot = (parsed[0], parsed[2], model)
            kind = mapped.get(slot, _UNSEEN)
            if kind is _UNSEEN:
                kind = KINDS.get(parsed[0])
                if kind is not None and not (kind.accepts_model(model) and _belongs(
                        kind, parsed[2], snap.company_id, snap.warehouse_id)):
                    kind = None
                mapped[slot] = kind
            if kind is None:
                continue
            owned[address] = OwnedRecord(row["id"], name, kind.key, parsed[1], model, res_id,
                                         bool(row.get("noupdate")), local=marker is not None)

    # -- natural keys -----------------------------------------------------------------------

    def _wanted_lookups(self, desired: DesiredState) -> dict[tuple[str, str], list[Any]]:
        wanted: dict[tuple[str, str], set[Any]] = defaultdict(set)
        looks: dict[str, bool] = {}  # per kind: may it look anything up
        for resource in desired:
            may = looks.get(resource.kind)
            if may is None:
                may = looks[resource.kind] = KINDS[resource.kind].may_look_up(self.major)
            if not may:
                continue
            kind = KINDS[resource.kind]
            body = kind.effective_body(resource)
            for lookup in kind.for_body(body).lookups(body, self.major):
                wanted[(lookup.model, lookup.key)].add(lookup.value)
        return {key: sorted(values, key=str) for key, values in sorted(wanted.items())}

    def _add_lookup(self, batch: ReadBatch, key: tuple[str, str], values: list[Any], *,
                    archived: bool = False) -> Request:
        model, field_name = key
        if model == "ir.model.fields" and field_name == "model.name":
            pairs = [str(v).rpartition(".") for v in values]
            return batch.add(model, [("model", "in", sorted({p[0] for p in pairs})),
                                     ("name", "in", sorted({p[2] for p in pairs}))], ["model", "name"])
        if model == "ir.model.data" and field_name == "xmlid":
            pairs = [str(v).partition(".") for v in values]
            return batch.add(model, [("module", "in", sorted({p[0] for p in pairs})),
                                     ("name", "in", sorted({p[2] for p in pairs}))],
                             ["module", "name", "model", "res_id"])
        fields = [field_name, "display_name", *(["active"] if archived else [])]
        return batch.add(model, [(field_name, "in", values)], fields, archived=archived)

    def _resolve_lookup(self, resolver: Resolver, key: tuple[str, str], rows: list[dict[str, Any]]) -> None:
        model, field_name = key
        for row in sorted(rows, key=lambda r: bool(r.get("active", True))):  # active ones last: they win
            if model == "ir.model.fields" and field_name == "model.name":
                resolver.add(model, field_name, f"{row['model']}.{row['name']}", row["id"], row["name"])
            elif model == "ir.model.data" and field_name == "xmlid":
                xmlid = f"{row['module']}.{row['name']}"
                resolver.add(model, field_name, xmlid, row["res_id"], xmlid)
                # typed: a reference to a record of one model resolves only to that model
                resolver.add(row["model"], "xmlid", xmlid, row["res_id"], xmlid)
            else:
                resolver.add(model, field_name, row[field_name], row["id"],
                             row.get("display_name") or str(row[field_name]))

    # -- records ----------------------------------------------------------------------------

    def _add_kind(self, batch: ReadBatch, snap: LiveSnapshot, kind: Kind, desired: DesiredState
                  ) -> list[tuple[str, Request | None]]:
        """The reads of one kind: ``(model, request)``; a None request is served by the scope read."""
        if kind.owned:
            by_model: dict[str, list[int]] = defaultdict(list)
            for owned in snap.owned.values():
                if owned.kind == kind.key:
                    by_model[owned.model].append(owned.res_id)
            return [(model, batch.add(model, [("id", "in", sorted(ids))], self._fields(kind, model, desired),
                                      archived=True)) for model, ids in sorted(by_model.items())]
        if kind.model in self._scope_rows and kind.level is _SCOPE_LEVEL[kind.model]:
            return [(kind.model, None)]  # the site's own company/warehouse, read with the scope
        return [(kind.model, batch.add(kind.model, kind.bound_domain(snap.company_id, snap.warehouse_id),
                                       live_fields(kind, self.major)))]

    def _fields(self, kind: Kind, model: str, desired: DesiredState) -> list[str]:
        if not kind.dynamic:
            return live_fields(kind, self.major)
        fields = {"display_name"}
        for resource in desired:
            if resource.kind == kind.key:
                bound = kind.for_body(kind.effective_body(resource))
                if bound.model == model:
                    fields.update(bound.read_fields(self.major))
        return sorted(fields)

    def _take_kind(self, snap: LiveSnapshot, kind: Kind, reads: list[tuple[str, Request | None]]) -> None:
        for model, request in reads:
            if kind.owned:
                rows = request.rows if request is not None else []
                present = {row["id"] for row in rows}
                for address, owned in snap.owned.items():  # keyed by ``owned.address``
                    if owned.kind == kind.key and owned.model == model and owned.res_id in present:
                        snap.resolver.own(address, model, owned.res_id)
            else:
                rows = self._scope_rows[model] if request is None else request.rows
                snap.bound[kind.key] = rows
            table = snap.rows.setdefault(model, {})
            for row in rows:
                table[row["id"]] = row

    def _add_lookalikes(self, batch: ReadBatch, snap: LiveSnapshot, desired: DesiredState
                        ) -> list[tuple[Kind, list[str], list[tuple[str, dict[str, Any]]], Request]]:
        """Unowned records sharing a declared, not yet owned resource's natural key."""
        wanted: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for resource in desired:
            if resource.address in snap.owned:
                continue
            kind = KINDS[resource.kind]
            if kind.owned and kind.natural_key():
                wanted[kind.key].append((resource.address, kind.effective_body(resource)))
        out = []
        for key, items in sorted(wanted.items()):
            kind = KINDS[key]
            maps = {f.key: f for f in kind.field_maps(self.major)}
            names = [n for n in kind.natural_key() if n in maps]
            if not names:
                continue
            first = maps[names[0]].field
            values = sorted({str(body.get(names[0])) for _a, body in items}, key=str)
            fields = sorted({maps[n].field for n in names} | {"display_name"})
            out.append((kind, names, items, batch.add(kind.model, [(first, "in", values)], fields, archived=True)))
        return out

    def _take_lookalikes(self, snap: LiveSnapshot,
                         found: list[tuple[Kind, list[str], list[tuple[str, dict[str, Any]]], Request]]) -> None:
        for kind, names, items, request in found:
            maps = {f.key: f for f in kind.field_maps(self.major)}
            rows = [r for r in request.rows if r["id"] not in snap.managed.get(kind.model, set())
                    and not (kind.model == "ir.config_parameter" and r.get("key") == LOCK_KEY)]
            for address, body in items:
                alike = [r for r in rows if all(_same_key(maps[n], body.get(n), r, snap.resolver) for n in names)]
                if alike:
                    snap.lookalikes[address] = alike


def _same_key(fmap: Any, value: Any, row: dict[str, Any], resolver: Resolver) -> bool:
    live = fmap.vtype.live(row.get(fmap.field), resolver)
    if isinstance(live, dict):  # a reference: compare its natural key (the label) with the template's
        return str(live.get("label")) == str(value)
    return live == value
