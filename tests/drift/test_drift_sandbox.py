"""Drift on the sandbox fleet: hand edits are unmanaged drift with who/when, overrides are
sanctioned variation, waivers hide drift until they expire, unreachable sites are errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from harmonizer.drift import DriftClass, DriftReport, SiteStatus, run_drift
from harmonizer.drift.model import FieldDrift, ResourceDrift
from harmonizer.project import Harmonizer

from .conftest import converge, make_app, make_orphan, review_access

ESCALATION = "scheduled_action.escalate_overdue_approvals"
APPROVALS = "company_settings.purchase_approval"


def _resource(report: DriftReport, site: str, address: str) -> ResourceDrift:
    found = next(s for s in report.sites if s.site == site)
    return next(r for r in found.resources if r.address == address)


def _field(report: DriftReport, site: str, address: str, key: str) -> FieldDrift:
    return next(f for f in _resource(report, site, address).fields if f.key == key)


def _edit_by_hand(app: Harmonizer, site: str, xmlid: str, values: dict[str, object]) -> tuple[str, str]:
    """Write through the stand-in's RPC like a person would; returns (user name, write_date)."""
    with app.session(site) as session:
        writer = session.writer()
        module, _, name = xmlid.partition(".")
        row = writer.search_read("ir.model.data", [("module", "=", module), ("name", "=", name)],
                                 ["model", "res_id"])[0]
        writer.write(row["model"], [row["res_id"]], values)
        user = writer.search_read("res.users", [("id", "=", session.uid)], ["name"])[0]["name"]
        written = writer.search_read(row["model"], [("id", "=", row["res_id"])], ["write_date"])[0]
        return str(user), str(written["write_date"])


@pytest.fixture
def fleet(demo: Path) -> Harmonizer:
    app = make_app(demo)
    converge(app, "warehouse-1", "warehouse-3")
    review_access(app)
    return app


def test_converged_sites_are_clean_and_overrides_are_sanctioned(fleet: Harmonizer) -> None:
    report = run_drift(fleet, ["warehouse-1,warehouse-3"])
    assert [s.status for s in report.sites] == [SiteStatus.CLEAN, SiteStatus.CLEAN]
    assert report.exit_code == 0
    amount = _field(report, "warehouse-1", APPROVALS, "po_double_validation_amount")
    assert amount.cls is DriftClass.SANCTIONED
    assert amount.variables == ("po_approval_amount",)
    assert (amount.standard, amount.site, amount.live) == ("5000", "7500", "7500")
    assert _resource(report, "warehouse-1", APPROVALS).cls is DriftClass.SANCTIONED
    # a field the site does not vary is standard
    assert _field(report, "warehouse-1", APPROVALS, "po_lock").cls is DriftClass.STANDARD


def test_hand_edit_is_unmanaged_drift_with_who_and_when(fleet: Harmonizer) -> None:
    who, when = _edit_by_hand(fleet, "warehouse-3", f"__harmonizer__.{ESCALATION.replace('.', '__')}",
                              {"interval_number": 9})
    checked = run_drift(fleet, ["warehouse-1,warehouse-3"])
    assert checked.exit_code == 2
    field = _field(checked, "warehouse-3", ESCALATION, "interval_number")
    assert (field.cls, field.site, field.live) == (DriftClass.DRIFT, "4", "9")
    resource = _resource(checked, "warehouse-3", ESCALATION)
    assert resource.cls is DriftClass.DRIFT
    assert (resource.changed_by, resource.changed_at) == (who, when)
    warehouse_1 = _field(checked, "warehouse-1", APPROVALS, "po_double_validation_amount")
    assert warehouse_1.cls is DriftClass.SANCTIONED
    assert next(s for s in checked.sites if s.site == "warehouse-1").status is SiteStatus.CLEAN


def _waive(root: Path, expires: str) -> None:
    site = root / "sites" / "warehouse-3.yaml"
    # the site's access exceptions are renewed as far, so only the waiver's expiry matters here
    text = site.read_text().replace("expires: 2027-06-30", f"expires: {expires}")
    site.write_text(text + "waivers:\n  - address: " + ESCALATION + "\n    field: interval_number\n"
                    "    owner: ops@example.com\n    reason: Peak season\n    expires: " + expires + "\n")


