"""``harmonizer health`` (is the standard working at each site) and ``harmonizer metrics`` (the
pilot review: weekly figures per site or group, before and after each rollout).

Exit codes of ``health``: 0 healthy, 2 findings somewhere, 1 a site could not be read or any
other error; a failed ``--notify`` is reported on stderr and never changes the exit code.
``metrics`` exits 0, or 1 when a site could not be read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from harmonizer.commands.common import app_from, color_enabled, handle_errors, selectors_from, stderr, with_selectors

FORMATS = ["text", "json", "markdown", "html"]
CONCURRENCY_ENV = "HARMONIZER_DRIFT_CONCURRENCY"
DEFAULT_CONCURRENCY = 8


def _write(text: str, out: Path | None, what: str, fmt: str) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    stderr(f"Wrote the {what} ({fmt}) to {out}.")


def _limit(concurrency: int | None) -> int:
    return concurrency or int(os.environ.get(CONCURRENCY_ENV) or DEFAULT_CONCURRENCY)


def register(group: click.Group) -> None:
    @group.command("health")
    @with_selectors
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
    @click.option("--concurrency", type=click.IntRange(min=1), default=None,
                  help=f"Sites read at once (default {DEFAULT_CONCURRENCY}, or ${CONCURRENCY_ENV}).")
    @click.option("--notify", "notify_url", help="POST the JSON summary to this webhook URL.")
    @click.option("--notify-timeout", type=float, default=10.0, show_default=True)
    @click.option("--notify-attempts", type=click.IntRange(min=1, max=10), default=3, show_default=True)
    @click.option("--progress/--no-progress", default=None, help="Per-site progress on stderr (default: on).")
    @click.pass_context
    @handle_errors
    def health(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
               fmt: str, out: Path | None, concurrency: int | None, notify_url: str | None, notify_timeout: float,
               notify_attempts: int, progress: bool | None) -> None:
        """Is the standard working at each site: owned scheduled actions and automations, approvals
        by age and approver, business events, blocked orders and other exceptions (from live Odoo)."""
        from harmonizer.render.health_formats import render_health
        from harmonizer.render.rollout_progress import progress_display

        if fmt == "html" and out is None:
            raise click.UsageError("--format html needs --out FILE (one self-contained page)")
        app = app_from(ctx)
        with progress_display(sys.stderr, enabled=progress) as display:
            report = app.health(selectors_from(selectors, sites, tags), concurrency=_limit(concurrency),
                                on_event=display.event)
        _write(render_health(report, fmt, color=color_enabled() and fmt == "text" and out is None), out,
               "health report", fmt)
        if notify_url:
            from harmonizer.drift.notify import notify
            from harmonizer.health.notify import summary_payload

            result = notify(notify_url, summary_payload(report), timeout=notify_timeout, attempts=notify_attempts)
            stderr(("" if result.ok else "Warning: ") + result.message())
        sys.exit(report.exit_code)

    @group.command("metrics")
    @with_selectors
    @click.option("--weeks", type=click.IntRange(min=1, max=104), default=12, show_default=True,
                  help="Weeks back from the current one.")
    @click.option("--compare", "compare", multiple=True,
                  help="Groups side by side instead of sites: `--compare tag=pilot tag=rest` (selectors after it "
                       "are groups too; tag=T, site=a,b). 'rest' is every site in no earlier group.")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
    @click.option("--concurrency", type=click.IntRange(min=1), default=None,
                  help=f"Sites read at once (default {DEFAULT_CONCURRENCY}, or ${CONCURRENCY_ENV}).")
    @click.option("--progress/--no-progress", default=None, help="Per-site progress on stderr (default: on).")
    @click.pass_context
    @handle_errors
    def metrics(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
                weeks: int, compare: tuple[str, ...], fmt: str, out: Path | None, concurrency: int | None,
                progress: bool | None) -> None:
        """Pilot review: weekly cycle time, approval lead time, exception, backorder and late-delivery
        rates per site (or per --compare group), with the date each template version was applied."""
        from harmonizer.render.metrics_formats import render_metrics
        from harmonizer.render.rollout_progress import progress_display

        if fmt == "html" and out is None:
            raise click.UsageError("--format html needs --out FILE (one self-contained page)")
        app = app_from(ctx)
        groups: list[str] | None = None
        chosen = selectors_from(selectors, sites, tags)
        if compare:
            # `--compare tag=pilot tag=rest`: the selectors written after it are groups too
            groups = [*compare, *selectors]
            chosen = selectors_from((), sites, tags)
        with progress_display(sys.stderr, enabled=progress) as display:
            report = app.metrics(chosen, weeks=weeks, compare=groups, concurrency=_limit(concurrency),
                                 on_event=display.event)
        _write(render_metrics(report, fmt), out, "metrics report", fmt)
        sys.exit(report.exit_code)
