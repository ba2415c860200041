"""The plan as GitHub-flavoured Markdown, for pasting into a change ticket or a pull request.

Shape: a title, a table of sites with their counts and status, the sites that failed to
plan, then one section per site with one table per change (Field | Before | After).
Multi-line values (code) do not fit a table cell: the cell points below, and the value
follows in a fenced block (a ``diff`` block for an update).

Escaping rule: every text that comes from the plan goes through ``escape`` (table cells,
prose) or ``code_span``/``fence`` (code), so a value can never break a table (``|``),
start markup (``*``, ``_``, ``[``, ``<``) or close a fence early.
"""

from __future__ import annotations

import re

from harmonizer.plan.model import Action, Change, FieldChange, Plan, SitePlan
from harmonizer.render.common import (
    VERBS,
    access_lines,
    block_lines,
    compact_diff,
    plan_sentence,
    shown,
    site_rows,
    target,
    template_label,
    total_counts,
    visible,
)
from harmonizer.render.impact import impact_label, impact_phrase

TITLE = "Harmonizer plan"
BELOW = "(see below)"
DIFF_BELOW = "(see diff below)"
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape(text: str) -> str:
    """Text safe inside a table cell or a paragraph: punctuation escaped, newlines as ``<br>``."""
    text = _SPECIAL.sub(r"\\\1", visible(text).replace("&", "&amp;"))
    if text.startswith("#"):  # a heading only at the start of a line
        text = "\\" + text
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def code_span(text: str, *, in_table: bool = False) -> str:
    """Inline code that survives backticks inside it. In a table cell a pipe must still be
    escaped (GFM splits cells before it parses code spans, and drops that backslash)."""
    text = visible(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    body = text.replace("|", "\\|") if in_table else text
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


def fence(lines: list[str], info: str = "") -> list[str]:
    """A fenced block longer than any run of backticks in its lines."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    marker = "`" * max(3, longest + 1)
    return [f"{marker}{info}", *lines, marker]


def render_markdown(plan: Plan, *, color: bool = False, width: int | None = None) -> str:
    """Renderer interface: Markdown has no colour and no width."""
    out = [f"# {TITLE}", ""]
    if plan.created_at or plan.harmonizer_version:
        made = " ".join(part for part in (
            f"at {escape(plan.created_at)}" if plan.created_at else "",
            f"by harmonizer {escape(plan.harmonizer_version)}" if plan.harmonizer_version else "",
        ) if part)
        out += [f"Planned {made}.", ""]
    out += _sites_table(plan)
    if plan.failures:
        out += ["## Sites that failed to plan", ""]
        out += [f"- **{escape(f.site)}**: {escape(f.error)}" for f in plan.failures]
        out.append("")
    for site in plan.sites:
        out += _site_section(site)
    return "\n".join(out).rstrip("\n") + "\n"


def _sites_table(plan: Plan) -> list[str]:
    if not plan.sites and not plan.failures:
        return ["No sites were planned.", ""]
    counts = total_counts(plan)
    lines = [
        f"**Total:** {counts.create} to create, {counts.update} to update, {counts.delete} to delete "
        f"over {len(plan.sites) + len(plan.failures)} site(s).",
        "",
        "| Site | Odoo | Template | Create | Update | Delete | Status |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for row in site_rows(plan):
        numbers = ["-"] * 3 if row.counts is None else [str(row.counts.create), str(row.counts.update),
                                                         str(row.counts.delete)]
        cells = [escape(row.site), escape(row.odoo_version), escape(row.template), *numbers, row.status]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _site_section(site: SitePlan) -> list[str]:
    out = [
        f"## {escape(site.site)}", "",
        f"{escape(site.url)}, database {code_span(site.database)}, Odoo {escape(site.odoo_version)}, "
        f"template {code_span(template_label(site))}", "",
        f"**{escape(plan_sentence(site))}**", "",
    ]
    for change in site.pending:
        out += change_section(change)
    warnings = access_lines(site)
    if warnings:
        out += ["### Access policy findings", "", *(f"- {escape(line)}" for line in warnings), ""]
    return out


def change_section(change: Change) -> list[str]:
    """One change: a heading, its reason and source, a field table, then any code blocks."""
    marker = "[local] " if change.local else "[excluded] " if change.excluded else ""
    out = [f"### {change.action.symbol} {VERBS[change.action]} {marker}{code_span(change.address)} "
           f"({escape(target(change))})", ""]
    notes = []
    if change.reason:
        notes.append(f"*{escape(change.reason)}*")
    if change.source:
        notes.append(f"Source: {code_span(change.source)}")
    if change.impact is not None:
        notes.append(f"**{escape(impact_label(change.impact))}:** {escape(impact_phrase(change.impact))}")
    if notes:
        out += ["  \n".join(notes), ""]
    if change.fields:
        out += ["| Field | Before | After |", "| --- | --- | --- |"]
        out += [_field_row(change.action, fc) for fc in change.fields]
        out.append("")
    for fc in change.fields:
        out += _field_block(change.action, fc)
    return out


def _field_row(action: Action, fc: FieldChange) -> str:
    before, after = escape(shown(fc, "before")), escape(shown(fc, "after"))
    if block_lines(fc) is not None:
        if action is Action.UPDATE:
            before = after = DIFF_BELOW
        elif action is Action.CREATE:
            after = BELOW
        else:
            before = BELOW
    if fc.carried:
        after = f"{after} (unchanged, written again)"
    return f"| {code_span(fc.key, in_table=True)} | {before} | {after} |"


def _field_block(action: Action, fc: FieldChange) -> list[str]:
    blocks = block_lines(fc)
    if blocks is None:
        return []
    before, after = blocks
    if action is Action.UPDATE:
        return [f"{code_span(fc.key)} (diff):", "", *fence(compact_diff(before, after), "diff"), ""]
    side, lines = ("after", after) if action is Action.CREATE else ("before", before)
    return [f"{code_span(fc.key)} ({side}):", "", *fence(lines), ""]
