"""What every drift renderer shows, decided once: cells, finding sentences, site labels.

Rules kept here so text, Markdown and HTML cannot disagree:
- A sites × areas cell shows the worst class of the area's resources and how many have it
  out of the area's total (``drift 1/4``); an area a site does not manage is ``-``.
- A site that could not be checked shows its status (``unreachable``/``error``) in every
  cell and its reason once.
- Values are the report's display texts (already redacted) passed through ``visible``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from harmonizer.drift.model import DriftClass, DriftReport, FieldDrift, ResourceDrift, SiteDrift, worst
from harmonizer.render.common import visible

#: Resources of the drift report that are access policy findings (``harmonizer.drift.classify``).
ACCESS_KIND = "access_policy"

CLASS_LABELS = {
    DriftClass.STANDARD: "standard",
    DriftClass.SANCTIONED: "sanctioned variation",
    DriftClass.LOCAL: "local (site-only)",
    DriftClass.EXCLUDED: "excluded",
    DriftClass.WAIVED: "waived",
    DriftClass.DRIFT: "unmanaged drift",
    DriftClass.MISSING: "missing",
    DriftClass.ORPHANED: "orphaned",
}


@dataclass(frozen=True)
class Cell:
    """One sites × areas cell: ``cls`` None for an empty area or an unchecked site."""

    text: str
    cls: DriftClass | None
    status: str | None = None


def area_cell(site: SiteDrift, area: str) -> Cell:
    if not site.checked:
        return Cell(site.status.value, None, site.status.value)
    counts = site.area_counts().get(area)
    if not counts:
        return Cell("-", None)
    top = worst(list(counts))
    return Cell(f"{top.value} {counts[top]}/{sum(counts.values())}", top)


def site_label(site: SiteDrift) -> str:
    if not site.template:
        return site.site
    return f"{site.template}@{site.template_version}" if site.template_version else site.template


def counts_row(counts: Counter[DriftClass]) -> list[str]:
    return [str(counts.get(c, 0)) for c in DriftClass]


def who_when(resource: ResourceDrift) -> str:
    parts = []
    if resource.changed_by:
        parts.append(f"by {visible(resource.changed_by)}")
    if resource.changed_at:
        parts.append(f"at {visible(resource.changed_at)}")
    return " ".join(parts)


def waiver_text(resource: ResourceDrift, field: FieldDrift | None) -> str:
    waiver = field.waiver if field is not None else resource.waiver
    if waiver is None:
        return ""
    state = f"expired {waiver.expires}" if waiver.expired else f"until {waiver.expires}"
    label = "exception" if resource.kind == ACCESS_KIND else "waiver"
    return f"{label} by {visible(waiver.owner)} {state}: {visible(waiver.reason)}"


def finding_sentence(resource: ResourceDrift, field: FieldDrift | None) -> str:
    """One line: what is wrong (or waived), with the values and who/when."""
    if resource.kind == ACCESS_KIND:  # an access finding says it all in its note
        extra = waiver_text(resource, None)
        return f"{resource.address}: {visible(resource.note or '')}" + (f" ({extra})" if extra else "")
    if field is None:
        what = CLASS_LABELS[resource.cls] if resource.cls is not DriftClass.WAIVED else "waived"
        text = f"{resource.address}: {what}"
        if resource.note:
            text += f" ({visible(resource.note)})"
    else:
        text = (f"{resource.address} {field.key}: should be {one_line(field.site)}, "
                f"is {one_line(field.live)}")
    extra = [x for x in (who_when(resource) if field is not None or resource.cls is not DriftClass.MISSING else "",
                         waiver_text(resource, field), exclusion_text(resource) if field is None else "") if x]
    return text + (f" ({'; '.join(extra)})" if extra else "")


def override_sentence(resource: ResourceDrift) -> str:
    """An excluded resource with its owner, reason and expiry, or a local one with its file."""
    if resource.cls is DriftClass.LOCAL:
        return f"{resource.address}: declared by this site only ({visible(resource.source or '?')})"
    ref = resource.exclusion
    if ref is None:
        return resource.address
    until = f", until {visible(ref.expires)}" if ref.expires else ""
    kept = f"; record #{resource.record_id} kept" if resource.record_id is not None else ""
    return (f"{resource.address}: excluded by {visible(ref.owner)}{until}: {visible(ref.reason)} "
            f"({visible(ref.location)}{kept})")


def exclusion_text(resource: ResourceDrift) -> str:
    """An expired exclusion behind a drift finding (empty otherwise)."""
    ref = resource.exclusion
    if ref is None or not ref.expired:
        return ""
    return f"exclusion by {visible(ref.owner)} expired {visible(ref.expires)}: {visible(ref.reason)}"


def sanctioned(site: SiteDrift) -> list[tuple[ResourceDrift, FieldDrift]]:
    return [(r, f) for r in site.resources for f in r.fields if f.cls is DriftClass.SANCTIONED]


def variation_sentence(resource: ResourceDrift, field: FieldDrift) -> str:
    if resource.kind == ACCESS_KIND:
        return finding_sentence(resource, field)
    via = f" via {', '.join(field.variables)}" if field.variables else ""
    return (f"{resource.address} {field.key}: {one_line(field.site)} (standard {one_line(field.standard)}"
            f"{via})")


def one_line(text: str, limit: int = 80) -> str:
    """A value on one line for tables and sentences: newlines shown as ⏎, long text cut."""
    flat = visible(text).replace("\n", " ⏎ ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def totals_sentence(report: DriftReport) -> str:
    checked = [s for s in report.sites if s.checked]
    failing = [s for s in checked if s.status.value == "drift"]
    unchecked = len(report.sites) - len(checked)
    text = f"{len(report.sites)} site(s): {len(checked) - len(failing)} clean, {len(failing)} with drift"
    if unchecked:
        text += f", {unchecked} not checked"
    return text + "."
