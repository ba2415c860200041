"""Terraform-like terminal text for a plan and for the result of an apply, built with rich.

The caller decides colour (see ``should_color``): with ``color=False`` the output holds no
escape code at all, so it is safe to pipe, diff and assert on; with ``color=True`` it is
styled, and rich still honours a ``NO_COLOR`` environment variable (styles stay, colours go).
Lines never wrap (``soft_wrap``): a long value stays on one line for grep and diff, and the
summary table always gets its natural width (a site name is never cut); ``width`` only
bounds what rich may still lay out.

Layout of one site (no-op changes are not listed)::

    warehouse-1: https://erp.example.com, database erp, Odoo 17.0, template warehouse@1.2.0

      + automation.order_approved_event (base.automation)
          # reason, for the UI only
          # source: sites/warehouse-1.yaml:12
          name: "Order approved"
          impact (last 30 days): would match 3 sale orders

    Plan: 1 to create, 0 to update, 0 to delete.

A plan over several sites starts with a per-site summary table.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from typing import Protocol, TextIO

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from harmonizer.apply.executor import BUSY, ApplyResult, Outcome
from harmonizer.plan.model import Action, Change, FieldChange, Plan, SitePlan
from harmonizer.render.common import (
    PAST,
    STATUS_CHANGES,
    STATUS_FAILED,
    STATUS_IN_SYNC,
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
from harmonizer.render.impact import impact_line

DEFAULT_WIDTH = 100
CHANGE_INDENT = "  "
FIELD_INDENT = "      "
BLOCK_INDENT = "          "
ARROW = " → "

ACTION_STYLES = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.DELETE: "red", Action.NOOP: "dim"}
STATUS_STYLES = {STATUS_CHANGES: "yellow", STATUS_IN_SYNC: "green", STATUS_FAILED: "red"}
DIFF_STYLES = {"+": "green", "-": "red", "@": "cyan"}


def should_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour for a terminal, plain text when piped or when ``NO_COLOR`` is set (no-color.org)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    if env.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def make_console(color: bool, width: int | None = None) -> Console:
    """A console writing to memory. Plain: no terminal, no colour system, so no escape codes.
    Coloured: a forced terminal with the 16 standard colours; ``no_color`` is left to rich,
    which reads ``NO_COLOR`` from the environment."""
    return Console(
        file=io.StringIO(), width=width or DEFAULT_WIDTH, force_terminal=color,
        color_system="standard" if color else None, no_color=None if color else True,
        highlight=False, markup=False, emoji=False, soft_wrap=True, legacy_windows=False,
    )


def _output(console: Console) -> str:
    text = console.file.getvalue()  # type: ignore[attr-defined]
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[0]:
        del lines[0]
    return "\n".join(lines) + "\n"


# -- plan ------------------------------------------------------------------------------------

def render_text(plan: Plan, *, color: bool = False, width: int | None = None) -> str:
    """The whole plan as terminal text."""
    console = make_console(color, width)
    several = len(plan.sites) + len(plan.failures) > 1
    if several:
        _print_never_truncated(console, _summary_table(plan))
    for site in plan.sites:
        _print_site(console, site)
    if plan.failures:
        console.print()
    for failure in plan.failures:
        console.print(Text.assemble(("✗ ", "bold red"), (visible(failure.site), "bold"), f": {visible(failure.error)}"))
    if several:
        console.print()
        console.print(_total_line(plan))
    if not plan.sites and not plan.failures:
        console.print("No sites were planned.")
    return _output(console)


def _summary_table(plan: Plan) -> Table:
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, title=None)
    table.add_column("site")
    for name in ("create", "update", "delete"):
        table.add_column(name, justify="right")
    table.add_column("status")
    for row in site_rows(plan):
        numbers = ["-"] * 3 if row.counts is None else [str(row.counts.create), str(row.counts.update),
                                                         str(row.counts.delete)]
        table.add_row(visible(row.site), *numbers, Text(row.status, STATUS_STYLES[row.status]))
    return table


def _print_never_truncated(console: Console, table: Table) -> None:
    # Rich shrinks a table to the console width by cutting cells ("war…"): a site name or a
    # status must never be cut, so the table gets at least its natural width.
    natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
    saved = console.width
    console.width = max(saved, natural)  # print(width=...) could only narrow it
    try:
        console.print(table)
    finally:
        console.width = saved


def _total_line(plan: Plan) -> Text:
    counts = total_counts(plan)
    failed = f", {len(plan.failures)} failed to plan" if plan.failures else ""
    sites = len(plan.sites) + len(plan.failures)
    return Text(f"Total over {sites} sites{failed}: {counts.create} to create, {counts.update} to update, "
                f"{counts.delete} to delete.", "bold")


def _print_site(console: Console, site: SitePlan) -> None:
    console.print()
    console.print(Text.assemble(
        (visible(site.site), "bold"),
        visible(f": {site.url}, database {site.database}, Odoo {site.odoo_version}, "
                f"template {template_label(site)}"),
    ))
    for change in site.pending:
        console.print()
        for line in change_lines(change):
            console.print(line)
    left_out = [c for c in site.changes if c.action is Action.NOOP
                and (c.excluded or (c.reason or "").startswith("not on Odoo"))]
    if left_out:
        console.print()
        for change in left_out:
            console.print(Text(f"{CHANGE_INDENT}  {visible(change.address)}: {visible(change.reason or '')}", "dim"))
    warnings = access_lines(site)
    if warnings:
        console.print()
        console.print(Text(f"{CHANGE_INDENT}Access policy ({len(warnings)} finding(s); plan and apply never "
                           "remove access):", "bold yellow"))
        for line in warnings:
            console.print(Text(f"{CHANGE_INDENT}  ! {visible(line)}", "yellow"))
    console.print()
    console.print(Text(visible(plan_sentence(site)), "bold"))


def change_lines(change: Change) -> list[Text]:
    """The lines of one change: address, reason, source, then its fields."""
    style = ACTION_STYLES[change.action]
    marker = "[local] " if change.local else "[excluded] " if change.excluded else ""
    lines = [Text.assemble(CHANGE_INDENT, (change.action.symbol, f"bold {style}"), " ", (marker, style),
                           (visible(change.address), "bold"), f" ({visible(target(change))})")]
    if change.reason:
        lines.append(Text(f"{FIELD_INDENT}# {visible(change.reason)}", "dim"))
    if change.source:
        lines.append(Text(f"{FIELD_INDENT}# source: {visible(change.source)}", "dim"))
    for fc in change.fields:
        lines.extend(field_lines(change.action, fc))
    if change.impact is not None:
        lines.append(Text(f"{FIELD_INDENT}{visible(impact_line(change.impact))}", "cyan"))
    return lines


def field_lines(action: Action, fc: FieldChange) -> list[Text]:
    """``key: old → new`` (create: the new value, delete: the old one), or a block for code."""
    blocks = block_lines(fc)
    if blocks is not None:
        return [Text(f"{FIELD_INDENT}{visible(fc.key)}:"), *_block(action, *blocks)]
    before, after = shown(fc, "before"), shown(fc, "after")
    head = f"{FIELD_INDENT}{visible(fc.key)}: "
    if fc.carried:
        return [Text.assemble(head, (after, "dim"), ("  (unchanged, written again: Odoo recomputes it)", "dim"))]
    if action is Action.CREATE:
        return [Text.assemble(head, (after, "green"))]
    if action is Action.DELETE:
        return [Text.assemble(head, (before, "red"))]
    return [Text.assemble(head, (before, "red"), ARROW, (after, "green"))]


def _block(action: Action, before: list[str], after: list[str]) -> list[Text]:
    if action is Action.CREATE:
        return [Text(BLOCK_INDENT + line, "green") for line in after]
    if action is Action.DELETE:
        return [Text(BLOCK_INDENT + line, "red") for line in before]
    return [Text(BLOCK_INDENT + line, DIFF_STYLES.get(line[:1], "")) for line in compact_diff(before, after)]


# -- apply -----------------------------------------------------------------------------------

class SiteApplyLike(Protocol):
    """One site's apply as the Python API reports it (``harmonizer.project.SiteApply``):
    its result if the executor ran, its one-line error if the site failed."""

    @property
    def site(self) -> str: ...
    @property
    def result(self) -> ApplyResult | None: ...
    @property
    def error(self) -> str | None: ...


def render_apply_result(result: ApplyResult, *, color: bool = False, width: int | None = None) -> str:
    """One line per outcome (applied, failed with its error, not attempted), then a summary."""
    console = make_console(color, width)
    _print_result(console, result)
    return _output(console)


def render_apply(applies: Sequence[SiteApplyLike], *, color: bool = False, width: int | None = None) -> str:
    """Every site's apply, then (for several sites) one closing line over all of them."""
    console = make_console(color, width)
    for index, site_apply in enumerate(applies):
        if index:
            console.print()
        if site_apply.result is not None:
            _print_result(console, site_apply.result)
        if site_apply.error and (site_apply.result is None or site_apply.result.ok):
            # A failed outcome already names its error; otherwise (a stale plan, no
            # connection) the site's own error is the only word on what happened.
            console.print(_site_error_line(site_apply.site, site_apply.error))
    if len(applies) > 1:
        failed = sum(1 for a in applies if a.error or a.result is None or not a.result.ok)
        applied = sum(a.result.count("applied") for a in applies if a.result is not None)
        console.print()
        if failed:
            console.print(Text(f"Apply failed on {failed} of {len(applies)} sites ({applied} change(s) applied).",
                               "bold red"))
        else:
            console.print(Text(f"Apply complete on {len(applies)} sites: {applied} applied.", "bold green"))
    return _output(console)


