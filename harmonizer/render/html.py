"""A drift report as one self-contained HTML page (``drift --format html --out FILE``).

Rules:
- One file, no external asset of any kind (no script, font, stylesheet or image link): the
  style sheet is inline and there is no JavaScript at all; per-site details fold with
  ``<details>``. It opens offline and from a CI artifact store.
- Every text from the report is HTML-escaped (``html.escape``) after ``visible``; values
  are the report's display texts, already redacted, so no secret can reach the page.
- Content: totals, counts per class, a sites × areas heatmap (cell colour = worst class),
  and per site its resources down to the field with standard / site / live values.
- ``links`` (optional): per site, relative links to its section of the health and metrics
  pages (``harmonizer health``/``metrics --format html``), the only links out of the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from harmonizer.drift.model import (
    DriftClass,
    DriftReport,
    FieldDrift,
    ResourceDrift,
    SiteDrift,
    SiteStatus,
    area_title,
)
from harmonizer.render.common import visible
from harmonizer.render.drift_common import (
    CLASS_LABELS,
    area_cell,
    override_sentence,
    site_label,
    totals_sentence,
    waiver_text,
    who_when,
)
from harmonizer.render.impact import impact_line

COLORS = {
    DriftClass.STANDARD: "#d8f3dc", DriftClass.SANCTIONED: "#d0e8ff", DriftClass.LOCAL: "#c5f6fa",
    DriftClass.EXCLUDED: "#e9ecef", DriftClass.WAIVED: "#eadcf8",
    DriftClass.DRIFT: "#ffc9c9", DriftClass.MISSING: "#ffb3b3", DriftClass.ORPHANED: "#ffe8a3",
}
UNCHECKED_COLOR = "#ff8787"

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px} h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:8px 0} th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;
vertical-align:top} th{background:#f6f8fa} td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#656d76} .cell{min-width:110px} pre{margin:0;white-space:pre-wrap;word-break:break-word;
font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace} summary{cursor:pointer;font-weight:600}
.badge{display:inline-block;padding:1px 6px;border-radius:8px;font-size:12px}
.legend span{margin-right:10px}
"""


#: Per site, links to other reports of it: (label, href), e.g. ("health", "health.html#site-warehouse-1").
SiteLinks = Mapping[str, Sequence[tuple[str, str]]]


def render_drift_html(report: DriftReport, *, color: bool = False, width: int | None = None,
                      links: SiteLinks | None = None) -> str:
    """``links``: per site, its health and metrics pages (shown in the heatmap and the site's header)."""
    links = links or {}
    title = "Harmonizer drift report"
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>{title}</h1>",
        f'<p class="muted">{_e(totals_sentence(report))} Created {_e(report.created_at or "-")} by harmonizer '
        f'{_e(report.harmonizer_version or "-")}{_e(f", shard {report.shard}") if report.shard else ""}.</p>',
        _legend(), _counts(report), _heatmap(report, links),
        "<h2>Sites</h2>", *(_site(site, links.get(site.site, ())) for site in report.sites), "</body>", "</html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: str) -> str:
    return escape(visible(text))


def _badge(cls: DriftClass | None, text: str) -> str:
    background = COLORS[cls] if cls is not None else UNCHECKED_COLOR
    return f'<span class="badge" style="background:{background}">{_e(text)}</span>'


def _legend() -> str:
    items = "".join(f"<span>{_badge(c, CLASS_LABELS[c])}</span>" for c in DriftClass)
    return f'<p class="legend">{items}</p>'


def _counts(report: DriftReport) -> str:
    counts = report.counts()
    head = "".join(f"<th>{_e(c.value)}</th>" for c in DriftClass)
    cells = "".join(f'<td class="n" style="background:{COLORS[c]}">{counts.get(c, 0)}</td>' for c in DriftClass)
    return (f"<h2>Resources per class</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody><tr>{cells}</tr></tbody></table>")


