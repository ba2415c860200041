"""From raw weekly figures to ``Week`` rows, before/after periods and groups (pure).

Rates are per 100 (orders for exceptions, deliveries for backorders and lateness), ``None``
when the denominator is zero; medians and p90 (inclusive linear interpolation between
samples) are ``None`` without samples. A group pools its sites: counts add up and medians
are taken over all the group's samples, never averaged. The before/after split is the
first rollout inside the window: "before" is the weeks that end before its week starts,
"after" the weeks that start after its week ends (its own week is in neither).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .model import Period, Rollout, Week
from .read import SiteData, week_of


def week_starts(end: dt.datetime, weeks: int, first_day: int) -> list[dt.date]:
    """The ``weeks`` full weeks before the current one, then the current one (oldest first)."""
    current = week_of(end, first_day)
    return [current - dt.timedelta(weeks=n) for n in range(weeks, -1, -1)]


def median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def p90(values: Sequence[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=10, method="inclusive")[8], 2)


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def merge(datas: Iterable[SiteData]) -> SiteData:
    out = SiteData()
    for data in datas:
        if out.first_day is None:
            out.first_day = data.first_day
        for name in ("orders", "deliveries", "backorders", "approvals", "blocks", "late", "timed"):
            target = getattr(out, name)
            for week, count in getattr(data, name).items():
                target[week] = target.get(week, 0) + count
        for name in ("cycle_days", "lead_hours"):
            target = getattr(out, name)
            for week, samples in getattr(data, name).items():
                target[week] = [*target.get(week, []), *samples]
        out.rollouts.extend(data.rollouts)
        out.notes.extend(n for n in data.notes if n not in out.notes)
    return out


def weeks_of(data: SiteData, starts: list[dt.date]) -> tuple[Week, ...]:
    rows = []
    for start in starts:
        orders, deliveries = data.orders.get(start, 0), data.deliveries.get(start, 0)
        approvals, blocks = data.approvals.get(start, 0), data.blocks.get(start, 0)
        backorders, late, timed = data.backorders.get(start, 0), data.late.get(start, 0), data.timed.get(start, 0)
        cycles, leads = data.cycle_days.get(start, []), data.lead_hours.get(start, [])
        rows.append(Week(start=start.isoformat(), orders=orders, deliveries=deliveries,
                         cycle_median_days=median(cycles), cycle_p90_days=p90(cycles), approvals=approvals,
                         approval_lead_hours=median(leads),
                         blocks=blocks, exception_rate=rate(approvals + blocks, orders), backorders=backorders,
                         backorder_rate=rate(backorders, deliveries), late=late, late_rate=rate(late, timed)))
    return tuple(rows)


def split_of(rollouts: Iterable[Rollout], start: dt.date, end: dt.datetime) -> str | None:
    inside = sorted(r.applied_at for r in rollouts if start.isoformat() <= r.applied_at[:10] <= end.date().isoformat())
    return inside[0] if inside else None


def periods(data: SiteData, starts: list[dt.date], split: str | None) -> tuple[Period | None, Period | None]:
    if split is None or data.first_day is None:
        return None, None
    split_week = week_of(dt.datetime.fromisoformat(split[:19]), data.first_day)
    before = [s for s in starts if s < split_week]
    after = [s for s in starts if s > split_week]
    return _pooled(data, before), _pooled(data, after)


def _pooled(data: SiteData, starts: list[dt.date]) -> Period:
    if not starts:
        return Period()
    total = defaultdict(int)
    for start in starts:
        for name in ("orders", "deliveries", "backorders", "approvals", "blocks", "late", "timed"):
            total[name] += getattr(data, name).get(start, 0)
    cycles = [v for s in starts for v in data.cycle_days.get(s, [])]
    leads = [v for s in starts for v in data.lead_hours.get(s, [])]
    return Period(weeks=len(starts), orders=total["orders"], deliveries=total["deliveries"],
                  cycle_median_days=median(cycles), cycle_p90_days=p90(cycles), approval_lead_hours=median(leads),
                  exception_rate=rate(total["approvals"] + total["blocks"], total["orders"]),
                  backorder_rate=rate(total["backorders"], total["deliveries"]),
                  late_rate=rate(total["late"], total["timed"]))
