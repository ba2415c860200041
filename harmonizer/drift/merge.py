"""``harmonizer drift merge``: several JSON drift reports (one per shard) -> one report.

Rules: every input must be a drift report of the current format version; a site may appear
in only one input (shards are disjoint; a site twice means the inputs overlap, which is an
error naming both files). The merged report lists sites by name, carries the latest
``created_at`` of its inputs and no shard.
"""

from __future__ import annotations

import json
from pathlib import Path

from harmonizer.errors import HarmonizerError

from .model import DriftReport, SiteDrift


def load_report(path: Path) -> DriftReport:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DriftReport.from_dict(data)
    except (OSError, json.JSONDecodeError, ValueError, KeyError, TypeError) as exc:
        raise HarmonizerError(f"{path}: cannot read a drift report ({exc})") from None


def merge_reports(reports: list[tuple[str, DriftReport]]) -> DriftReport:
    """Merge (source name, report) pairs; raises ``HarmonizerError`` when a site is in two."""
    if not reports:
        raise HarmonizerError("drift merge needs at least one report")
    seen: dict[str, str] = {}
    sites: list[SiteDrift] = []
    for source, report in reports:
        for site in report.sites:
            if site.site in seen:
                raise HarmonizerError(f"site {site.site} is in both {seen[site.site]} and {source}: "
                                      "the reports overlap")
            seen[site.site] = source
            sites.append(site)
    sites.sort(key=lambda s: s.site)
    return DriftReport(sites=tuple(sites), created_at=max(r.created_at for _, r in reports),
                       harmonizer_version=reports[0][1].harmonizer_version)


def merge_files(paths: list[Path]) -> DriftReport:
    return merge_reports([(str(p), load_report(p)) for p in paths])
