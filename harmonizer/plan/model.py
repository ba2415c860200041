"""The plan: a frozen, plain data object, and the contract between plan and apply.

One ``Change`` per resource: its address, action, the record it touches and, per field,
the canonical value before and after (see ``harmonizer.kinds.values``). Renderers only
read it; the executor applies exactly its changes. ``to_dict``/``from_dict`` give the
versioned JSON form used by ``--format json`` and saved plan files; secret values never
reach that form (they are re-filled from the environment when a saved plan is applied).

Format versions: 1, then 2 (each change may carry an ``impact``: counts of live records
its rule matches, see ``Impact``). Version 1 documents are still read (no impacts).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from harmonizer.access.model import AccessFinding
from harmonizer.frozen import quick_init

FORMAT_VERSION = 2
#: Format versions ``Plan.from_dict`` reads.
READABLE_VERSIONS = (1, 2)
REDACTED = "(sensitive value)"


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    NOOP = "no-op"

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "delete": "-", "no-op": " "}[self.value]


@quick_init
@dataclass(frozen=True)
class FieldChange:
    """One field of one resource. ``before``/``after`` are canonical values (None: unset)."""

    key: str
    field: str
    before: Any
    after: Any
    before_text: str
    after_text: str
    secret: bool = False
    #: Unchanged, but written with the changed fields because Odoo would recompute it
    #: otherwise (see ``Kind.write_together``). Renderers may show it as "(kept)".
    carried: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "field": self.field,
            "before": REDACTED if self.secret and self.before is not None else self.before,
            "after": REDACTED if self.secret and self.after is not None else self.after,
            "before_text": self.before_text,
            "after_text": self.after_text,
            "secret": self.secret,
            "carried": self.carried,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FieldChange:
        return cls(**data)


@dataclass(frozen=True)
class Impact:
    """What a changed rule does to live data: record counts only (never names or values).

    ``basis`` is ``"window"`` (records of the last ``window_days`` days the rule matches:
    created in it for creation triggers, written in it otherwise; or, for an approval
    threshold, created in it) or ``"due"`` (records a time-based rule would act on now).
    ``after`` counts for the new rule, ``before`` for the rule it replaces (None: there was
    none, or it could not be counted). ``note`` says why a figure is missing.
    """

    basis: str
    model: str
    noun: str
    verb: str
    after: int | None
    before: int | None = None
    window_days: int | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"basis": self.basis, "model": self.model, "noun": self.noun, "verb": self.verb,
                "after": self.after, "before": self.before, "window_days": self.window_days, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Impact:
        return cls(**data)


@quick_init
@dataclass(frozen=True)
class Change:
    """What happens to one resource. ``fields`` lists only fields that change (all on create;
    the last known values on delete, so audit and rollback can restore them)."""

    address: str
    kind: str
    model: str
    action: Action
    record_id: int | None
    xmlid: str | None
    fields: tuple[FieldChange, ...] = ()
    depends_on: tuple[str, ...] = ()
    create_extras: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    #: Why, in words, for the UI only: never read by apply.
    reason: str | None = None
    #: Set the ``prevent_destroy`` marker of the record's external ID to this value (None:
    #: leave it). The marker is ``ir.model.data.noupdate`` of the ``__harmonizer__`` row.
    protect: bool | None = None
    #: Counts of live records the changed rule matches, for the review only: never read by
    #: apply, never part of a fingerprint.
    impact: Impact | None = None
    #: A site-local resource (declared in ``sites/<site>/``), for the UI: "+ [local] kind.name".
    local: bool = False
    #: The resource is excluded by the site (the reason says by which entry): a NOOP, or the
    #: DELETE of the record harmonizer owns for it.
    excluded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "model": self.model,
            "action": self.action.value,
            "record_id": self.record_id,
            "xmlid": self.xmlid,
            "fields": [f.to_dict() for f in self.fields],
            "depends_on": list(self.depends_on),
            "create_extras": self.create_extras,
            "source": self.source,
            "reason": self.reason,
            "protect": self.protect,
            "impact": self.impact.to_dict() if self.impact is not None else None,
            "local": self.local,
            "excluded": self.excluded,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        return cls(
            address=data["address"], kind=data["kind"], model=data["model"],
            action=Action(data["action"]), record_id=data["record_id"], xmlid=data["xmlid"],
            fields=tuple(FieldChange.from_dict(f) for f in data["fields"]),
            depends_on=tuple(data["depends_on"]), create_extras=dict(data["create_extras"]),
            source=data.get("source"), reason=data.get("reason"), protect=data.get("protect"),
            impact=Impact.from_dict(data["impact"]) if data.get("impact") else None,
            local=bool(data.get("local", False)), excluded=bool(data.get("excluded", False)),
        )


@dataclass(frozen=True)
class Counts:
    create: int = 0
    update: int = 0
    delete: int = 0

    @property
    def total(self) -> int:
        return self.create + self.update + self.delete


@dataclass(frozen=True)
class SitePlan:
    """The changes for one site, in the order apply will run them."""

    site: str
    url: str
    database: str
    odoo_version: str
    template: str
    template_version: str
    company_id: int | None
    warehouse_id: int | None
    changes: tuple[Change, ...]
    fingerprints: dict[str, str] = field(default_factory=dict)
    #: Access policy findings (warnings: a plan never changes who holds what, except the
    #: ``user_groups`` changes of ``enforce: required_roles``); see ``harmonizer.access``.
    access: tuple[AccessFinding, ...] = ()

    @property
    def counts(self) -> Counts:
        actions = [c.action for c in self.changes]
        return Counts(actions.count(Action.CREATE), actions.count(Action.UPDATE), actions.count(Action.DELETE))

    @property
    def pending(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is not Action.NOOP)

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)

    def with_changes(self, changes: tuple[Change, ...]) -> SitePlan:
        return replace(self, changes=changes)

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts
        return {
            "site": self.site,
            "url": self.url,
            "database": self.database,
            "odoo_version": self.odoo_version,
            "template": self.template,
            "template_version": self.template_version,
            "company_id": self.company_id,
            "warehouse_id": self.warehouse_id,
            "summary": {"create": counts.create, "update": counts.update, "delete": counts.delete},
            "changes": [c.to_dict() for c in self.changes],
            "fingerprints": dict(self.fingerprints),
            "access": [f.to_dict() for f in self.access],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SitePlan:
        return cls(
            site=data["site"], url=data["url"], database=data["database"],
            odoo_version=data["odoo_version"], template=data["template"],
            template_version=data["template_version"], company_id=data["company_id"],
            warehouse_id=data["warehouse_id"],
            changes=tuple(Change.from_dict(c) for c in data["changes"]),
            fingerprints=dict(data.get("fingerprints", {})),
            access=tuple(AccessFinding.from_dict(f) for f in data.get("access", ())),
        )


@dataclass(frozen=True)
class SiteFailure:
    """A site that could not be planned: the error message, already one line and secret-free."""

    site: str
    error: str


@dataclass(frozen=True)
class Plan:
    """Plans for one or more sites (and the sites that failed to plan)."""

    sites: tuple[SitePlan, ...]
    failures: tuple[SiteFailure, ...] = ()
    created_at: str = ""
    harmonizer_version: str = ""

    @property
    def has_changes(self) -> bool:
        return any(s.has_changes for s in self.sites)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "kind": "harmonizer-plan",
            "harmonizer_version": self.harmonizer_version,
            "created_at": self.created_at,
            "sites": [s.to_dict() for s in self.sites],
            "failures": [{"site": f.site, "error": f.error} for f in self.failures],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        version = data.get("format_version")
        if data.get("kind") != "harmonizer-plan" or version not in READABLE_VERSIONS:
            raise ValueError(f"not a harmonizer plan of format version {FORMAT_VERSION} (got {version!r})")
        return cls(
            sites=tuple(SitePlan.from_dict(s) for s in data["sites"]),
            failures=tuple(SiteFailure(**f) for f in data.get("failures", [])),
            created_at=data.get("created_at", ""),
            harmonizer_version=data.get("harmonizer_version", ""),
        )
