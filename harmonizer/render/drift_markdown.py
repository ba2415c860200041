"""A drift report as Markdown, for pasting into a change ticket.

Same content as the terminal summary: a sites table with counts per class, a sites × areas
table, then per site its findings (failing and waived, down to the field) and sanctioned
variations. Table cells escape ``|`` and never hold a newline.
"""

from __future__ import annotations

from harmonizer.drift.model import DriftClass, DriftReport, SiteDrift, area_title
from harmonizer.render.common import visible
from harmonizer.render.drift_common import (
    area_cell,
    counts_row,
    finding_sentence,
    override_sentence,
    sanctioned,
    site_label,
    totals_sentence,
    variation_sentence,
)


def _cell(text: str) -> str:
    return visible(text).replace("|", "\\|").replace("\n", " ")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def render_drift_markdown(report: DriftReport, *, color: bool = False, width: int | None = None) -> str:
    lines = ["## Drift report", "", totals_sentence(report)]
    if report.shard:
        lines += ["", f"Shard {report.shard} of the fleet."]
    header = ["site", "status", "template", *(c.value for c in DriftClass)]
    lines += ["", _row(header), _row(["---"] * len(header))]
    for site in report.sites:
        counts = counts_row(site.counts()) if site.checked else ["-"] * len(DriftClass)
        lines.append(_row([site.site, site.status.value, site_label(site) if site.checked else "-", *counts]))
    areas = report.areas()
    if areas:
        lines += ["", "### By area", "", _row(["site", *(area_title(a) for a in areas)]),
                  _row(["---"] * (len(areas) + 1))]
        for site in report.sites:
            lines.append(_row([site.site, *(area_cell(site, a).text for a in areas)]))
    for site in report.sites:
        items = _site_items(site)
        if items:
            lines += ["", f"### {_cell(site.site)}", "", *items]
    return "\n".join(lines) + "\n"


def _site_items(site: SiteDrift) -> list[str]:
    if not site.checked:
        return [f"- **{site.status.value}**: {_cell(site.error or 'unknown reason')}"]
    out = []
    for resource, field in site.findings():
        cls = field.cls if field is not None else resource.cls
        out.append(f"- **{cls.value}**: {_cell(finding_sentence(resource, field))}")
    out.extend(f"- sanctioned: {_cell(variation_sentence(r, f))}" for r, f in sanctioned(site))
    out.extend(f"- *{r.cls.value}*: {_cell(override_sentence(r))}" for r in site.overrides())
    return out
