"""A drift report's JSON form shares one dict between equal resource entries (written once by
``render.jsontext``): the text is still exactly ``json.dumps`` of the plain form, and entries
that differ in anything, or carry a waiver, exclusion or impact, are never shared."""

from __future__ import annotations

import json

from harmonizer.drift.model import DriftClass, DriftReport, FieldDrift, ResourceDrift, SiteDrift, SiteStatus, WaiverRef
from harmonizer.render.drift_formats import render_drift_json

FIELDS = (FieldDrift("value", "value", DriftClass.STANDARD, '"a"', '"a"', '"a"'),)


def _entry(record_id: int, when: str = "2026-01-01 00:00:00", **extra: object) -> ResourceDrift:
    return ResourceDrift(address="system_parameter.p", kind="system_parameter", area="parameters",
                         model="ir.config_parameter", cls=DriftClass.STANDARD, record_id=record_id, fields=FIELDS,
                         changed_by="Admin", changed_at=when, **extra)  # type: ignore[arg-type]


def _report() -> DriftReport:
    waiver = WaiverRef("ops", "known", "2030-01-01", False, "sites/a.yaml:3")
    sites = [SiteDrift("a", SiteStatus.CLEAN, resources=(_entry(4), _entry(5), _entry(4, waiver=waiver))),
             SiteDrift("b", SiteStatus.CLEAN, resources=(_entry(4), _entry(4, "2026-01-02 00:00:00"),
                                                         _entry(4, waiver=waiver)))]
    return DriftReport(tuple(sites), created_at="then")


def test_equal_entries_share_one_dict_and_only_they() -> None:
    data = _report().to_dict()
    a, b = (s["resources"] for s in data["sites"])
    assert a[0] is b[0]  # equal entries of two sites
    assert a[1] is not b[0] and b[1] is not a[0]  # another record, another date
    assert a[2] is not b[2] and a[2] == b[2]  # with a waiver: equal, never shared
    assert a[0]["fields"] is a[1]["fields"]  # one fields tuple, one list


def test_the_json_text_is_json_dumps_of_the_plain_form() -> None:
    report = _report()
    plain = json.loads(json.dumps(report.to_dict()))  # nothing shared any more
    assert render_drift_json(report) == json.dumps(plain, indent=2, ensure_ascii=False) + "\n"
