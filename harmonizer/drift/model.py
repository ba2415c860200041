"""The drift report: one plain, frozen data object every drift output is rendered from.

Classes of one managed field (or, for missing and orphaned, of one whole resource):

- ``standard``: live equals the template's standard value (rendered with its defaults);
- ``sanctioned``: live equals what the site renders to, which differs from the standard
  because of a variable the template lets the site set;
- ``local``: a resource only this site declares (``sites/<site>/``), live as declared;
- ``excluded``: a template resource the site excludes (with owner, reason and expiry); an
  exclusion past its expiry is ``drift`` instead;
- ``waived``: live differs from what the site should have, under a valid waiver;
- ``drift``: live differs from what the site should have (changed by hand in Odoo);
- ``missing``: the site should have the resource and does not;
- ``orphaned``: harmonizer owns the record but no template declares it any more.

A resource's class is the worst class of its fields. ``drift``, ``missing`` and
``orphaned`` are *failing*; ``waived``, ``local`` and ``excluded`` count as clean (sanctioned).
Values are kept only as display texts, already redacted: the report never holds a secret. ``to_dict``/``from_dict`` give
the versioned JSON form (``--format json``, the input of ``drift merge``); a resource's
optional ``impact`` (counts of what its pending change would match) was added within
format version 1 (readers ignore it; older reports simply have none).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from harmonizer.frozen import quick_init
from harmonizer.plan.model import Impact

FORMAT_VERSION = 1
KIND = "harmonizer-drift"

#: The areas of the drift tables, in display order (``Kind.area`` names a kind's area);
#: areas of kinds not listed here follow, sorted.
AREAS: tuple[str, ...] = ("approvals", "automation", "scheduled_actions", "carriers", "warehouse_routes",
                          "replenishment", "parameters", "access")
AREA_TITLES: dict[str, str] = {
    "approvals": "approvals", "automation": "automation", "scheduled_actions": "scheduled actions",
    "carriers": "carriers", "warehouse_routes": "warehouse routes", "replenishment": "replenishment",
    "parameters": "parameters", "access": "access",
}


class DriftClass(StrEnum):
    STANDARD = "standard"
    SANCTIONED = "sanctioned"
    LOCAL = "local"
    EXCLUDED = "excluded"
    WAIVED = "waived"
    DRIFT = "drift"
    MISSING = "missing"
    ORPHANED = "orphaned"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def failing(self) -> bool:
        return self in (DriftClass.DRIFT, DriftClass.MISSING, DriftClass.ORPHANED)


#: Each class's place in the declaration order (``worst`` takes the highest).
_RANK: dict[DriftClass, int] = {cls: index for index, cls in enumerate(DriftClass)}


class SiteStatus(StrEnum):
    CLEAN = "clean"
    DRIFT = "drift"
    UNREACHABLE = "unreachable"
    ERROR = "error"


def worst(classes: list[DriftClass]) -> DriftClass:
    return max(classes, key=lambda c: c.rank, default=DriftClass.STANDARD)


def area_title(area: str) -> str:
    return AREA_TITLES.get(area, area.replace("_", " "))


@dataclass(frozen=True)
class WaiverRef:
    """The waiver that matched a finding; ``expired`` ones no longer hide it."""

    owner: str
    reason: str
    expires: str
    expired: bool
    location: str = ""


@quick_init
@dataclass(frozen=True)
class FieldDrift:
    """One managed field: its class and the standard / site / live values as display texts."""

    key: str
    field: str
    cls: DriftClass
    standard: str
    site: str
    live: str
    #: Template variables the site's value came from (sanctioned variation names them).
    variables: tuple[str, ...] = ()
    secret: bool = False
    waiver: WaiverRef | None = None


@quick_init
@dataclass(frozen=True)
class ResourceDrift:
    address: str
    kind: str
    area: str
    model: str
    cls: DriftClass
    record_id: int | None = None
    fields: tuple[FieldDrift, ...] = ()
    #: Who last wrote the live record and when (Odoo's write_uid / write_date), if read.
    changed_by: str | None = None
    changed_at: str | None = None
    note: str | None = None
    waiver: WaiverRef | None = None
    #: What the pending change of this resource would match on live data (counts only).
    impact: Impact | None = None
    #: The site's exclusion of this template resource (class ``excluded``, or ``drift`` once expired).
    exclusion: WaiverRef | None = None
    #: Where a site-local resource is declared (``sites/<site>/file.yaml:line``).
    source: str | None = None


@dataclass(frozen=True)
class SiteDrift:
    site: str
    status: SiteStatus
    template: str = ""
    template_version: str = ""
    url: str = ""
    database: str = ""
    odoo_version: str = ""
    resources: tuple[ResourceDrift, ...] = ()
    #: Why the site could not be checked (unreachable or error), one line, secret-free.
    error: str | None = None
    #: RPC round trips the check took (diagnostics and benchmarks).
    round_trips: int = 0

    @property
    def checked(self) -> bool:
        return self.status in (SiteStatus.CLEAN, SiteStatus.DRIFT)

    def counts(self) -> Counter[DriftClass]:
        return Counter(r.cls for r in self.resources)

    def area_counts(self) -> dict[str, Counter[DriftClass]]:
        by_area: dict[str, list[DriftClass]] = {}
        for resource in self.resources:
            found = by_area.get(resource.area)
            if found is None:
                found = by_area[resource.area] = []
            found.append(resource.cls)
        return {area: Counter(classes) for area, classes in by_area.items()}

    def overrides(self) -> list[ResourceDrift]:
        """The site's sanctioned overrides beyond variables: excluded and local resources."""
        return [r for r in self.resources if r.cls in (DriftClass.EXCLUDED, DriftClass.LOCAL)]

    def findings(self) -> list[tuple[ResourceDrift, FieldDrift | None]]:
        """Failing and waived items: (resource, field) for fields, (resource, None) for whole resources."""
        out: list[tuple[ResourceDrift, FieldDrift | None]] = []
        for resource in self.resources:
            if resource.cls in (DriftClass.MISSING, DriftClass.ORPHANED) or (
                    resource.exclusion is not None and resource.cls is DriftClass.DRIFT):
                out.append((resource, None))
                continue
            out.extend((resource, f) for f in resource.fields
                       if f.cls.failing or f.cls is DriftClass.WAIVED)
        return out