def _links(links: Sequence[tuple[str, str]]) -> str:
    return " ".join(f'<a href="{escape(href)}">{_e(label)}</a>' for label, href in links)


def _heatmap(report: DriftReport, links: SiteLinks) -> str:
    areas = report.areas()
    head = ("<th>site</th><th>status</th>" + "".join(f"<th>{_e(area_title(a))}</th>" for a in areas)
            + ("<th>reports</th>" if links else ""))
    rows = []
    for site in report.sites:
        cells = []
        for area in areas:
            cell = area_cell(site, area)
            background = COLORS[cell.cls] if cell.cls else (UNCHECKED_COLOR if cell.status else "#ffffff")
            cells.append(f'<td class="cell" style="background:{background}">{_e(cell.text)}</td>')
        extra = f"<td>{_links(links.get(site.site, ()))}</td>" if links else ""
        rows.append(f'<tr><th><a href="#site-{_e(site.site)}">{_e(site.site)}</a></th>'
                    f"<td>{_status_badge(site)}</td>{''.join(cells)}{extra}</tr>")
    return (f"<h2>Sites × areas</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _status_badge(site: SiteDrift) -> str:
    if not site.checked:
        return _badge(None, site.status.value)
    return _badge(DriftClass.DRIFT if site.status is SiteStatus.DRIFT else DriftClass.STANDARD, site.status.value)


def _site(site: SiteDrift, links: Sequence[tuple[str, str]] = ()) -> str:
    anchor = f'id="site-{_e(site.site)}"'
    also = f'<p class="muted">See also: {_links(links)}</p>' if links else ""
    if not site.checked:
        return (f"<h3 {anchor}>{_e(site.site)} {_badge(None, site.status.value)}</h3>"
                f"<p>{_e(site.error or 'unknown reason')}</p>{also}")
    counts = site.counts()
    summary = ", ".join(f"{counts[c]} {c.value}" for c in DriftClass if counts.get(c))
    header = (f"<h3 {anchor}>{_e(site.site)} {_status_badge(site)}</h3>"
              f'<p class="muted">{_e(site_label(site))} · {_e(site.url)} · database {_e(site.database)} · '
              f"Odoo {_e(site.odoo_version)} · {_e(summary or 'nothing managed')}</p>")
    body = "".join(_resource(r) for r in site.resources)
    return header + also + (f'<details{" open" if site.status is SiteStatus.DRIFT else ""}><summary>'
                            f"{len(site.resources)} resource(s)</summary>{body}</details>")


def _resource(resource: ResourceDrift) -> str:
    meta = [x for x in (resource.model + (f" #{resource.record_id}" if resource.record_id else ""),
                        who_when(resource), resource.note or "", waiver_text(resource, None),
                        override_sentence(resource) if resource.exclusion or resource.source else "") if x]
    if resource.impact is not None:
        meta.append(impact_line(resource.impact))
    rows = "".join(_field_row(resource, f) for f in resource.fields)
    return (f"<h4>{_badge(resource.cls, resource.cls.value)} {_e(resource.address)} "
            f'<span class="muted">{_e(" · ".join(meta))}</span></h4>'
            "<table><thead><tr><th>field</th><th>class</th><th>standard</th><th>site</th><th>live</th>"
            f"<th>note</th></tr></thead><tbody>{rows}</tbody></table>")


def _field_row(resource: ResourceDrift, field: FieldDrift) -> str:
    note = []
    if field.variables:
        note.append(f"variable {', '.join(field.variables)}")
    if field.waiver is not None:
        note.append(waiver_text(resource, field))
    values = "".join(f"<td><pre>{_e(v)}</pre></td>" for v in (field.standard, field.site, field.live))
    return (f'<tr><td>{_e(field.key)}</td><td style="background:{COLORS[field.cls]}">{_e(field.cls.value)}</td>'
            f"{values}<td>{_e('; '.join(note))}</td></tr>")
