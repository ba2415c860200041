"""``harmonizer health`` (is the standard working at each site) and ``harmonizer metrics`` (the
pilot review: weekly figures per site or group, before and after each rollout).

Exit codes of ``health``: 0 healthy, 2 findings somewhere, 1 a site could not be read or any
other error; a failed ``--notify`` is reported on stderr and never changes the exit code.
``metrics`` exits 0, or 1 when a site could not be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from harmonizer.commands.common import app_from, color_enabled, handle_errors, selectors_from, with_selectors
from harmonizer.commands.report_options import (
    concurrency_limit,
    concurrency_option,
    format_options,
    notify_options,
    post_summary,
    progress_option,
    require_out_for_html,
    write_report,
)


def register(group: click.Group) -> None:
    @group.command("health")
    @with_selectors
    @format_options
    @concurrency_option
    @notify_options
    @progress_option
    @click.pass_context
    @handle_errors
    def health(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
               fmt: str, out: Path | None, concurrency: int | None, notify_url: str | None, notify_timeout: float,
               notify_attempts: int, progress: bool | None) -> None:
        """Is the standard working at each site: owned scheduled actions and automations, approvals
        by age and approver, business events, blocked orders and other exceptions (from live Odoo)."""
        from harmonizer.render.health_formats import render_health
        from harmonizer.render.rollout_progress import progress_display

        require_out_for_html(fmt, out)
        app = app_from(ctx)
        with progress_display(sys.stderr, enabled=progress) as display:
            report = app.health(selectors_from(selectors, sites, tags), concurrency=concurrency_limit(concurrency),
                                on_event=display.event)
        write_report(render_health(report, fmt, color=color_enabled() and fmt == "text" and out is None), out,
                     "health report", fmt)
        if notify_url:
            from harmonizer.health.notify import summary_payload

            post_summary(notify_url, summary_payload(report), notify_timeout, notify_attempts)
        sys.exit(report.exit_code)

    @group.command("metrics")
    @with_selectors
    @click.option("--weeks", type=click.IntRange(min=1, max=104), default=12, show_default=True,
                  help="Weeks back from the current one.")
    @click.option("--compare", "compare", multiple=True,
                  help="Groups side by side instead of sites: `--compare tag=pilot tag=rest` (selectors after it "
                       "are groups too; tag=T, site=a,b). 'rest' is every site in no earlier group.")
    @format_options
    @concurrency_option
    @progress_option
    @click.pass_context
    @handle_errors
    def metrics(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
                weeks: int, compare: tuple[str, ...], fmt: str, out: Path | None, concurrency: int | None,
                progress: bool | None) -> None:
        """Pilot review: weekly cycle time, approval lead time, exception, backorder and late-delivery
        rates per site (or per --compare group), with the date each template version was applied."""
        from harmonizer.render.metrics_formats import render_metrics
        from harmonizer.render.rollout_progress import progress_display

        require_out_for_html(fmt, out)
        app = app_from(ctx)
        groups: list[str] | None = None
        chosen = selectors_from(selectors, sites, tags)
        if compare:
            # `--compare tag=pilot tag=rest`: the selectors written after it are groups too
            groups = [*compare, *selectors]
            chosen = selectors_from((), sites, tags)
        with progress_display(sys.stderr, enabled=progress) as display:
            report = app.metrics(chosen, weeks=weeks, compare=groups, concurrency=concurrency_limit(concurrency),
                                 on_event=display.event)
        write_report(render_metrics(report, fmt), out, "metrics report", fmt)
        sys.exit(report.exit_code)
