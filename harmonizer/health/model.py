"""The health report: plain frozen data, with its JSON form (``to_dict``, format version 1).

A site is ``healthy`` (no finding), ``findings`` (at least one threshold crossed: exit 2),
``unreachable`` or ``error`` (it could not be read: exit 1). Across sites an error wins,
then findings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

FORMAT_VERSION = 1
KIND = "harmonizer-health"
#: Age buckets of open approvals, in hours: label -> [from, to).
AGE_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("< 1 day", 0, 24), ("1-3 days", 24, 72), ("3-7 days", 72, 168), ("> 7 days", 168, float("inf")))


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    FINDINGS = "findings"
    UNREACHABLE = "unreachable"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """One threshold crossed: the area (crons, automations, approvals, exceptions), what, why."""

    area: str
    subject: str
    message: str


@dataclass(frozen=True)
class CronHealth:
    address: str
    name: str
    deployed: bool
    active: bool | None = None
    interval: str | None = None
    lastcall: str | None = None
    nextcall: str | None = None
    #: Hours the next run is in the past (None: not in the past).
    late_hours: float | None = None
    overdue: bool = False
    #: Failed runs in a row (Odoo 18+ ``failure_count``); None: the version keeps no count.
    failures: int | None = None
    failing_since: str | None = None
    #: Where ``failures`` comes from, per version (docs/health.md).
    failure_source: str = ""


@dataclass(frozen=True)
class AutomationHealth:
    address: str
    name: str
    model: str
    #: approval, block, escalation, event or other (what the rule is for).
    role: str
    trigger: str
    deployed: bool
    active: bool | None = None
    #: Declared server actions that are missing in Odoo or not linked to the rule.
    missing_actions: tuple[str, ...] = ()
    #: Records waiting on the rule now (approvals open, records a timer will act on).
    waiting: int | None = None
    waiting_note: str | None = None
    last_run: str | None = None


@dataclass(frozen=True)
class OpenApproval:
    summary: str
    model: str
    res_id: int
    approver: str
    created: str
    age_hours: float


@dataclass(frozen=True)
class ApprovalHealth:
    open: int = 0
    #: Open approvals per age bucket (``AGE_BUCKETS`` labels, in order).
    by_age: tuple[tuple[str, int], ...] = ()
    by_approver: tuple[tuple[str, int], ...] = ()
    oldest: OpenApproval | None = None
    #: Open approvals older than the threshold.
    aged: int = 0
    #: Escalation activities created by the template's escalation rules in the window.
    escalations: int = 0


@dataclass(frozen=True)
class EventCount:
    address: str
    name: str
    model: str
    count: int | None
    #: How the transitions are counted (which date field), or why they cannot be.
    basis: str


@dataclass(frozen=True)
class RuleCount:
    rule: str
    count: int | None
    note: str | None = None


@dataclass(frozen=True)
class ExceptionHealth:
    blocked_orders: int | None = None
    blocked_by_rule: tuple[RuleCount, ...] = ()
    stock_exceptions: int | None = None
    invoices_on_hold: int | None = None
    invoices_note: str | None = None


@dataclass(frozen=True)
class SiteHealth:
    site: str
    status: HealthStatus
    error: str | None = None
    template: str = ""
    template_version: str = ""
    url: str = ""
    database: str = ""
    odoo_version: str = ""
    company: str | None = None
    checked_at: str = ""
    thresholds: dict[str, Any] = field(default_factory=dict)
    crons: tuple[CronHealth, ...] = ()
    automations: tuple[AutomationHealth, ...] = ()
    approvals: ApprovalHealth = field(default_factory=ApprovalHealth)
    event_window_hours: float = 0
    events: tuple[EventCount, ...] = ()
    exceptions: ExceptionHealth = field(default_factory=ExceptionHealth)
    findings: tuple[Finding, ...] = ()
    round_trips: int = 0

    @property
    def checked(self) -> bool:
        return self.status in (HealthStatus.HEALTHY, HealthStatus.FINDINGS)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["approvals"]["by_age"] = dict(self.approvals.by_age)
        data["approvals"]["by_approver"] = dict(self.approvals.by_approver)
        return data


@dataclass(frozen=True)
class HealthReport:
    sites: tuple[SiteHealth, ...]
    created_at: str
    harmonizer_version: str

    @property
    def exit_code(self) -> int:
        if any(not s.checked for s in self.sites):
            return 1
        return 2 if any(s.status is HealthStatus.FINDINGS for s in self.sites) else 0

    def summary(self) -> dict[str, int]:
        counts = {status.value: 0 for status in HealthStatus}
        for site in self.sites:
            counts[site.status.value] += 1
        return {"sites": len(self.sites), **counts, "findings": sum(len(s.findings) for s in self.sites)}

    def to_dict(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, "kind": KIND, "created_at": self.created_at,
                "harmonizer_version": self.harmonizer_version, "exit_code": self.exit_code,
                "summary": self.summary(), "sites": [s.to_dict() for s in self.sites]}
