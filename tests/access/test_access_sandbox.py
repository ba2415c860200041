"""The access policy on the sandbox fleet: the shipped template's policy against the seeded people.

The sandbox seeds one deliberate conflict (warehouse-3: Tom Becker approves purchases and
receives goods), one unusable approver (warehouse-2's finance approver is a West user) and
accepted exceptions for the break-glass administrator at every site.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.drift import DriftClass, SiteStatus, run_drift
from harmonizer.plan.live import LiveReader
from harmonizer.project import Harmonizer
from tests.drift.conftest import copy_demo

REPO = Path(__file__).resolve().parents[2]
ENV = {"HARMONIZER_N8N_TOKEN": "access-test-token"}
TODAY = dt.date(2026, 12, 6)


def _copy(root: Path) -> Path:
    return copy_demo(root)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Harmonizer:
    return Harmonizer(_copy(tmp_path_factory.mktemp("access") / "project"), env=ENV)


def _access(report: object, site: str) -> dict[str, tuple[DriftClass, str]]:
    found = next(s for s in report.sites if s.site == site)  # type: ignore[attr-defined]
    return {r.address: (r.cls, r.note or "") for r in found.resources if r.area == "access"}


def test_fresh_sandbox_reports_the_seeded_conflict_missing_approver_and_accepted_exceptions(
        fleet: Harmonizer) -> None:
    report = run_drift(fleet, ["all"], today=TODAY)
    assert report.exit_code == 2
    east = _access(report, "warehouse-3")
    assert east["access_policy.purchase_approval_vs_goods_receipt@east.manager"][0] is DriftClass.DRIFT
    assert "Tom Becker" in east["access_policy.purchase_approval_vs_goods_receipt@east.manager"][1]
    central = _access(report, "warehouse-2")
    [missing] = [a for a, (cls, _n) in central.items() if cls is DriftClass.DRIFT]
    assert missing == "access_policy.required.finance_approver@west.accountant"
    assert "does not have this site's company" in central[missing][1]
    for site in ("warehouse-1", "warehouse-2", "warehouse-3"):
        mine = _access(report, site)
        assert mine["access_policy.vendor_master_vs_payment_release@admin"][0] is DriftClass.SANCTIONED
        assert mine["access_policy.purchase_approval_vs_goods_receipt@admin"][0] is DriftClass.SANCTIONED
    # the archived user holding every sensitive group is never reported; West has no access drift
    assert not any("east.former" in a for a in east)
    assert all(cls is DriftClass.SANCTIONED for cls, _n in _access(report, "warehouse-1").values())


def test_findings_name_the_rule_line_and_carry_no_personal_field_but_login_and_name(fleet: Harmonizer) -> None:
    plan = fleet.plan(["warehouse-3"])
    [site] = plan.sites
    [conflict] = [f for f in site.access if f.users == (("east.manager", "Tom Becker"),)]
    assert conflict.location == "site_templates/distribution-standard/access.yaml:31"
    data = json.dumps(plan.to_dict())
    assert '"login": "east.manager"' in data and "@example.com" not in data


def test_one_bulk_read_of_users_per_site(fleet: Harmonizer) -> None:
    desired = fleet.render("warehouse-3")
    with fleet.session("warehouse-3") as session:
        session.stats.reset()
        snap = LiveReader(session.reader(), "warehouse-3", session.version.major).snapshot(desired)
        users = {key: n for key, n in session.stats.calls.items() if key[0] == "res.users"}
        xmlid_reads = session.stats.count("ir.model.data", "search_read")
    assert users == {("res.users", "search_read"): 1}
    assert xmlid_reads == 1  # the policy's groups ride on the plan's one external-ID read
    assert snap.access is not None and len(snap.access.groups) == 5  # account_manager serves two roles


def test_plan_text_lists_findings_as_warnings_and_changes_nothing(fleet: Harmonizer) -> None:
    result = CliRunner().invoke(main, ["--project", str(fleet.root), "plan", "site=warehouse-3"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "Access policy (3 finding(s); plan and apply never remove access):" in result.output
    assert "[medium] east.manager (Tom Becker) holds purchase_approver + goods_receipt" in result.output
    assert "[accepted] admin (Mitchell Admin)" in result.output
    assert "user_groups" not in result.output  # nothing is enforced by the shipped template


def test_drift_outputs_have_the_access_area(fleet: Harmonizer, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "drift.json"
    result = runner.invoke(main, ["--project", str(fleet.root), "drift", "site=warehouse-3", "--format", "json",
                                  "--out", str(out)], env=ENV)
    assert result.exit_code == 2, result.output
    site = json.loads(out.read_text())["sites"][0]
    assert site["areas"]["access"]["drift"] == 1 and site["areas"]["access"]["sanctioned"] == 2
    html = tmp_path / "drift.html"
    runner.invoke(main, ["--project", str(fleet.root), "drift", "site=all", "--format", "html", "--out", str(html)],
                  env=ENV)
    page = html.read_text()
    assert ">access<" in page and "east.manager" in page
    md = runner.invoke(main, ["--project", str(fleet.root), "drift", "site=warehouse-2", "--format", "markdown"],
                       env=ENV)
    assert "access" in md.output and "west.accountant" in md.output


def test_an_exception_past_its_expiry_is_drift_again(tmp_path: Path) -> None:
    app = Harmonizer(_copy(tmp_path / "project"), env=ENV)
    report = run_drift(app, ["warehouse-1"], today=dt.date(2027, 7, 1))
    west = _access(report, "warehouse-1")
    cls, note = west["access_policy.vendor_master_vs_payment_release@admin"]
    assert cls is DriftClass.DRIFT and "exception expired on 2027-06-30" in note
    assert report.sites[0].status is SiteStatus.DRIFT


def test_resolving_the_conflict_in_odoo_clears_the_finding(tmp_path: Path) -> None:
    app = Harmonizer(_copy(tmp_path / "project"), env=ENV)
    with app.session("warehouse-3") as session:
        writer = session.writer()
        [user] = writer.search_read("res.users", [("login", "=", "east.manager")], ["id"])
        [group] = writer.search_read("ir.model.data", [("module", "=", "stock"), ("name", "=", "group_stock_user")],
                                     ["res_id"])
        writer.write("res.users", [user["id"]], {"groups_id": [(3, group["res_id"])]})
    [site] = app.plan(["warehouse-3"]).sites
    assert [f.status for f in site.access] == ["sanctioned", "sanctioned"]
