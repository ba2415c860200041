"""Running a drift check over a fleet: sites read in parallel, each in its own session.

Rules:
- At most ``concurrency`` sites are read at once (threads; sites sharing a database and
  login take turns on one Odoo session, ``Harmonizer.session``; nothing else is shared
  between workers but the loaded project, read-only).
- A site that cannot be checked never holds up or fails the others: a transport failure
  (slow, refused, timed out — bounded by the site's own ``odoo.timeout``) makes it
  ``unreachable``, any other failure ``error``; both carry a one-line, secret-free reason.
- Sandbox databases are seeded one after the other before the workers start (seeding
  replays history through the stand-in and must not race with itself).
- Progress goes to ``on_event(site, stage)`` from the worker threads: ``queued``,
  ``reading``, ``classifying``, ``done`` or ``failed``. Nothing here prints.
- With ``app.impact`` enabled, each resource with a pending change carries the impact
  preview of that change (``plan.impact``): counts only, within the site's session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from harmonizer import __version__
from harmonizer.errors import HarmonizerError
from harmonizer.fleet import check_sites, guarded, quiet
from harmonizer.model import DesiredState
from harmonizer.plan.impact import add_impacts
from harmonizer.plan.live import LiveReader
from harmonizer.plan.model import SitePlan
from harmonizer.plan.planner import plan_site
from harmonizer.timestamps import utc_stamp

from .classify import classify
from .model import DriftReport, SiteDrift, SiteStatus
from .shard import Shard

if TYPE_CHECKING:
    from harmonizer.odoo.session import OdooSession
    from harmonizer.project import Harmonizer

DEFAULT_CONCURRENCY = 8

DriftEvent = Callable[[str, str], None]


def run_drift(app: Harmonizer, selectors: list[str], *, concurrency: int = DEFAULT_CONCURRENCY,
              shard: Shard | None = None, today: dt.date | None = None,
              on_event: DriftEvent | None = None) -> DriftReport:
    """The drift report of the selected sites (of ``shard`` only, when given), in name order."""
    names = app.select(selectors)
    if shard is not None:
        names = shard.pick(names)
    results = check_sites(app, names, lambda n: _check(app, n, today, on_event or quiet), _failed,
                          concurrency=concurrency, on_event=on_event, thread_name="drift")
    return DriftReport(sites=tuple(results[n] for n in names), created_at=utc_stamp(),
                       harmonizer_version=__version__, shard=str(shard) if shard else None)


def check_site(app: Harmonizer, name: str, *, today: dt.date | None = None,
               on_event: DriftEvent | None = None) -> SiteDrift:
    """One site's drift; never raises for a problem with the site (it becomes its status)."""
    return guarded(name, lambda n: _check(app, n, today, on_event or quiet), _failed, on_event)


def _failed(name: str, reason: str, unreachable: bool) -> SiteDrift:
    return SiteDrift(name, SiteStatus.UNREACHABLE if unreachable else SiteStatus.ERROR, error=reason)


def _check(app: Harmonizer, name: str, today: dt.date | None, event: DriftEvent) -> SiteDrift:
    site = app.project.sites[name]
    desired = app.render(name, allow_expired=True)  # an expired exclusion is reported as drift
    standard = app.project.render(name, app.env, defaults_only=True, allow_expired=True)
    with app.session(name) as session:
        event(name, "reading")
        live = LiveReader(session.reader(), name, session.version.major).snapshot(desired)
        round_trips = session.stats.round_trips  # this site's (its login too, if it logged in)
        event(name, "classifying")
        plan = plan_site(desired, live, url=site.odoo.url, database=site.odoo.database,
                         odoo_version=session.version.full, today=today)
        plan = _with_impacts(app, plan, desired, session)
    resources = classify(desired, standard, live, plan, site.waivers, today)
    impacts = {c.address: c.impact for c in plan.changes if c.impact is not None}
    if impacts:
        resources = tuple(replace(r, impact=impacts.get(r.address)) for r in resources)
    status = SiteStatus.DRIFT if any(r.cls.failing for r in resources) else SiteStatus.CLEAN
    return SiteDrift(site=name, status=status, template=desired.template, template_version=desired.template_version,
                     url=site.odoo.url, database=site.odoo.database, odoo_version=session.version.full,
                     resources=resources, round_trips=round_trips)


def _with_impacts(app: Harmonizer, plan: SitePlan, desired: DesiredState, session: OdooSession) -> SitePlan:
    """The pending changes' impact preview (``plan.impact``), when the run asks for it. A count
    that fails leaves the report without figures: drift classifies, it does not plan."""
    if not app.impact.enabled or not plan.has_changes:
        return plan
    try:
        return add_impacts(plan, desired, session.reader(), session.version.major, app.impact, uid=session.uid)
    except HarmonizerError:
        return plan

