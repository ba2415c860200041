"""Options of the impact preview (``harmonizer.plan.impact``), light enough for the façade
and the CLI to import at start-up."""

from __future__ import annotations

from dataclasses import dataclass

#: Default look-back window, in days.
DEFAULT_WINDOW_DAYS = 30
#: Default time budget of the counts of one site, in seconds.
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class ImpactOptions:
    """``enabled=False`` (``--no-impact``) skips every count."""

    enabled: bool = True
    window_days: int = DEFAULT_WINDOW_DAYS
    timeout: float = DEFAULT_TIMEOUT


def parse_window(text: str) -> int:
    """``"30d"``, ``"12w"``, ``"90"`` -> days; ValueError otherwise."""
    raw = text.strip().lower()
    factor = 7 if raw.endswith("w") else 1
    number = raw[:-1] if raw[-1:] in ("d", "w") else raw
    if not number.isdigit() or int(number) < 1:
        raise ValueError(f"{text!r} is not a window: write a number of days such as 30d or 90d (or weeks: 12w)")
    return int(number) * factor
