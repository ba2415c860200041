"""Date and datetime grouping of ``read_group`` / ``formatted_read_group`` (``date_order:week``).

What the stand-in models of Odoo's grouping by a date granularity (checked against Odoo's
source, not copied):

- Granularities ``day``, ``week``, ``month``, ``quarter``, ``year``; a date(time) field
  grouped without one is grouped by ``month``. Any other granularity is Odoo's ValueError
  ("Granularity specification isn't correct").
- A group's value is the start of its period. Datetimes are bucketed in the context's
  ``tz`` when it names a known zone (UTC otherwise), and the range is given back in UTC.
- Weeks: Odoo 17+ starts them on the user language's first day (``res.lang.week_start``:
  Sunday for en_US, the stand-in's only language); 16.0 truncates with PostgreSQL's
  ``date_trunc('week')`` (Monday).
- ``read_group`` shows a label (``W49 2026``, ``06 Dec 2026``, ``December 2026``,
  ``Q4 2026``, ``2026``), ``__range`` ``{spec: {"from", "to"}}`` and a ``__domain`` of
  ``['&', (field, '>=', from), (field, '<', to)]``; ``formatted_read_group`` (19.0) shows
  ``[from, label]`` and the same leaves in ``__extra_domain``. Week labels count weeks
  the way the language does: ISO weeks when weeks start on Monday, else week 1 is the
  week holding January 1st.
- Records without a value form one group (value False, ``__range`` False).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

GRANULARITIES = ("day", "week", "month", "quarter", "year")
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: First day of the week per language (0 Monday .. 6 Sunday); others start on Monday.
WEEK_START = {"en_US": 6}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class Bucket:
    """One period of a date grouping: its start (local, naive) and its bounds as stored."""

    start: dt.datetime
    range_from: str
    range_to: str
    label: str


def parse_spec(spec: str) -> tuple[str, str | None]:
    name, _, granularity = spec.partition(":")
    return name, granularity or None


def check_granularity(granularity: str | None) -> str:
    if granularity is None:
        return "month"
    if granularity not in GRANULARITIES:
        raise ValueError(f"Granularity specification isn't correct: {granularity!r}")
    return granularity


def bucket(value: Any, field_type: str, granularity: str, *, major: int, lang: str, tz: str | None) -> Bucket | None:
    """The period holding a stored date(time) value (None when the value is empty)."""
    if value in (None, False, ""):
        return None
    zone = _zone(tz) if field_type == "datetime" else None
    if field_type == "datetime":
        moment = dt.datetime.strptime(str(value)[:19], DATETIME_FORMAT)
        if zone is not None:
            moment = moment.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
    else:
        moment = dt.datetime.strptime(str(value)[:10], DATE_FORMAT)
    first_day = week_start_day(major, lang)
    start = _start(moment, granularity, first_day)
    end = _next(start, granularity)
    label = _label(start, granularity, first_day)
    if field_type == "datetime":
        return Bucket(start, _stored(start, zone), _stored(end, zone), label)
    return Bucket(start, start.strftime(DATE_FORMAT), end.strftime(DATE_FORMAT), label)


def week_start_day(major: int, lang: str) -> int:
    return 0 if major < 17 else WEEK_START.get(lang, 0)


def _zone(tz: str | None) -> ZoneInfo | None:
    if not tz:
        return None
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _stored(local: dt.datetime, zone: ZoneInfo | None) -> str:
    if zone is None:
        return local.strftime(DATETIME_FORMAT)
    return local.replace(tzinfo=zone).astimezone(dt.UTC).strftime(DATETIME_FORMAT)


def _start(moment: dt.datetime, granularity: str, first_day: int) -> dt.datetime:
    day = dt.datetime(moment.year, moment.month, moment.day)
    if granularity == "day":
        return day
    if granularity == "week":
        return day - dt.timedelta(days=(day.weekday() - first_day) % 7)
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def _next(start: dt.datetime, granularity: str) -> dt.datetime:
    if granularity == "day":
        return start + dt.timedelta(days=1)
    if granularity == "week":
        return start + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    index = start.month - 1 + months
    return start.replace(year=start.year + index // 12, month=index % 12 + 1)


def _label(start: dt.datetime, granularity: str, first_day: int) -> str:
    if granularity == "day":
        return f"{start.day:02d} {_MONTHS[start.month - 1][:3]} {start.year}"
    if granularity == "week":
        year, week = week_number(start.date(), first_day)
        return f"W{week} {year:04d}"
    if granularity == "month":
        return f"{_MONTHS[start.month - 1]} {start.year}"
    if granularity == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start.year}"


def week_number(day: dt.date, first_day: int) -> tuple[int, int]:
    """(year, week) of ``day``: ISO when weeks start on Monday, else week 1 holds January 1st."""
    if first_day == 0:
        iso = day.isocalendar()
        return iso.year, iso.week
    start = day - dt.timedelta(days=(day.weekday() - first_day) % 7)
    end = start + dt.timedelta(days=6)
    if end.year > start.year:
        return end.year, 1
    jan1 = dt.date(start.year, 1, 1)
    first = jan1 - dt.timedelta(days=(jan1.weekday() - first_day) % 7)
    return start.year, (start - first).days // 7 + 1
