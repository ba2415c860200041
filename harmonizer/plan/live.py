"""Reading a site's live state from Odoo, in bulk: one read per model, never per record.

Round trips for one site: the company and warehouse of its scope, the harmonizer external
IDs, one read per referenced model (natural keys), and one ``search_read`` per resource
kind. Everything lands in a ``LiveSnapshot`` the pure planner works from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from harmonizer.errors import SiteError
from harmonizer.kinds.base import Kind
from harmonizer.kinds.registry import KINDS
from harmonizer.model import DesiredState, Level, address_of
from harmonizer.plan.resolve import Resolver

MODULE = "__harmonizer__"
#: The site lock's system parameter (``harmonizer.safety.lock``): never a lookalike.
LOCK_KEY = "harmonizer.lock"
#: Bound kinds on these models at this level manage the site's scope record itself.
_SCOPE_LEVEL = {"res.company": Level.COMPANY, "stock.warehouse": Level.WAREHOUSE}
NO_ARCHIVE_FILTER = {"active_test": False}


class ReadClient(Protocol):
    def search_read(self, model: str, domain: list[Any], fields: list[str],
                    context: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


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

    def row(self, model: str, record_id: int | None) -> dict[str, Any] | None:
        if record_id is None:
            return None
        return self.rows.get(model, {}).get(record_id)


def parse_xmlid(name: str) -> tuple[str, str, str | None] | None:
    """``automation__x`` -> ("automation", "x", None); ``k__x__c3`` -> ("k", "x", "c3")."""
    parts = name.split("__")
    if len(parts) == 2:
        return parts[0], parts[1], None
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return None


def _belongs(kind: Kind, scope: str | None, company_id: int | None, warehouse_id: int | None) -> bool:
    if kind.level is Level.DATABASE:
        return scope is None
    if kind.level is Level.COMPANY:
        return scope == f"c{company_id}"
    return scope == f"w{warehouse_id}"


class LiveReader:
    """Reads what one site's plan needs. Holds the read client; ``snapshot`` does the reading."""

    def __init__(self, client: ReadClient, site: str, major: int) -> None:
        self.client = client
        self.site = site
        self.major = major

    def snapshot(self, desired: DesiredState) -> LiveSnapshot:
        self._scope_rows: dict[str, list[dict[str, Any]]] = {}
        company_id, warehouse_id = self._scope(desired)
        snap = LiveSnapshot(self.site, self.major, company_id, warehouse_id, Resolver())
        self._owned(snap)
        kinds = {r.kind for r in desired} | {o.kind for o in snap.owned.values()}
        self._lookups(snap, desired)
        for key in sorted(kinds):
            self._read_kind(snap, KINDS[key])
        self._lookalikes(snap, desired)
        return snap

    def scope_ids(self, desired: DesiredState) -> tuple[int | None, int | None]:
        """The ids of the site's company and warehouse (``SiteError`` if not exactly one each)."""
        self._scope_rows = {}
        return self._scope(desired)

    def _scope(self, desired: DesiredState) -> tuple[int | None, int | None]:
        company_id = warehouse_id = None
        if desired.scope.company:
            rows = self.client.search_read("res.company", [("name", "=", desired.scope.company)],
                                           self._scope_fields("res.company", desired))
            self._scope_rows["res.company"] = rows
            if len(rows) != 1:
                found = "no" if not rows else f"{len(rows)}"
                raise SiteError(self.site, f"{found} company named {desired.scope.company!r} in this Odoo "
                                           "(scope.company)")
            company_id = rows[0]["id"]
        if desired.scope.warehouse:
            domain: list[Any] = [("code", "=", desired.scope.warehouse)]
            if company_id is not None:
                domain.append(("company_id", "=", company_id))
            rows = self.client.search_read("stock.warehouse", domain,
                                           self._scope_fields("stock.warehouse", desired, ["code", "company_id"]))
            self._scope_rows["stock.warehouse"] = rows
            if len(rows) != 1:
                raise SiteError(self.site, f"no warehouse with short name {desired.scope.warehouse!r} in "
                                           f"company {desired.scope.company!r} (scope.warehouse)")
            warehouse_id = rows[0]["id"]
        return company_id, warehouse_id

    def _scope_fields(self, model: str, desired: DesiredState, base: list[str] | None = None) -> list[str]:
        """The scope record is read once, with the fields of every bound kind that manages it."""
        fields = set(base or ["name"])
        for key in {r.kind for r in desired}:
            kind = KINDS[key]
            if not kind.owned and kind.model == model and kind.level is _SCOPE_LEVEL[model]:
                fields.update(kind.read_fields(self.major))
        return sorted(fields)

    def _owned(self, snap: LiveSnapshot) -> None:
        rows = self.client.search_read("ir.model.data", [("module", "=", MODULE)],
                                       ["name", "model", "res_id", "noupdate"])
        for row in rows:
            snap.managed.setdefault(row["model"], set()).add(row["res_id"])
            parsed = parse_xmlid(row["name"])
            if parsed is None or parsed[0] not in KINDS:
                continue
            kind = KINDS[parsed[0]]
            if kind.model != row["model"] or not _belongs(kind, parsed[2], snap.company_id, snap.warehouse_id):
                continue
            owned = OwnedRecord(row["id"], row["name"], kind.key, parsed[1], row["model"], row["res_id"],
                                bool(row.get("noupdate")))
            snap.owned[owned.address] = owned

    def _lookups(self, snap: LiveSnapshot, desired: DesiredState) -> None:
        wanted: dict[tuple[str, str], set[Any]] = defaultdict(set)
        for resource in desired:
            kind = KINDS[resource.kind]
            for lookup in kind.lookups(kind.effective_body(resource), self.major):
                wanted[(lookup.model, lookup.key)].add(lookup.value)
        for (model, key), values in sorted(wanted.items()):
            self._lookup(snap.resolver, model, key, values)

    def _lookup(self, resolver: Resolver, model: str, key: str, values: Iterable[Any]) -> None:
        values = sorted(values, key=str)
        if model == "ir.model.fields" and key == "model.name":
            pairs = [str(v).rpartition(".") for v in values]
            domain = [("model", "in", sorted({p[0] for p in pairs})), ("name", "in", sorted({p[2] for p in pairs}))]
            for row in self.client.search_read(model, domain, ["model", "name"]):
                resolver.add(model, key, f"{row['model']}.{row['name']}", row["id"], row["name"])
            return
        for row in self.client.search_read(model, [(key, "in", values)], [key, "display_name"]):
            resolver.add(model, key, row[key], row["id"], row.get("display_name") or str(row[key]))

    def _read_kind(self, snap: LiveSnapshot, kind: Kind) -> None:
        fields = kind.read_fields(self.major)
        if kind.owned:
            ids = sorted(o.res_id for o in snap.owned.values() if o.kind == kind.key)
            rows = self.client.search_read(kind.model, [("id", "in", ids)], fields,
                                           context=NO_ARCHIVE_FILTER) if ids else []
            present = {row["id"] for row in rows}
            for owned in snap.owned.values():
                if owned.kind == kind.key and owned.res_id in present:
                    snap.resolver.own(owned.address, kind.model, owned.res_id)
        elif kind.model in self._scope_rows and kind.level is _SCOPE_LEVEL[kind.model]:
            rows = self._scope_rows[kind.model]  # the site's own company/warehouse, read with the scope
            snap.bound[kind.key] = rows
        else:
            rows = self.client.search_read(kind.model, kind.bound_domain(snap.company_id, snap.warehouse_id),
                                           fields)
            snap.bound[kind.key] = rows
        table = snap.rows.setdefault(kind.model, {})
        for row in rows:
            table[row["id"]] = row

    def _lookalikes(self, snap: LiveSnapshot, desired: DesiredState) -> None:
        """One read per kind: unowned records sharing a declared, unowned resource's natural key."""
        wanted: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for resource in desired:
            kind = KINDS[resource.kind]
            if kind.owned and kind.natural_key() and resource.address not in snap.owned:
                wanted[kind.key].append((resource.address, kind.effective_body(resource)))
        for key, items in sorted(wanted.items()):
            kind = KINDS[key]
            maps = {f.key: f for f in kind.field_maps(self.major)}
            names = [n for n in kind.natural_key() if n in maps]
            if not names:
                continue
            first = maps[names[0]].field
            values = sorted({str(body.get(names[0])) for _a, body in items}, key=str)
            fields = sorted({maps[n].field for n in names} | {"display_name"})
            rows = self.client.search_read(kind.model, [(first, "in", values)], fields, context=NO_ARCHIVE_FILTER)
            rows = [r for r in rows if r["id"] not in snap.managed.get(kind.model, set())
                    and not (kind.model == "ir.config_parameter" and r.get("key") == LOCK_KEY)]
            for address, body in items:
                found = [r for r in rows if all(_same_key(maps[n], body.get(n), r, snap.resolver) for n in names)]
                if found:
                    snap.lookalikes[address] = found


def _same_key(fmap: Any, value: Any, row: dict[str, Any], resolver: Resolver) -> bool:
    live = fmap.vtype.live(row.get(fmap.field), resolver)
    if isinstance(live, dict):  # a reference: compare its natural key (the label) with the template's
        return str(live.get("label")) == str(value)
    return live == value
