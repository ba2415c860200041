"""The metrics report (the pilot review): plain frozen data with its JSON form (format version 1).

Per site (or ``--compare`` group) and per week: orders, deliveries, order-to-delivery cycle
time (median and p90, days), approvals and their lead time (median, hours), blocked drafts,
exception rate (approvals + blocks per 100 orders), backorder rate (backorders per 100
deliveries) and late-delivery rate (late per 100 deliveries); and the rollouts (the first
apply of each template version, from the audit trail in that Odoo), with the figures
before and after the first rollout in the window.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

FORMAT_VERSION = 1
KIND = "harmonizer-metrics"

#: The charted figures: key, title, unit.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("cycle_median_days", "Order-to-delivery cycle time, median", "days"),
    ("cycle_p90_days", "Order-to-delivery cycle time, p90", "days"),
    ("approval_lead_hours", "Approval lead time, median", "hours"),
    ("exception_rate", "Exceptions (approvals + blocks) per 100 orders", "%"),
    ("backorder_rate", "Backorders per 100 deliveries", "%"),
    ("late_rate", "Late deliveries per 100 deliveries", "%"),
)


@dataclass(frozen=True)
class Week:
    start: str  # the first day of the week, as Odoo groups it (YYYY-MM-DD)
    orders: int = 0
    deliveries: int = 0
    cycle_median_days: float | None = None
    cycle_p90_days: float | None = None
    approvals: int = 0
    approval_lead_hours: float | None = None
    blocks: int = 0
    exception_rate: float | None = None
    backorders: int = 0
    backorder_rate: float | None = None
    late: int = 0
    late_rate: float | None = None


@dataclass(frozen=True)
class Rollout:
    site: str
    template: str
    version: str
    applied_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class Period:
    """Pooled figures of a span of weeks (before or after a rollout)."""

    weeks: int = 0
    orders: int = 0
    deliveries: int = 0
    cycle_median_days: float | None = None
    cycle_p90_days: float | None = None
    approval_lead_hours: float | None = None
    exception_rate: float | None = None
    backorder_rate: float | None = None
    late_rate: float | None = None


@dataclass(frozen=True)
class Series:
    """One line of the charts: a site or a group of sites."""

    name: str
    kind: str  # "site" | "group"
    sites: tuple[str, ...]
    status: str  # "ok" | "unreachable" | "error"
    error: str | None = None
    selector: str | None = None
    odoo_version: str = ""
    company: str | None = None
    weeks: tuple[Week, ...] = ()
    rollouts: tuple[Rollout, ...] = ()
    #: The first rollout inside the window (the before/after split), if any.
    split_at: str | None = None
    before: Period | None = None
    after: Period | None = None
    notes: tuple[str, ...] = ()
    round_trips: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class MetricsReport:
    weeks: int
    window_start: str
    window_end: str
    sites: tuple[Series, ...]
    groups: tuple[Series, ...]
    created_at: str
    harmonizer_version: str

    @property
    def exit_code(self) -> int:
        return 1 if any(not s.ok for s in self.sites) else 0

    @property
    def lines(self) -> tuple[Series, ...]:
        """What the charts draw: the groups when comparing, else the sites."""
        return self.groups or tuple(s for s in self.sites if s.ok)

    def to_dict(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, "kind": KIND, "created_at": self.created_at,
                "harmonizer_version": self.harmonizer_version, "exit_code": self.exit_code, "weeks": self.weeks,
                "window": {"start": self.window_start, "end": self.window_end},
                "metrics": [{"key": k, "title": t, "unit": u} for k, t, u in METRICS],
                "sites": [asdict(s) for s in self.sites], "groups": [asdict(g) for g in self.groups]}
