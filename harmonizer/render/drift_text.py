"""The terminal summary of a drift report (rich tables; plain text when ``color`` is False).

Layout: one table of sites (status, template version, counts per class), one table of sites
× areas, then per site the sites that could not be checked with their reason, the failing
and waived findings (down to the field, with who and when) and the sanctioned variations.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from harmonizer.drift.model import DriftClass, DriftReport, SiteDrift, SiteStatus, area_title
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

CLASS_STYLES = {
    DriftClass.STANDARD: "green", DriftClass.SANCTIONED: "cyan", DriftClass.LOCAL: "blue",
    DriftClass.EXCLUDED: "bright_black", DriftClass.WAIVED: "magenta",
    DriftClass.DRIFT: "red", DriftClass.MISSING: "red", DriftClass.ORPHANED: "yellow",
}
STATUS_STYLES = {SiteStatus.CLEAN: "green", SiteStatus.DRIFT: "red", SiteStatus.UNREACHABLE: "red bold",
                 SiteStatus.ERROR: "red bold"}


def render_drift_text(report: DriftReport, *, color: bool = False, width: int | None = None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width or 200,
                      soft_wrap=True, highlight=False)
    console.print(Text(f"Drift report: {totals_sentence(report)}", style="bold"))
    if report.shard:
        console.print(f"Shard {report.shard} of the fleet.")
    console.print()
    console.print(_sites_table(report))
    console.print()
    console.print(_areas_table(report))
    for site in report.sites:
        lines = _site_lines(site)
        if lines:
            console.print()
            console.print(Text(f"{site.site}:", style="bold"))
            for style, line in lines:
                console.print(Text(f"  {line}", style=style))
    return buffer.getvalue()


def _table() -> Table:
    return Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)


def _sites_table(report: DriftReport) -> Table:
    table = _table()
    for column in ("site", "status", "template", *(c.value for c in DriftClass)):
        table.add_column(column, justify="right" if column in {c.value for c in DriftClass} else "left")
    for site in report.sites:
        table.add_row(site.site, Text(site.status.value, style=STATUS_STYLES[site.status]),
                      site_label(site) if site.checked else "-",
                      *(counts_row(site.counts()) if site.checked else ["-"] * len(DriftClass)))
    return table


def _areas_table(report: DriftReport) -> Table:
    table = _table()
    areas = report.areas()
    table.add_column("site")
    for area in areas:
        table.add_column(area_title(area))
    for site in report.sites:
        cells = []
        for area in areas:
            cell = area_cell(site, area)
            style = CLASS_STYLES[cell.cls] if cell.cls else ("red" if cell.status else "dim")
            cells.append(Text(cell.text, style=style))
        table.add_row(site.site, *cells)
    return table


def _site_lines(site: SiteDrift) -> list[tuple[str, str]]:
    if not site.checked:
        return [("red", f"{site.status.value}: {visible(site.error or 'unknown reason')}")]
    out = []
    for resource, field in site.findings():
        cls = field.cls if field is not None else resource.cls
        out.append((CLASS_STYLES[cls], f"{cls.value}: {finding_sentence(resource, field)}"))
    out.extend((CLASS_STYLES[DriftClass.SANCTIONED], f"sanctioned: {variation_sentence(r, f)}")
               for r, f in sanctioned(site))
    out.extend((CLASS_STYLES[r.cls], f"{r.cls.value}: {override_sentence(r)}") for r in site.overrides())
    return out
