"""``--notify URL``: post the JSON summary of a drift report to a webhook (e.g. an n8n workflow).

Rules:
- One POST of ``application/json`` per attempt, each bounded by ``timeout`` seconds; at most
  ``attempts`` attempts, with a doubling pause between them. Connection failures, timeouts,
  HTTP 429 and 5xx are retried; any other 4xx is final (the receiver refused the payload).
- The outcome is data (``NotifyResult``), never an exception: a failed notification is
  reported and does not change what the drift exit code means.
- The payload holds no value at all (only classes, addresses, fields, who and when), and
  messages name the webhook by scheme, host and path only (a token in its query stays out).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harmonizer import __version__

from .model import KIND, DriftReport

SUMMARY_KIND = f"{KIND}-summary"
DEFAULT_TIMEOUT = 10.0
DEFAULT_ATTEMPTS = 3


@dataclass(frozen=True)
class NotifyResult:
    target: str
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None

    def message(self) -> str:
        if self.ok:
            return f"Notified {self.target} (HTTP {self.status})."
        return f"Notification to {self.target} failed after {self.attempts} attempt(s): {self.error}"


def summary_payload(report: DriftReport) -> dict[str, Any]:
    """The webhook's payload: counts and findings per site, without values."""
    full = report.to_dict()
    sites = []
    for site in report.sites:
        findings = [{"address": r.address, "field": f.key if f else None,
                     "class": (f.cls if f else r.cls).value, "changed_by": r.changed_by,
                     "changed_at": r.changed_at} for r, f in site.findings()]
        sites.append({"site": site.site, "status": site.status.value, "error": site.error,
                      "counts": full["sites"][report.sites.index(site)]["counts"], "findings": findings})
    return {"format_version": full["format_version"], "kind": SUMMARY_KIND, "created_at": report.created_at,
            "shard": report.shard, "exit_code": report.exit_code, "summary": full["summary"], "sites": sites}


def display_target(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def notify(url: str, payload: dict[str, Any], *, timeout: float = DEFAULT_TIMEOUT,
           attempts: int = DEFAULT_ATTEMPTS, backoff: float = 0.5,
           sleep: Callable[[float], None] = time.sleep) -> NotifyResult:
    target = display_target(url)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return NotifyResult(target, False, 0, error="only http:// and https:// webhooks are supported")
    body = json.dumps(payload).encode("utf-8")
    error, status = "not attempted", None
    for attempt in range(1, max(1, attempts) + 1):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": f"harmonizer/{__version__}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # the scheme was checked above
                return NotifyResult(target, True, attempt, response.status)
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
            if exc.code != 429 and exc.code < 500:
                return NotifyResult(target, False, attempt, status, error)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            status, error = None, f"{reason.__class__.__name__}: {reason}" if str(reason) else str(type(reason))
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    return NotifyResult(target, False, max(1, attempts), status, error)
