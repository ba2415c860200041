"""Running a health check over a fleet: sites read in parallel, each in its own session.

The same rules as ``harmonizer.drift.run``: at most ``concurrency`` sites at once; a site that
cannot be read becomes ``unreachable``/``error`` with a one-line, secret-free reason and never
holds up the others; sandbox databases are seeded first, one after the other; progress goes to
``on_event(site, stage)``. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from harmonizer import __version__
from harmonizer.fleet import check_sites, guarded, quiet
from harmonizer.timestamps import utc_stamp

from .definitions import definitions
from .findings import findings
from .model import HealthReport, HealthStatus, SiteHealth
from .read import HealthReader

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

DEFAULT_CONCURRENCY = 8
Event = Callable[[str, str], None]


def run_health(app: Harmonizer, selectors: list[str], *, concurrency: int = DEFAULT_CONCURRENCY,
               now: dt.datetime | None = None, on_event: Event | None = None) -> HealthReport:
    """The health report of the selected sites, in name order."""
    moment = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    names = app.select(selectors)
    results = check_sites(app, names, lambda n: _check(app, n, moment, on_event or quiet), _failed,
                          concurrency=concurrency, on_event=on_event, thread_name="health")
    return HealthReport(sites=tuple(results[n] for n in names), created_at=utc_stamp(),
                        harmonizer_version=__version__)


def check_site(app: Harmonizer, name: str, *, now: dt.datetime, on_event: Event | None = None) -> SiteHealth:
    """One site's health; never raises for a problem with the site (it becomes its status)."""
    return guarded(name, lambda n: _check(app, n, now, on_event or quiet), _failed, on_event)


def _failed(name: str, reason: str, unreachable: bool) -> SiteHealth:
    return SiteHealth(name, HealthStatus.UNREACHABLE if unreachable else HealthStatus.ERROR, error=reason)


def _check(app: Harmonizer, name: str, now: dt.datetime, event: Event) -> SiteHealth:
    site = app.project.sites[name]
    desired = app.render(name)
    with app.session(name) as session:
        event(name, "reading")
        defs = definitions(desired, session.version.major)
        reading = HealthReader(session.reader(), session.version.major, defs, now, desired.scope.company).read()
        round_trips = session.stats.round_trips
        version = session.version.full
    found = findings(defs.thresholds, reading.crons, reading.automations, reading.approvals, reading.exceptions)
    return SiteHealth(
        site=name, status=HealthStatus.FINDINGS if found else HealthStatus.HEALTHY, template=desired.template,
        template_version=desired.template_version, url=site.odoo.url, database=site.odoo.database,
        odoo_version=version, company=desired.scope.company, checked_at=utc_stamp(now),
        thresholds=defs.thresholds.model_dump(mode="json"), crons=reading.crons, automations=reading.automations,
        approvals=reading.approvals, event_window_hours=defs.thresholds.event_window_hours, events=reading.events,
        exceptions=reading.exceptions, findings=found, round_trips=round_trips)

