"""What every plan renderer shares: the words and values it shows, decided once.

Rules kept here so that text, Markdown and any later format cannot disagree:
- A field's value is shown from ``before_text``/``after_text`` (already made for display
  by the planner); a secret field whose value is set always shows ``REDACTED``, whatever
  its texts hold, and its raw ``before``/``after`` are never read for display.
- A field is shown as a block of lines (code, long text) only when it is not secret and
  one of its raw values is a string holding a newline; updates of such fields are shown
  as a compact unified diff (one line of context).
- Text from the plan (values, addresses, errors) goes through ``visible`` before it
  reaches a terminal or a document: a control character (an escape sequence in a value
  read from Odoo) is shown as ``\\xNN``, never sent raw.
- No-op changes are never listed; counts and statuses come from ``SitePlan.counts``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from harmonizer.plan.model import REDACTED, Action, Change, Counts, FieldChange, Plan, SitePlan

#: Text the planner uses for "no value" and for the far side of a deletion.
EMPTY_TEXTS = frozenset({"(empty)", "(deleted)", ""})

#: Statuses of a site in summaries (JSON, tables): a stable vocabulary.
STATUS_CHANGES = "changes"
STATUS_IN_SYNC = "in sync"
STATUS_FAILED = "failed"

VERBS = {Action.CREATE: "create", Action.UPDATE: "update", Action.DELETE: "delete", Action.NOOP: "no-op"}
PAST = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted", Action.NOOP: "unchanged"}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with control characters (but tab and newline) written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown(fc: FieldChange, side: str) -> str:
    """The display text of one side (``"before"`` or ``"after"``) of a field change."""
    text = fc.before_text if side == "before" else fc.after_text
    if fc.secret and text not in EMPTY_TEXTS:
        # A secret is never shown, even if a hand-built plan put it in the display text.
        return REDACTED
    return visible(text)


def block_lines(fc: FieldChange) -> tuple[list[str], list[str]] | None:
    """The (before, after) lines of a multi-line, non-secret field; None for one-line values."""
    if fc.secret:
        return None
    values = (fc.before, fc.after)
    if not any(isinstance(v, str) and "\n" in v for v in values):
        return None
    before, after = ([visible(line) for line in v.splitlines()] if isinstance(v, str) else [] for v in values)
    return before, after


def compact_diff(before: list[str], after: list[str]) -> list[str]:
    """A unified diff of two line lists with one line of context, without file headers."""
    lines = difflib.unified_diff(before, after, lineterm="", n=1)
    return [line for line in lines if not line.startswith(("---", "+++"))]


def target(change: Change) -> str:
    """The Odoo side of a change: ``res.company #1`` for an existing record, else the model."""
    if change.record_id is not None and change.action is not Action.CREATE:
        return f"{change.model} #{change.record_id}"
    return change.model


def plan_sentence(site: SitePlan) -> str:
    """Terraform's summary sentence for one site."""
    if not site.has_changes:
        return f"No changes. {site.site} matches its desired state."
    return counts_sentence(site.counts)


def counts_sentence(counts: Counts) -> str:
    return f"Plan: {counts.create} to create, {counts.update} to update, {counts.delete} to delete."


def template_label(site: SitePlan) -> str:
    return f"{site.template}@{site.template_version}" if site.template_version else site.template


def site_status(site: SitePlan) -> str:
    return STATUS_CHANGES if site.has_changes else STATUS_IN_SYNC


def total_counts(plan: Plan) -> Counts:
    sites = [s.counts for s in plan.sites]
    return Counts(sum(c.create for c in sites), sum(c.update for c in sites), sum(c.delete for c in sites))


@dataclass(frozen=True)
class SiteRow:
    """One row of a per-site summary table; counts are None for a site that failed to plan."""

    site: str
    counts: Counts | None
    status: str
    odoo_version: str = ""
    template: str = ""


def site_rows(plan: Plan) -> list[SiteRow]:
    """Planned sites in plan order, then the sites that failed to plan."""
    rows = [SiteRow(s.site, s.counts, site_status(s), s.odoo_version, template_label(s))
            for s in plan.sites]
    rows.extend(SiteRow(f.site, None, STATUS_FAILED) for f in plan.failures)
    return rows


def access_lines(site: SitePlan) -> list[str]:
    """One line per access policy finding of a plan (warnings: a plan never removes access)."""
    out = []
    for finding in site.access:
        mark = "accepted" if not finding.failing else finding.severity
        line = f"[{mark}] {finding.message} ({finding.rule}, {finding.location})"
        if finding.failing and finding.fix:
            line += f"; to resolve: {finding.fix}"
        elif finding.exception is not None:
            line += f"; exception by {finding.exception.owner} until {finding.exception.expires}"
        out.append(line)
    return out