def test_valid_waiver_hides_drift_until_it_expires(fleet: Harmonizer) -> None:
    _edit_by_hand(fleet, "warehouse-3", f"__harmonizer__.{ESCALATION.replace('.', '__')}", {"interval_number": 9})
    _waive(fleet.root, "2031-01-31")
    app = make_app(fleet.root)
    valid = run_drift(app, ["warehouse-3"], today=dt.date(2031, 1, 31))
    field = _field(valid, "warehouse-3", ESCALATION, "interval_number")
    assert field.cls is DriftClass.WAIVED
    assert field.waiver is not None and not field.waiver.expired and field.waiver.owner == "ops@example.com"
    assert valid.sites[0].status is SiteStatus.CLEAN and valid.exit_code == 0
    expired = run_drift(app, ["warehouse-3"], today=dt.date(2031, 2, 1))
    field = _field(expired, "warehouse-3", ESCALATION, "interval_number")
    assert field.cls is DriftClass.DRIFT
    assert field.waiver is not None and field.waiver.expired
    assert expired.exit_code == 2


def test_missing_orphaned_and_drift(fleet: Harmonizer) -> None:
    app = fleet
    make_orphan(app, "warehouse-3")
    _edit_by_hand(app, "warehouse-3", f"__harmonizer__.{ESCALATION.replace('.', '__')}", {"interval_number": 9})
    report = run_drift(app, ["warehouse-3"])
    classes = {r.address: r.cls for r in report.sites[0].resources}
    orphan = next(r for r in report.sites[0].resources if r.address == "system_parameter.legacy_edi_gateway")
    assert orphan.cls is DriftClass.ORPHANED and orphan.note == "no template declares it any more"
    assert classes[ESCALATION] is DriftClass.DRIFT
    assert classes[APPROVALS] is not DriftClass.DRIFT
    assert report.exit_code == 2
    never_applied = run_drift(app, ["warehouse-2"])
    assert DriftClass.MISSING in {r.cls for r in never_applied.sites[0].resources}
    assert never_applied.exit_code == 2


def test_unreachable_site_is_an_error_and_does_not_stop_the_others(fleet: Harmonizer) -> None:
    (fleet.root / "sites" / "offline.yaml").write_text(
        "template: distribution-standard\nodoo:\n  url: http://127.0.0.1:9\n  database: x\n  login: bot\n"
        "  password_env: OFFLINE_PASSWORD\n  timeout: 2\nscope:\n  company: Nowhere\n  warehouse: WH9\n")
    app = Harmonizer(fleet.root, env={"OFFLINE_PASSWORD": "x", **fleet.env})
    report = run_drift(app, ["all"], concurrency=4)
    offline = next(s for s in report.sites if s.site == "offline")
    assert offline.status is SiteStatus.UNREACHABLE and offline.error
    assert next(s for s in report.sites if s.site == "warehouse-1").status is SiteStatus.CLEAN
    assert report.exit_code == 1


def test_parallel_and_serial_runs_agree(fleet: Harmonizer) -> None:
    serial = run_drift(fleet, ["all"], concurrency=1).to_dict()
    parallel = run_drift(fleet, ["all"], concurrency=3).to_dict()
    for data in (serial, parallel):
        data.pop("created_at")
        for site in data["sites"]:
            site.pop("round_trips")
    assert serial == parallel
    assert [s["site"] for s in serial["sites"]] == ["warehouse-1", "warehouse-2", "warehouse-3", "warehouse-4"]


def test_secret_never_reaches_any_output(fleet: Harmonizer) -> None:
    from harmonizer.render.drift_formats import DRIFT_RENDERERS

    _edit_by_hand(fleet, "warehouse-3", "__harmonizer__.server_action__emit_order_approved",
                  {"webhook_url": "https://n8n.example/x?token=leaked-by-hand"})
    report = run_drift(fleet, ["all"])
    field = _field(report, "warehouse-3", "server_action.emit_order_approved", "webhook_url")
    assert field.cls is DriftClass.DRIFT and field.secret
    for fmt, renderer in DRIFT_RENDERERS.items():
        text = renderer(report)
        assert "s3cr3t-n8n-token" not in text, fmt
        assert "leaked-by-hand" not in text, fmt
