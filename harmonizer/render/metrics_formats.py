"""Metrics renderers over one ``MetricsReport``: text, json, markdown, html (charts).

The HTML page is one self-contained file: a chart per metric drawn as inline SVG by pygal
(rendered here, in Python: no network, no script at all, no external font or style sheet), one line
per site (or ``--compare`` group), a dashed vertical mark at each rollout, then the before
/ after figures and the weekly table. Each site has the anchor ``site-<name>`` (the drift
report links to it). Renderers only present the report's figures.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from html import escape

from harmonizer.metrics.model import METRICS, MetricsReport, Period, Series, Week
from harmonizer.render.common import visible
from harmonizer.render.html import STYLE

#: Week columns of the tables: Week attribute -> header.
COLUMNS = (("orders", "orders"), ("deliveries", "deliveries"), ("cycle_median_days", "cycle median d"),
           ("cycle_p90_days", "cycle p90 d"), ("approvals", "approvals"), ("approval_lead_hours", "approval lead h"),
           ("blocks", "blocks"), ("exception_rate", "exceptions /100"), ("backorders", "backorders"),
           ("backorder_rate", "backorders /100"), ("late", "late"), ("late_rate", "late /100"))
PERIOD_KEYS = ("cycle_median_days", "cycle_p90_days", "approval_lead_hours", "exception_rate", "backorder_rate",
               "late_rate")
_CHART_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: pygal's inline config script, for its optional tooltip JavaScript (never loaded here).
_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.DOTALL)


def _v(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _rollouts_text(series: Series) -> str:
    return ", ".join(f"{r.template}@{r.version} {r.applied_at[:10]}" + (f" ({r.site})" if series.kind == "group"
                                                                          else "")
                     for r in series.rollouts) or "none recorded"


def _period_line(label: str, period: Period | None) -> str:
    if period is None:
        return ""
    figures = ", ".join(f"{key} {_v(getattr(period, key))}" for key in PERIOD_KEYS)
    return f"{label} ({period.weeks} weeks, {period.orders} orders): {figures}"


def _first_week(report: MetricsReport) -> str:
    """The first day of the first week shown (the window is read from a day earlier or so)."""
    starts = [s.weeks[0].start for s in (*report.sites, *report.groups) if s.weeks]
    return min(starts) if starts else report.window_start[:10]


def render_metrics_text(report: MetricsReport) -> str:
    lines = [f"Metrics: {report.weeks} weeks + the current one, {_first_week(report)} to "
             f"{report.window_end[:10]} (UTC)", ""]
    for series in (*report.sites, *report.groups):
        title = series.name if series.kind == "site" else f"group {series.name} ({', '.join(series.sites)})"
        if not series.ok:
            lines += [f"{title}  {series.status}: {series.error}", ""]
            continue
        lines.append(f"{title}  · rollouts: {_rollouts_text(series)}")
        header = "  week        " + " ".join(f"{h:>15}" for _k, h in COLUMNS)
        lines.append(header)
        for week in series.weeks:
            lines.append(f"  {week.start}  " + " ".join(f"{_v(getattr(week, k)):>15}" for k, _h in COLUMNS))
        for label, period in (("before", series.before), ("after", series.after)):
            if period is not None:
                lines.append("  " + _period_line(label, period))
        lines.extend(f"  note: {note}" for note in series.notes)
        lines.append("")
    return "\n".join(visible(line) for line in lines).rstrip() + "\n"


def render_metrics_json(report: MetricsReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_metrics_markdown(report: MetricsReport) -> str:
    out = ["# Harmonizer pilot metrics", "",
           f"{report.weeks} weeks + the current one, {_first_week(report)} to {report.window_end[:10]} (UTC).", ""]
    head = "| | " + " | ".join(title for _k, title, _u in METRICS) + " |"
    out += [head, "|---" * (len(METRICS) + 1) + "|"]
    for series in report.lines:
        for label, period in (("before", series.before), ("after", series.after)):
            if period is not None:
                out.append(f"| {series.name} {label} ({period.weeks} wk) | "
                           + " | ".join(_v(getattr(period, k)) for k, _t, _u in METRICS) + " |")
        if series.before is None:
            out.append(f"| {series.name} (no rollout in the window) | " + " | ".join(
                _v(_pooled_value(series, k)) for k, _t, _u in METRICS) + " |")
    out += ["", "Rollouts: " + "; ".join(f"{s.name}: {_rollouts_text(s)}" for s in report.lines)]
    return "\n".join(visible(line) for line in out) + "\n"


def _pooled_value(series: Series, key: str) -> float | None:
    """The last week with a value, for a line without a rollout split (Markdown summary only)."""
    values = [getattr(w, key) for w in series.weeks if getattr(w, key) is not None]
    return values[-1] if values else None


# -- HTML ------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(visible(str(text)))


def _week_index(weeks: tuple[Week, ...], moment: str) -> float | None:
    """Where a rollout falls on the x axis (weeks are 0..n-1; a day is 1/7)."""
    if not weeks:
        return None
    day = dt.date.fromisoformat(moment[:10])
    first = dt.date.fromisoformat(weeks[0].start)
    offset = (day - first).days / 7
    return offset if 0 <= offset <= len(weeks) else None


def chart_svg(report: MetricsReport, key: str, title: str, unit: str) -> str:
    """One metric as an inline SVG line chart: a line per site or group, a mark per rollout."""
    import pygal
    from pygal.style import Style

    lines = report.lines
    weeks = lines[0].weeks if lines else ()
    style = Style(background="#ffffff", plot_background="#ffffff", font_family="system-ui, sans-serif",
                  colors=("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"))
    chart = pygal.XY(js=[], disable_xml_declaration=True, explicit_size=True, width=900, height=320,
                     allow_interruptions=True, show_x_guides=False, title=f"{title} ({unit})", style=style,
                     legend_at_bottom=True, truncate_legend=-1, dots_size=3, x_label_rotation=0,
                     print_values=False, range=None, include_x_axis=True)
    chart.x_labels = list(range(len(weeks)))
    labels = [w.start[5:] for w in weeks]
    chart.x_value_formatter = lambda x: labels[int(x)] if float(x).is_integer() and 0 <= int(x) < len(labels) else ""
    top = 0.0
    for series in lines:
        values = [(i, getattr(w, key)) for i, w in enumerate(series.weeks)]
        top = max([top, *(v for _i, v in values if v is not None)])
        chart.add(series.name, values)
    top = top or 1.0
    for series in lines:
        for rollout in series.rollouts:
            x = _week_index(series.weeks, rollout.applied_at)
            if x is None:
                continue
            who = f" {rollout.site}" if series.kind == "group" else ""
            chart.add(f"rollout {rollout.version}{who} ({rollout.applied_at[:10]})", [(x, 0), (x, top)],
                      stroke_style={"width": 2, "dasharray": "6, 4"}, show_dots=False)
    svg = chart.render(is_unicode=True)
    return _SCRIPT.sub("", _CHART_ID.sub(f"chart-{key}", svg))


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i else f"<td>{c}</td>" for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _series_html(series: Series) -> str:
    anchor = f'id="site-{_e(series.name)}"' if series.kind == "site" else f'id="group-{_e(series.name)}"'
    title = series.name if series.kind == "site" else f"group {series.name} ({', '.join(series.sites)})"
    if not series.ok:
        return f"<h3 {anchor}>{_e(title)}</h3><p>{_e(series.status)}: {_e(series.error or '')}</p>"
    parts = [f"<h3 {anchor}>{_e(title)}</h3>",
             f'<p class="muted">Rollouts: {_e(_rollouts_text(series))}'
             + (f" · Odoo {_e(series.odoo_version)}" if series.odoo_version else "")
             + f" · {series.round_trips} round trips</p>"]
    rows = [[_e(w.start), *(_e(_v(getattr(w, k))) for k, _h in COLUMNS)] for w in series.weeks]
    parts.append(_table(["week", *(h for _k, h in COLUMNS)], rows))
    parts.extend(f'<p class="muted">Note: {_e(n)}</p>' for n in series.notes)
    return "\n".join(parts)


def _comparison(report: MetricsReport) -> str:
    rows = []
    for series in report.lines:
        for label, period in (("before", series.before), ("after", series.after)):
            if period is not None:
                rows.append([_e(f"{series.name} {label}"), str(period.weeks),
                             *(_e(_v(getattr(period, k))) for k, _t, _u in METRICS)])
    if not rows:
        return "<p>No rollout inside the window: nothing to compare before and after.</p>"
    return ("<p>Split at each line's first rollout in the window; that week is in neither side.</p>"
            + _table(["line", "weeks", *(f"{t} ({u})" for _k, t, u in METRICS)], rows))


def render_metrics_html(report: MetricsReport) -> str:
    title = "Harmonizer pilot metrics"
    charts = "\n".join(f'<figure class="chart">{chart_svg(report, key, t, u)}</figure>' for key, t, u in METRICS)
    sites = "\n".join(_series_html(s) for s in report.sites)
    groups = "\n".join(_series_html(g) for g in report.groups)
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{title}</title>",
             f"<style>{STYLE} figure.chart{{margin:12px 0;max-width:900px}}</style>", "</head>", "<body>",
             f"<h1>{title}</h1>",
             f'<p class="muted">{report.weeks} weeks and the current one, {_e(_first_week(report))} to '
             f"{_e(report.window_end[:10])} (UTC), weeks as Odoo groups them. Created {_e(report.created_at)} by "
             f"harmonizer {_e(report.harmonizer_version)}. Dashed vertical lines: rollouts (first apply of a "
             "template version, from the audit trail in Odoo).</p>",
             "<h2>Before and after the rollout</h2>", _comparison(report), "<h2>Charts</h2>", charts,
             *(["<h2>Groups</h2>", groups] if groups else []), "<h2>Sites</h2>", sites, "</body>", "</html>"]
    return "\n".join(parts) + "\n"


METRICS_RENDERERS: dict[str, Callable[[MetricsReport], str]] = {
    "text": render_metrics_text, "json": render_metrics_json, "markdown": render_metrics_markdown,
    "html": render_metrics_html,
}


def render_metrics(report: MetricsReport, fmt: str) -> str:
    try:
        renderer = METRICS_RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown metrics format {fmt!r}; formats: {', '.join(sorted(METRICS_RENDERERS))}") from None
    return renderer(report)
