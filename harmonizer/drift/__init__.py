"""Fleet drift: where each site stands against the standard operating model.

``run_drift(app, selectors)`` reads the selected sites in parallel and returns one frozen
``DriftReport``; ``classify`` is the pure function behind it (standard, sanctioned
variation, waived, unmanaged drift, missing, orphaned); ``merge_reports`` combines shard
reports; ``notify`` posts a report's summary to a webhook. Renderers live in
``harmonizer.render`` (``drift_formats.render_drift``); nothing here prints.
"""

from harmonizer.drift.classify import classify
from harmonizer.drift.merge import load_report, merge_files, merge_reports
from harmonizer.drift.model import (
    AREAS,
    FORMAT_VERSION,
    DriftClass,
    DriftReport,
    FieldDrift,
    ResourceDrift,
    SiteDrift,
    SiteStatus,
    WaiverRef,
)
from harmonizer.drift.notify import NotifyResult, notify, summary_payload
from harmonizer.drift.run import DEFAULT_CONCURRENCY, check_site, run_drift
from harmonizer.drift.shard import Shard, parse_shard

__all__ = [
    "AREAS",
    "DEFAULT_CONCURRENCY",
    "FORMAT_VERSION",
    "DriftClass",
    "DriftReport",
    "FieldDrift",
    "NotifyResult",
    "ResourceDrift",
    "Shard",
    "SiteDrift",
    "SiteStatus",
    "WaiverRef",
    "check_site",
    "classify",
    "load_report",
    "merge_files",
    "merge_reports",
    "notify",
    "parse_shard",
    "run_drift",
    "summary_payload",
]
