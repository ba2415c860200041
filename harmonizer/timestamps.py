"""Timestamps as harmonizer writes them in reports, plans, audit records and locks: UTC, to the
second, ``2026-12-06T09:13:33Z``."""

from __future__ import annotations

import datetime as dt


def utc_stamp(moment: dt.datetime | None = None) -> str:
    """``moment`` (naive values are taken as UTC; default: now) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    when = dt.datetime.now(dt.UTC) if moment is None else moment
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
