"""``harmonizer drift``: where every site stands against the standard; ``drift merge`` for shards.

A site named ``merge`` is selected as ``site=merge`` (a bare ``merge`` starts the merge).
Exit codes: 0 clean (waived counts as clean), 2 unmanaged drift, missing or orphaned
somewhere, 1 a site could not be checked or any other error. A failed ``--notify`` is
reported on stderr and never changes the exit code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from harmonizer.commands.common import app_from, color_enabled, handle_errors, selectors_from, with_selectors
from harmonizer.commands.impact_options import apply_impact_options, with_impact_options
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


def _emit(report, fmt: str, out: Path | None, pages: dict[str, Path | None] | None = None) -> None:  # type: ignore[no-untyped-def]
    from harmonizer.render.drift_formats import render_drift

    require_out_for_html(fmt, out)
    links = _site_links(report, out, pages or {}) if fmt == "html" and out is not None else None
    text = render_drift(report, fmt, color=color_enabled() and fmt == "text" and out is None, links=links)
    write_report(text, out, "drift report", fmt)


def _site_links(report, out: Path, pages: dict[str, Path | None]) -> dict[str, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """Links from the drift page to each site's section of the health and metrics pages: the
    given files, else ``health.html``/``metrics.html`` beside ``--out``; a site is linked only
    where that page has its section (``id="site-<name>"``)."""
    links: dict[str, list[tuple[str, str]]] = {}
    for label in ("health", "metrics"):
        page = pages.get(label) or out.parent / f"{label}.html"
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        href = Path(os.path.relpath(page.resolve(), out.parent.resolve())).as_posix()
        for site in report.sites:
            if f'id="site-{site.site}"' in text:
                links.setdefault(site.site, []).append((label, f"{href}#site-{site.site}"))
    return links


def register(group: click.Group) -> None:
    @group.command("drift")
    @with_selectors
    @format_options
    @concurrency_option
    @click.option("--shard", help="Check only shard I of N (e.g. 1/4): a stable subset by site name.")
    @notify_options
    @progress_option
    @click.option("--health-page", type=click.Path(dir_okay=False, path_type=Path),
                  help="HTML: link each site to its section of this health page (default: health.html beside --out).")
    @click.option("--metrics-page", type=click.Path(dir_okay=False, path_type=Path),
                  help="HTML: link each site to its section of this metrics page (default: metrics.html beside --out).")
    @with_impact_options
    @click.pass_context
    @handle_errors
    def drift(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
              fmt: str, out: Path | None, concurrency: int | None, shard: str | None, notify_url: str | None,
              notify_timeout: float, notify_attempts: int, progress: bool | None, health_page: Path | None,
              metrics_page: Path | None, **impact: Any) -> None:
        """Classify every managed field of sites: standard, sanctioned, waived, drift, missing, orphaned.

        The HTML and JSON reports also carry, for each pending change, what it would match on
        live data (impact preview; --no-impact to skip).
        `harmonizer drift merge FILES...` combines JSON reports (one per --shard) into one.
        """
        if fmt not in ("html", "json"):
            impact["no_impact"] = True  # only the HTML and JSON reports show the figures
        if selectors and selectors[0] == "merge":
            if sites or tags or shard or concurrency:
                raise click.UsageError("drift merge takes only JSON report files (and --format/--out/--notify)")
            report = _merge(selectors[1:])
        else:
            report = _run(ctx, selectors_from(selectors, sites, tags), concurrency, shard, progress, impact)
        _emit(report, fmt, out, {"health": health_page, "metrics": metrics_page})
        if notify_url:
            from harmonizer.drift.notify import summary_payload

            post_summary(notify_url, summary_payload(report), notify_timeout, notify_attempts)
        sys.exit(report.exit_code)


def _merge(files: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from harmonizer.drift import merge_files

    if not files:
        raise click.UsageError("drift merge needs the JSON report files to merge")
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        raise click.UsageError(f"no such report file: {', '.join(missing)}")
    return merge_files([Path(f) for f in files])


def _run(ctx: click.Context, chosen: list[str], concurrency: int | None, shard: str | None,
         progress: bool | None, impact: dict[str, Any]):  # type: ignore[no-untyped-def]
    from harmonizer.render.rollout_progress import progress_display

    app = app_from(ctx)
    apply_impact_options(app, impact)
    with progress_display(sys.stderr, enabled=progress) as display:
        return app.drift(chosen, concurrency=concurrency_limit(concurrency), shard=shard, on_event=display.event)
