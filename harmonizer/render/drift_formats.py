"""Drift renderers by format name: one function per format over the same ``DriftReport``.

Formats: ``text`` (terminal summary), ``json`` (the versioned contract, ``DriftReport.to_dict``),
``markdown`` (change tickets) and ``html`` (one self-contained page).
"""

from __future__ import annotations

from typing import Protocol

from harmonizer.drift.model import DriftReport
from harmonizer.render import jsontext
from harmonizer.render.drift_markdown import render_drift_markdown
from harmonizer.render.html import SiteLinks, render_drift_html


class DriftRenderer(Protocol):
    def __call__(self, report: DriftReport, *, color: bool = False, width: int | None = None) -> str: ...


def render_drift_text(report: DriftReport, *, color: bool = False, width: int | None = None) -> str:
    """``render.drift_text.render_drift_text``, imported when used (it needs rich)."""
    from harmonizer.render.drift_text import render_drift_text as render

    return render(report, color=color, width=width)


def render_drift_json(report: DriftReport, *, color: bool = False, width: int | None = None) -> str:
    return jsontext.dumps(report.to_dict(), ensure_ascii=False, end="\n")


DRIFT_RENDERERS: dict[str, DriftRenderer] = {
    "text": render_drift_text,
    "json": render_drift_json,
    "markdown": render_drift_markdown,
    "html": render_drift_html,
}


def render_drift(report: DriftReport, fmt: str, *, color: bool = False, width: int | None = None,
                 links: SiteLinks | None = None) -> str:
    """``links`` (HTML only): per site, its health and metrics pages."""
    try:
        renderer = DRIFT_RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown drift format {fmt!r}; formats: {', '.join(sorted(DRIFT_RENDERERS))}") from None
    if fmt == "html" and links:
        return render_drift_html(report, color=color, width=width, links=links)
    return renderer(report, color=color, width=width)