@dataclass(frozen=True)
class DriftReport:
    sites: tuple[SiteDrift, ...]
    created_at: str = ""
    harmonizer_version: str = ""
    #: "I/N" when this report covers one shard of the fleet.
    shard: str | None = None

    @property
    def has_errors(self) -> bool:
        return any(not s.checked for s in self.sites)

    @property
    def has_drift(self) -> bool:
        return any(s.status is SiteStatus.DRIFT for s in self.sites)

    @property
    def exit_code(self) -> int:
        """1: a site could not be checked; 2: drift, missing or orphaned somewhere; 0: clean."""
        if self.has_errors:
            return 1
        return 2 if self.has_drift else 0

    def areas(self) -> list[str]:
        found = {r.area for s in self.sites for r in s.resources}
        return [a for a in AREAS if a in found] + sorted(found - set(AREAS))

    def counts(self) -> Counter[DriftClass]:
        total: Counter[DriftClass] = Counter()
        for site in self.sites:
            total.update(site.counts())
        return total

    def to_dict(self) -> dict[str, Any]:
        #: One list per fields tuple: resources of many sites share their clean fields (``drift.clean``);
        #: and one dict per equal resource entry (see ``_resource_dict``).
        shared: dict[Any, Any] = {}
        return {
            "format_version": FORMAT_VERSION,
            "kind": KIND,
            "harmonizer_version": self.harmonizer_version,
            "created_at": self.created_at,
            "shard": self.shard,
            "exit_code": self.exit_code,
            "summary": _summary(self),
            "sites": [_site_dict(s, shared) for s in self.sites],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DriftReport:
        version = data.get("format_version")
        if data.get("kind") != KIND or version != FORMAT_VERSION:
            raise ValueError(f"not a harmonizer drift report of format version {FORMAT_VERSION} (got {version!r})")
        return cls(sites=tuple(_site_from(s) for s in data["sites"]), created_at=data.get("created_at", ""),
                   harmonizer_version=data.get("harmonizer_version", ""), shard=data.get("shard"))


def _counts_dict(counts: Counter[DriftClass]) -> dict[str, int]:
    return {c.value: counts.get(c, 0) for c in DriftClass}


def _summary(report: DriftReport) -> dict[str, Any]:
    statuses = Counter(s.status for s in report.sites)
    return {"sites": len(report.sites), **{f"sites_{s.value}": statuses.get(s, 0) for s in SiteStatus},
            "resources": _counts_dict(report.counts())}


def _waiver_dict(w: WaiverRef | None) -> dict[str, Any] | None:
    return None if w is None else {"owner": w.owner, "reason": w.reason, "expires": w.expires,
                                   "expired": w.expired, "location": w.location}


def _waiver_from(data: dict[str, Any] | None) -> WaiverRef | None:
    return None if data is None else WaiverRef(**data)


def _field_dict(f: FieldDrift) -> dict[str, Any]:
    return {"key": f.key, "field": f.field, "class": f.cls.value, "standard": f.standard, "site": f.site,
            "live": f.live, "variables": list(f.variables), "secret": f.secret, "waiver": _waiver_dict(f.waiver)}


def _resource_dict(r: ResourceDrift, shared: dict[Any, Any]) -> dict[str, Any]:
    """The entry of ``r``: one dict (read only) for every equal entry of the report, e.g. a
    resource sites hold alike, so JSON writes its text once (``render.jsontext``). ``shared``
    is keyed by the ids of the fields tuples, which the report keeps alive meanwhile."""
    plain = r.waiver is None and r.exclusion is None and r.impact is None
    if plain:
        key = (r.address, r.kind, r.area, r.model, r.cls, r.record_id, id(r.fields), r.changed_by,
               r.changed_at, r.note, r.source)
        found = shared.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
    fields = shared.get(id(r.fields))
    if fields is None:
        fields = shared[id(r.fields)] = [_field_dict(f) for f in r.fields]
    entry = {"address": r.address, "kind": r.kind, "area": r.area, "model": r.model, "class": r.cls.value,
             "record_id": r.record_id, "changed_by": r.changed_by, "changed_at": r.changed_at, "note": r.note,
             "waiver": _waiver_dict(r.waiver), "exclusion": _waiver_dict(r.exclusion), "source": r.source,
             "fields": fields,
             "impact": r.impact.to_dict() if r.impact is not None else None}
    if plain:
        shared[key] = entry
    return entry


def _site_dict(s: SiteDrift, shared: dict[Any, Any]) -> dict[str, Any]:
    return {"site": s.site, "status": s.status.value, "error": s.error, "template": s.template,
            "template_version": s.template_version, "url": s.url, "database": s.database,
            "odoo_version": s.odoo_version, "round_trips": s.round_trips,
            "counts": _counts_dict(s.counts()),
            "areas": {area: _counts_dict(c) for area, c in s.area_counts().items()},
            "resources": [_resource_dict(r, shared) for r in s.resources]}


def _field_from(d: dict[str, Any]) -> FieldDrift:
    return FieldDrift(key=d["key"], field=d["field"], cls=DriftClass(d["class"]), standard=d["standard"],
                      site=d["site"], live=d["live"], variables=tuple(d.get("variables", ())),
                      secret=bool(d.get("secret")), waiver=_waiver_from(d.get("waiver")))


def _resource_from(d: dict[str, Any]) -> ResourceDrift:
    return ResourceDrift(address=d["address"], kind=d["kind"], area=d["area"], model=d["model"],
                         cls=DriftClass(d["class"]), record_id=d.get("record_id"),
                         fields=tuple(_field_from(f) for f in d.get("fields", ())),
                         changed_by=d.get("changed_by"), changed_at=d.get("changed_at"), note=d.get("note"),
                         waiver=_waiver_from(d.get("waiver")), exclusion=_waiver_from(d.get("exclusion")),
                         source=d.get("source"),
                         impact=Impact.from_dict(d["impact"]) if d.get("impact") else None)


def _site_from(d: dict[str, Any]) -> SiteDrift:
    return SiteDrift(site=d["site"], status=SiteStatus(d["status"]), template=d.get("template", ""),
                     template_version=d.get("template_version", ""), url=d.get("url", ""),
                     database=d.get("database", ""), odoo_version=d.get("odoo_version", ""),
                     resources=tuple(_resource_from(r) for r in d.get("resources", ())),
                     error=d.get("error"), round_trips=int(d.get("round_trips", 0)))


__all__ = ["AREAS", "FORMAT_VERSION", "DriftClass", "DriftReport", "FieldDrift", "ResourceDrift",
           "SiteDrift", "SiteStatus", "WaiverRef", "area_title", "worst"]
