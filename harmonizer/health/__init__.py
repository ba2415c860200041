"""Site health: is the standard *working* at each site, read from its live Odoo.

``run_health(app, selectors)`` reads the selected sites in parallel and returns one frozen
``HealthReport``: per site, the scheduled actions and automation rules harmonizer owns
(active, last/next run, overdue, failures), open approvals by age and approver, business
events in the window, and exceptions (blocked draft orders, stock exceptions, bills on hold),
with the findings the template's ``health`` thresholds call. Renderers live in
``harmonizer.render.health_formats``; nothing here prints. See docs/health.md.
"""

from harmonizer.health.model import (
    AGE_BUCKETS,
    FORMAT_VERSION,
    KIND,
    ApprovalHealth,
    AutomationHealth,
    CronHealth,
    EventCount,
    ExceptionHealth,
    Finding,
    HealthReport,
    HealthStatus,
    SiteHealth,
)
from harmonizer.health.run import DEFAULT_CONCURRENCY, check_site, run_health

__all__ = [
    "AGE_BUCKETS",
    "DEFAULT_CONCURRENCY",
    "FORMAT_VERSION",
    "KIND",
    "ApprovalHealth",
    "AutomationHealth",
    "CronHealth",
    "EventCount",
    "ExceptionHealth",
    "Finding",
    "HealthReport",
    "HealthStatus",
    "SiteHealth",
    "check_site",
    "run_health",
]
