"""``health --notify URL``: the webhook payload of a health report (no record value, no secret).

Posting reuses ``harmonizer.drift.notify.notify`` (retries, timeouts, the target shown without
its query): only the payload differs.
"""

from __future__ import annotations

from typing import Any

from .model import FORMAT_VERSION, KIND, HealthReport

SUMMARY_KIND = f"{KIND}-summary"


def summary_payload(report: HealthReport) -> dict[str, Any]:
    sites = []
    for site in report.sites:
        sites.append({"site": site.site, "status": site.status.value, "error": site.error,
                      "overdue_crons": [c.address for c in site.crons if c.overdue],
                      "approvals_open": site.approvals.open, "approvals_aged": site.approvals.aged,
                      "blocked_orders": site.exceptions.blocked_orders,
                      "stock_exceptions": site.exceptions.stock_exceptions,
                      "findings": [{"area": f.area, "subject": f.subject, "message": f.message}
                                   for f in site.findings]})
    return {"format_version": FORMAT_VERSION, "kind": SUMMARY_KIND, "created_at": report.created_at,
            "exit_code": report.exit_code, "summary": report.summary(), "sites": sites}
