"""The words of an impact preview (``plan.model.Impact``), shared by every renderer.

``impact (last 30 days): would match 3 sale orders (was 1)``,
``impact (last 30 days): 2 purchase orders would need a second approval (was 0)``,
``impact (now): 8 sale orders would be due``; a missing figure says why (its note).
Counts only: an impact never carries a record name or value.
"""

from __future__ import annotations

from harmonizer.plan.model import Impact


def impact_label(impact: Impact) -> str:
    """``impact (last 30 days)`` or ``impact (now)``."""
    if impact.basis == "window" and impact.window_days:
        return f"impact (last {impact.window_days} days)"
    return "impact (now)"


def impact_phrase(impact: Impact) -> str:
    """What the figures say, without the label."""
    if impact.after is None:
        return impact.note or "not counted"
    count = f"{impact.after} {_noun(impact.noun, impact.after)}"
    text = f"{impact.verb} {count}" if impact.verb == "would match" else f"{count} {impact.verb}"
    if impact.before is not None:
        text += f" (was {impact.before})"
    if impact.note:
        text += f"; {impact.note}"
    return text


def _noun(plural: str, count: int) -> str:
    """``sale orders`` -> ``sale order`` for one record (``journal entries`` -> ``journal entry``)."""
    if count != 1:
        return plural
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    return plural[:-1] if plural.endswith("s") else plural


def impact_line(impact: Impact) -> str:
    return f"{impact_label(impact)}: {impact_phrase(impact)}"
