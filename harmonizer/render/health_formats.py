"""Health renderers by format name over one ``HealthReport``: text, json, markdown, html.

They only present the report: every figure, finding and threshold comes from it. The HTML
page is self-contained (the drift report's inline style, no script, no link out but to its
own anchors); each site has the anchor ``site-<name>``, which the drift report links to.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

from harmonizer.health.model import AGE_BUCKETS, HealthReport, HealthStatus, SiteHealth
from harmonizer.render.common import visible
from harmonizer.render.html import STYLE

STATUS_COLORS = {HealthStatus.HEALTHY: "#d8f3dc", HealthStatus.FINDINGS: "#ffc9c9",
                 HealthStatus.UNREACHABLE: "#ff8787", HealthStatus.ERROR: "#ff8787"}


def totals(report: HealthReport) -> str:
    s = report.summary()
    parts = [f"{s['sites']} site(s)", f"{s['healthy']} healthy", f"{s['findings']} finding(s)"]
    broken = s["unreachable"] + s["error"]
    if broken:
        parts.append(f"{broken} not checked")
    return ", ".join(parts) + "."


def _n(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def _cron_line(site: SiteHealth) -> list[str]:
    out = []
    for cron in site.crons:
        if not cron.deployed:
            out.append(f"{cron.address}: not deployed")
            continue
        state = "active" if cron.active else "switched off"
        late = f", {cron.late_hours:g} h late" if cron.late_hours else ""
        flag = " OVERDUE" if cron.overdue else ""
        fails = f", failures {cron.failures}" if cron.failures is not None else ", failures not kept by this version"
        out.append(f"{cron.address}: {state}, every {cron.interval}, last {cron.lastcall or 'never'}, "
                   f"next {cron.nextcall or '-'}{late}{flag}{fails}")
    return out


def _automation_lines(site: SiteHealth) -> list[str]:
    out = []
    for auto in site.automations:
        if not auto.deployed:
            continue
        state = "active" if auto.active else "switched off"
        waiting = f", {auto.waiting} waiting ({auto.waiting_note})" if auto.waiting is not None else ""
        missing = f", missing actions: {', '.join(auto.missing_actions)}" if auto.missing_actions else ""
        out.append(f"{auto.address} [{auto.role}]: {state}{waiting}{missing}")
    return out


def _approval_line(site: SiteHealth) -> str:
    a = site.approvals
    buckets = ", ".join(f"{label} {count}" for label, count in a.by_age)
    who = ", ".join(f"{name} {count}" for name, count in a.by_approver) or "nobody"
    oldest = (f"; oldest {a.oldest.age_hours:g} h: {a.oldest.summary} ({a.oldest.model} {a.oldest.res_id})"
              if a.oldest else "")
    return f"{a.open} open ({buckets}); by approver: {who}{oldest}; escalations fired: {a.escalations}"


def _exception_line(site: SiteHealth) -> str:
    e = site.exceptions
    return (f"blocked draft orders {_n(e.blocked_orders)}, stock exceptions open {_n(e.stock_exceptions)}, "
            f"bills on hold {_n(e.invoices_on_hold)}" + (f" ({e.invoices_note})" if e.invoices_note else ""))


def render_health_text(report: HealthReport, *, color: bool = False) -> str:
    lines = [f"Health: {totals(report)}", ""]
    for site in report.sites:
        lines.append(f"{site.site}  {site.status.value}" + (f"  ({site.error})" if site.error else ""))
        if not site.checked:
            lines.append("")
            continue
        lines.append(f"  {site.template}@{site.template_version} · Odoo {site.odoo_version} · "
                     f"{site.company or 'whole database'} · {site.round_trips} round trips")
        for finding in site.findings:
            lines.append(f"  ! {finding.area}: {finding.subject}: {finding.message}")
        lines.append("  scheduled actions:")
        lines.extend(f"    {line}" for line in _cron_line(site) or ["(none declared)"])
        autos = _automation_lines(site)
        deployed = sum(1 for a in site.automations if a.deployed)
        lines.append(f"  automations: {deployed} of {len(site.automations)} deployed")
        lines.extend(f"    {line}" for line in autos)
        lines.append(f"  approvals: {_approval_line(site)}")
        events = ", ".join(f"{e.name.removeprefix('[Harmonizer] ')} {_n(e.count)}" for e in site.events)
        lines.append(f"  events (last {site.event_window_hours:g} h): {events or 'none declared'}")
        lines.append(f"  exceptions: {_exception_line(site)}")
        lines.append("")
    return "\n".join(visible(line) for line in lines).rstrip() + "\n"


def render_health_json(report: HealthReport, *, color: bool = False) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_health_markdown(report: HealthReport, *, color: bool = False) -> str:
    out = ["# Harmonizer health", "", totals(report), "",
           "| site | status | findings | overdue crons | open approvals | aged | blocked orders | stock exceptions |",
           "|---|---|---|---|---|---|---|---|"]
    for s in report.sites:
        if not s.checked:
            out.append(f"| {s.site} | {s.status.value} | {s.error or ''} | | | | | |")
            continue
        out.append(f"| {s.site} | {s.status.value} | {len(s.findings)} | {sum(c.overdue for c in s.crons)} | "
                   f"{s.approvals.open} | {s.approvals.aged} | {_n(s.exceptions.blocked_orders)} | "
                   f"{_n(s.exceptions.stock_exceptions)} |")
    for s in report.sites:
        if s.findings:
            out += ["", f"## {s.site}", ""] + [f"- **{f.area}** {f.subject}: {f.message}" for f in s.findings]
    return "\n".join(visible(line) for line in out) + "\n"


def _e(text: object) -> str:
    return escape(visible(str(text)))


def _badge(status: HealthStatus) -> str:
    return f'<span class="badge" style="background:{STATUS_COLORS[status]}">{_e(status.value)}</span>'


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _site_html(site: SiteHealth) -> str:
    head = f'<h2 id="site-{_e(site.site)}">{_e(site.site)} {_badge(site.status)}</h2>'
    if not site.checked:
        return head + f"<p>{_e(site.error or 'unknown reason')}</p>"
    parts = [head, f'<p class="muted">{_e(site.template)}@{_e(site.template_version)} · Odoo '
                   f"{_e(site.odoo_version)} · {_e(site.company or 'whole database')} · {_e(site.url)} · "
                   f"{site.round_trips} round trips</p>"]
    if site.findings:
        parts.append("<ul>" + "".join(f"<li><b>{_e(f.area)}</b> {_e(f.subject)}: {_e(f.message)}</li>"
                                      for f in site.findings) + "</ul>")
    crons = [[_e(c.address), _e("not deployed" if not c.deployed else ("active" if c.active else "off")),
              _e(c.interval or ""), _e(c.lastcall or ""), _e(c.nextcall or ""),
              _e(f"{c.late_hours:g} h" if c.late_hours else ""), _e("yes" if c.overdue else ""),
              _e(_n(c.failures)), _e(c.failure_source)] for c in site.crons]
    parts += ["<h3>Scheduled actions</h3>",
              _table(["cron", "state", "interval", "last run", "next run", "late", "overdue", "failures", "source"],
                     crons)]
    autos = [[_e(a.address), _e(a.role), _e(a.trigger), _e("active" if a.active else "off"),
              _e(", ".join(a.missing_actions)), _e(_n(a.waiting)), _e(a.waiting_note or "")]
             for a in site.automations if a.deployed]
    parts += [f"<h3>Automations ({len(autos)} of {len(site.automations)} deployed)</h3>",
              _table(["rule", "role", "trigger", "state", "missing actions", "waiting", "what waits"], autos)]
    a = site.approvals
    parts += ["<h3>Approvals</h3>",
              _table([label for label, _low, _high in AGE_BUCKETS] + ["open", "aged", "escalations fired"],
                     [[str(count) for _label, count in a.by_age] + [str(a.open), str(a.aged), str(a.escalations)]]),
              _table(["approver", "open"], [[_e(name), str(count)] for name, count in a.by_approver])]
    if a.oldest:
        parts.append(f"<p>Oldest: {_e(a.oldest.summary)} ({_e(a.oldest.model)} {a.oldest.res_id}), "
                     f"{a.oldest.age_hours:g} h, {_e(a.oldest.approver)}</p>")
    parts += [f"<h3>Events (last {site.event_window_hours:g} h)</h3>",
              _table(["rule", "model", "transitions", "counted by"],
                     [[_e(e.name), _e(e.model), _e(_n(e.count)), _e(e.basis)] for e in site.events])]
    e = site.exceptions
    rules = [[_e(r.rule), _e(_n(r.count)), _e(r.note or "")] for r in e.blocked_by_rule]
    parts += ["<h3>Exceptions</h3>", f"<p>{_e(_exception_line(site))}</p>",
              _table(["block rule", "draft orders above its threshold", "note"], rules)]
    return "\n".join(parts)


def render_health_html(report: HealthReport, *, color: bool = False) -> str:
    title = "Harmonizer health report"
    rows = [[f'<a href="#site-{_e(s.site)}">{_e(s.site)}</a>', _badge(s.status), str(len(s.findings)),
             str(sum(c.overdue for c in s.crons)), str(s.approvals.open), str(s.approvals.aged),
             _e(_n(s.exceptions.blocked_orders)), _e(_n(s.exceptions.stock_exceptions))] for s in report.sites]
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{title}</title>",
             f"<style>{STYLE}</style>", "</head>", "<body>", f"<h1>{title}</h1>",
             f'<p class="muted">{_e(totals(report))} Created {_e(report.created_at)} by harmonizer '
             f"{_e(report.harmonizer_version)}.</p>",
             _table(["site", "status", "findings", "overdue crons", "open approvals", "aged", "blocked orders",
                     "stock exceptions"], rows),
             *(_site_html(s) for s in report.sites), "</body>", "</html>"]
    return "\n".join(parts) + "\n"


HEALTH_RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_health_text, "json": render_health_json, "markdown": render_health_markdown,
    "html": render_health_html,
}


def render_health(report: HealthReport, fmt: str, *, color: bool = False) -> str:
    try:
        renderer = HEALTH_RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown health format {fmt!r}; formats: {', '.join(sorted(HEALTH_RENDERERS))}") from None
    return renderer(report, color=color)