def _site_error_line(site: str, error: str) -> Text:
    text = visible(error)
    if not text.startswith((site, f"site {site}")):
        text = f"{visible(site)}: {text}"
    return Text.assemble(("✗ ", "bold red"), text)


def _print_result(console: Console, result: ApplyResult) -> None:
    lines = [Text(f"{visible(result.site)}:", "bold"), *map(outcome_line, result.outcomes)]
    lines += [Text.assemble(CHANGE_INDENT, ("! ", "bold red"), visible(finding.text()))
              for finding in result.unconverged]
    lines.append(Text(apply_sentence(result), "bold green" if result.ok else "bold red"))
    # One print of the lines joined (soft wrap: the same text as a print per line, which costs
    # rich's whole render pipeline per line: most of a large apply's report time).
    console.print(Text("\n").join(lines))


def outcome_line(outcome: Outcome) -> Text:
    record = f" (#{outcome.record_id})" if outcome.record_id is not None else ""
    address = visible(outcome.address)
    if outcome.status == "applied":
        return Text.assemble(CHANGE_INDENT, ("✓ ", "green"), address, f": {PAST[outcome.action]}{record}")
    if outcome.status == "failed":
        return Text.assemble(CHANGE_INDENT, ("✗ ", "bold red"), address,
                             (f": {VERBS[outcome.action]} failed: {visible(outcome.error or 'unknown error')}", "red"))
    return Text.assemble(CHANGE_INDENT, ("· ", "dim"), address,
                         (f": {VERBS[outcome.action]} {outcome.status}", "dim"))


def apply_sentence(result: ApplyResult) -> str:
    applied = result.count("applied")
    if result.ok:
        return f"Apply complete: {applied} applied."
    if applied == len(result.outcomes) and result.unconverged:
        return (f"Applied but not converged: {applied} applied, {len(result.unconverged)} field(s) do not hold "
                "what was applied (read back right after the apply).")
    failed, skipped = result.count("failed"), result.count("not attempted")
    if any(o.status == "failed" and (o.error or "").startswith(BUSY) for o in result.outcomes):
        return (f"Apply stopped, Odoo is busy: {applied} applied, {failed} refused for now, {skipped} not attempted. "
                "Nothing needs fixing: run the same apply again in a few minutes.")
    return (f"Apply failed: {applied} applied, {failed} failed, {skipped} not attempted. "
            "Fix the error and plan again to converge.")
