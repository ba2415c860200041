"""Grouping by a date granularity in the stand-in, as Odoo does it (``date_order:week``).

The week vectors are Odoo's own (its test of grouping by week per language): for en_US
weeks start on Sunday and week 1 holds January 1st; on 16.0 weeks start on Monday (ISO).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harmonizer.sandbox.service import SandboxServer

DB = "dates"
DATES = ["2022-01-01", "2022-01-02", "2022-01-03", "2022-05-27", "2022-05-28", "2022-05-29", "2022-05-30",
         "2022-06-18", "2022-06-19", "2022-06-20"]


def _server(tmp_path: Path, version: str) -> SandboxServer:
    server = SandboxServer(tmp_path / version, version)
    server.ensure_database(DB, fixture="minimal")
    with server.env(DB) as env:
        partner = env["res.partner"]._create({"name": "Grouped"})
        for day in DATES:
            env["mail.message"]._create({"message_type": "comment", "date": f"{day} 10:00:00", "model": "res.partner",
                                         "res_id": partner, "body": day})
    return server


@pytest.fixture(params=["16.0", "17.0", "19.0"])
def versioned(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, SandboxServer]]:
    server = _server(tmp_path, request.param)
    yield request.param, server
    server.close()


def _call(server: SandboxServer, model: str, method: str, *args: object, **kwargs: object) -> object:
    return server.dispatch("object", "execute_kw", [DB, 2, "admin", model, method, list(args), kwargs])


def test_weeks_start_on_the_languages_first_day(versioned: tuple[str, SandboxServer]) -> None:
    version, server = versioned
    groups = _call(server, "mail.message", "read_group", [("body", "!=", False)], ["date"], ["date:week"], lazy=False)
    counts = {g["date:week"]: g["__count"] for g in groups}
    if version == "16.0":  # ISO weeks, Monday first
        assert counts == {"W52 2021": 2, "W1 2022": 1, "W21 2022": 3, "W22 2022": 1, "W24 2022": 2, "W25 2022": 1}
        assert groups[0]["__range"]["date:week"] == {"from": "2021-12-27 00:00:00", "to": "2022-01-03 00:00:00"}
    else:  # en_US: Sunday first, week 1 holds January 1st
        assert counts == {"W1 2022": 1, "W2 2022": 2, "W22 2022": 2, "W23 2022": 2, "W25 2022": 1, "W26 2022": 2}
        assert groups[0]["__range"]["date:week"] == {"from": "2021-12-26 00:00:00", "to": "2022-01-02 00:00:00"}
    first = groups[0]
    assert first["__domain"][:3] == ["&", ["date", ">=", first["__range"]["date:week"]["from"]],
                                     ["date", "<", first["__range"]["date:week"]["to"]]]
    # the group's own domain finds exactly its records
    assert _call(server, "mail.message", "search_count", first["__domain"]) == first["__count"]


def test_other_granularities_and_the_default_month(versioned: tuple[str, SandboxServer]) -> None:
    _version, server = versioned
    months = _call(server, "mail.message", "read_group", [("body", "!=", False)], ["date"], ["date"], lazy=False)
    assert {g["date"]: g["__count"] for g in months} == {"January 2022": 3, "May 2022": 4, "June 2022": 3}
    days = _call(server, "mail.message", "read_group", [("body", "!=", False)], ["date"], ["date:day"], lazy=False)
    assert days[0]["date:day"] == "01 Jan 2022" and len(days) == len(DATES)
    quarters = _call(server, "mail.message", "read_group", [("body", "!=", False)], ["date"], ["date:quarter"],
                     lazy=False)
    assert [(g["date:quarter"], g["__count"]) for g in quarters] == [("Q1 2022", 3), ("Q2 2022", 7)]
    lazy = _call(server, "mail.message", "read_group", [("body", "!=", False)], ["date"], ["date:year"])
    assert lazy[0]["date:year"] == "2022" and lazy[0]["date_count"] == len(DATES)


def test_a_timezone_moves_datetimes_between_days(tmp_path: Path) -> None:
    server = _server(tmp_path, "17.0")
    try:
        utc = _call(server, "mail.message", "read_group", [("body", "=", "2022-01-02")], ["date"], ["date:day"],
                    lazy=False)
        tokyo = _call(server, "mail.message", "read_group", [("body", "=", "2022-01-02")], ["date"], ["date:day"],
                      lazy=False, context={"tz": "Pacific/Kiritimati"})
        assert utc[0]["date:day"] == "02 Jan 2022"
        assert tokyo[0]["date:day"] == "03 Jan 2022"  # 10:00 UTC is the next day at UTC+14
        assert tokyo[0]["__range"]["date:day"] == {"from": "2022-01-02 10:00:00", "to": "2022-01-03 10:00:00"}
    finally:
        server.close()


def test_formatted_read_group_gives_the_period_and_its_label(tmp_path: Path) -> None:
    server = _server(tmp_path, "19.0")
    try:
        rows = _call(server, "mail.message", "formatted_read_group", [("body", "!=", False)], ["date:week"],
                     ["__count"])
        assert rows[0]["date:week"] == ["2021-12-26 00:00:00", "W1 2022"]
        assert rows[0]["__extra_domain"] == ["&", ["date", ">=", "2021-12-26 00:00:00"],
                                            ["date", "<", "2022-01-02 00:00:00"]]
        assert sum(r["__count"] for r in rows) == len(DATES)
    finally:
        server.close()


def test_an_unknown_granularity_is_refused(tmp_path: Path) -> None:
    server = _server(tmp_path, "17.0")
    try:
        with pytest.raises(Exception, match="Granularity specification isn't correct"):
            _call(server, "mail.message", "read_group", [], ["date"], ["date:fortnight"])
    finally:
        server.close()
