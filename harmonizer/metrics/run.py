"""Running the pilot metrics over a fleet: sites read in parallel (as ``harmonizer.health.run``),
then weekly rows, rollout splits and ``--compare`` groups computed from what was read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harmonizer import __version__
from harmonizer.errors import HarmonizerError
from harmonizer.fleet import check_sites, quiet
from harmonizer.health.definitions import definitions
from harmonizer.timestamps import utc_stamp

from .compute import merge, periods, split_of, week_starts, weeks_of
from .model import MetricsReport, Series
from .read import MetricsReader, SiteData

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

DEFAULT_WEEKS = 12
REST = "rest"
Event = Callable[[str, str], None]


@dataclass(frozen=True)
class _Read:
    site: str
    data: SiteData | None
    status: str = "ok"
    error: str | None = None
    odoo_version: str = ""
    company: str | None = None
    round_trips: int = 0

    @property
    def checked(self) -> bool:
        return self.data is not None


def window(now: dt.datetime, weeks: int) -> tuple[dt.datetime, dt.datetime]:
    """From the Sunday before the Monday ``weeks`` weeks before this one (so weeks starting on
    Sunday or Monday are both whole) to now."""
    today = dt.datetime(now.year, now.month, now.day)
    monday = today - dt.timedelta(days=today.weekday())
    return monday - dt.timedelta(weeks=weeks, days=1), now


def run_metrics(app: Harmonizer, selectors: list[str], *, weeks: int = DEFAULT_WEEKS, compare: list[str] | None = None,
                concurrency: int = 8, now: dt.datetime | None = None, on_event: Event | None = None) -> MetricsReport:
    if weeks < 1:
        raise HarmonizerError(f"weeks must be at least 1, got {weeks}")
    # Odoo stamps records with microseconds; the window ends at the next whole second, so a
    # record created a moment ago (in this very second) is in it.
    moment = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0) + dt.timedelta(seconds=1)
    names = app.select(selectors)
    groups = _groups(app, names, compare or [])
    start, end = window(moment, weeks)
    results = check_sites(app, names, lambda n: _read_site(app, n, start, end, on_event or quiet), _failed,
                          concurrency=concurrency, on_event=on_event, thread_name="metrics")
    sites = tuple(_series(results[n], weeks, end) for n in names)
    group_series = tuple(_group(label, selector, [results[n] for n in members], weeks, end)
                         for label, selector, members in groups)
    return MetricsReport(weeks=weeks, window_start=utc_stamp(start), window_end=utc_stamp(end), sites=sites,
                         groups=group_series, created_at=utc_stamp(),
                         harmonizer_version=__version__)


def _groups(app: Harmonizer, names: list[str], compare: list[str]) -> list[tuple[str, str, list[str]]]:
    out: list[tuple[str, str, list[str]]] = []
    taken: set[str] = set()
    for token in compare:
        label = token.split("=", 1)[-1]
        tagged = {s.name for s in app.project.sites.values() if REST in s.tags}
        if label == REST and token in (REST, f"tag={REST}") and not tagged:
            members = [n for n in names if n not in taken]
        else:
            chosen = set(app.select([token.removeprefix("site=")]))
            members = [n for n in names if n in chosen]
        if not members:
            raise HarmonizerError(f"--compare {token}: no selected site in this group")
        taken.update(members)
        out.append((label, token, members))
    return out


def _read_site(app: Harmonizer, name: str, start: dt.datetime, end: dt.datetime, event: Event) -> _Read:
    desired = app.render(name)
    with app.session(name) as session:
        event(name, "reading")
        defs = definitions(desired, session.version.major)
        data = MetricsReader(session.reader(), session.version.major, defs, name, desired.scope.company,
                             start, end).read()
        return _Read(name, data, odoo_version=session.version.full, company=desired.scope.company,
                     round_trips=session.stats.round_trips)


def _failed(name: str, reason: str, unreachable: bool) -> _Read:
    return _Read(name, None, "unreachable" if unreachable else "error", reason)


def _series(read: _Read, weeks: int, end: dt.datetime) -> Series:
    if read.data is None:
        return Series(read.site, "site", (read.site,), read.status, error=read.error)
    return _build(read.site, "site", (read.site,), read.data, weeks, end, odoo_version=read.odoo_version,
                  company=read.company, round_trips=read.round_trips)


def _group(label: str, selector: str, reads: list[_Read], weeks: int, end: dt.datetime) -> Series:
    members = tuple(r.site for r in reads)
    usable = [r.data for r in reads if r.data is not None]
    if not usable:
        return Series(label, "group", members, "error", error="no site of the group could be read", selector=selector)
    notes = [f"{r.site}: {r.error}" for r in reads if r.data is None]
    return _build(label, "group", members, merge(usable), weeks, end, selector=selector, extra_notes=notes,
                  round_trips=sum(r.round_trips for r in reads))


def _build(name: str, kind: str, members: tuple[str, ...], data: SiteData, weeks: int, end: dt.datetime, *,
           selector: str | None = None, odoo_version: str = "", company: str | None = None,
           extra_notes: list[str] | None = None, round_trips: int = 0) -> Series:
    starts = week_starts(end, weeks, data.first_day if data.first_day is not None else 0)
    split = split_of(data.rollouts, starts[0], end)
    before, after = periods(data, starts, split)
    return Series(name, kind, members, "ok", selector=selector, odoo_version=odoo_version, company=company,
                  weeks=weeks_of(data, starts), rollouts=tuple(sorted(data.rollouts, key=lambda r: r.applied_at)),
                  split_at=split, before=before, after=after, notes=tuple([*data.notes, *(extra_notes or [])]),
                  round_trips=round_trips)
