"""Running a health check over a fleet: sites read in parallel, each in its own session.

The same rules as ``harmonizer.drift.run``: at most ``concurrency`` sites at once; a site that
cannot be read becomes ``unreachable``/``error`` with a one-line, secret-free reason and never
holds up the others; sandbox databases are seeded first, one after the other; progress goes to
``on_event(site, stage)``. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from harmonizer import __version__
from harmonizer.errors import HarmonizerError, TransportError
from harmonizer.fleet import reason_of, seed_sandboxes

from .definitions import definitions
from .findings import findings
from .model import HealthReport, HealthStatus, SiteHealth
from .read import HealthReader

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

DEFAULT_CONCURRENCY = 8
Event = Callable[[str, str], None]


def _quiet(_site: str, _stage: str) -> None:
    return None


def run_health(app: Harmonizer, selectors: list[str], *, concurrency: int = DEFAULT_CONCURRENCY,
               now: dt.datetime | None = None, on_event: Event | None = None) -> HealthReport:
    """The health report of the selected sites, in name order."""
    if concurrency < 1:
        raise HarmonizerError(f"concurrency must be at least 1, got {concurrency}")
    event = on_event or _quiet
    moment = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    names = app.select(selectors)
    for name in names:
        event(name, "queued")
    results: dict[str, SiteHealth] = seed_sandboxes(app, names, lambda n, reason: SiteHealth(
        n, HealthStatus.ERROR, error=reason))
    todo = [n for n in names if n not in results]
    if todo:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(todo)), thread_name_prefix="health") as pool:
            for site in pool.map(lambda n: check_site(app, n, now=moment, on_event=event), todo):
                results[site.site] = site
    return HealthReport(sites=tuple(results[n] for n in names), created_at=_iso(dt.datetime.now(dt.UTC)),
                        harmonizer_version=__version__)


def check_site(app: Harmonizer, name: str, *, now: dt.datetime, on_event: Event | None = None) -> SiteHealth:
    """One site's health; never raises for a problem with the site (it becomes its status)."""
    event = on_event or _quiet
    try:
        result = _check(app, name, now, event)
    except TransportError as exc:
        result = SiteHealth(name, HealthStatus.UNREACHABLE, error=reason_of(exc, name))
    except HarmonizerError as exc:
        result = SiteHealth(name, HealthStatus.ERROR, error=reason_of(exc, name))
    except Exception as exc:  # a bug must not take the other sites down
        result = SiteHealth(name, HealthStatus.ERROR,
                            error=f"internal error ({exc.__class__.__name__}: {(str(exc).splitlines() or [''])[0]})")
    event(name, "done" if result.checked else "failed")
    return result


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
        odoo_version=version, company=desired.scope.company, checked_at=_iso(now),
        thresholds=defs.thresholds.model_dump(mode="json"), crons=reading.crons, automations=reading.automations,
        approvals=reading.approvals, event_window_hours=defs.thresholds.event_window_hours, events=reading.events,
        exceptions=reading.exceptions, findings=found, round_trips=round_trips)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
