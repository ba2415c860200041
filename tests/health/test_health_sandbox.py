"""``harmonizer health`` on the stand-in with the seeded operational history (sandbox.yaml)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.health import HealthReport, HealthStatus, run_health
from harmonizer.health.notify import summary_payload
from harmonizer.project import Harmonizer
from harmonizer.render.health_formats import render_health

from .conftest import TOKEN, copy_demo, make_app, set_variable


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Harmonizer:
    return make_app(copy_demo(tmp_path_factory.mktemp("health") / "project"))


@pytest.fixture(scope="module")
def report(fleet: Harmonizer) -> HealthReport:
    return run_health(fleet, ["all"])


def _site(report: HealthReport, name: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.sites if s.site == name)


def test_the_seeded_overdue_cron_aged_approvals_and_blocked_orders_are_findings(report: HealthReport) -> None:
    assert report.exit_code == 2
    east = _site(report, "warehouse-3")
    assert east.status is HealthStatus.FINDINGS
    [cron] = east.crons
    # seeded: next run 30 h ago, the interval was changed to 12 h by hand after the apply
    assert cron.deployed and cron.active and cron.overdue and cron.interval == "12 hours"
    assert 29.5 < (cron.late_hours or 0) < 31
    assert cron.failures is None and "not kept by Odoo 17.0" in cron.failure_source
    areas = {(f.area, f.subject) for f in east.findings}
    assert ("crons", "scheduled_action.escalate_overdue_approvals") in areas
    assert ("approvals", "approvals") in areas and ("exceptions", "blocked orders") in areas
    # east's approvals age after 12 h (its approval_escalation_hours); one open for 80 h
    assert east.thresholds["approval_max_age_hours"] == 12
    assert east.approvals.open == 1 and east.approvals.aged == 1
    assert dict(east.approvals.by_age) == {"< 1 day": 0, "1-3 days": 0, "3-7 days": 1, "> 7 days": 0}
    assert east.exceptions.blocked_orders == 1  # a 12 % discount, above east's 10 %
    assert east.exceptions.stock_exceptions == 1
    assert all(a.deployed and a.active and not a.missing_actions for a in east.automations)

    west = _site(report, "warehouse-1")
    assert west.status is HealthStatus.FINDINGS
    assert dict(west.approvals.by_age) == {"< 1 day": 1, "1-3 days": 1, "3-7 days": 1, "> 7 days": 1}
    assert west.approvals.aged == 3 and west.approvals.oldest is not None
    assert 199 < west.approvals.oldest.age_hours < 201
    assert dict(west.approvals.by_approver) == {"Mitchell Admin": 4}
    assert west.approvals.escalations == 1  # of two escalations, one fell inside the last 7 days
    assert west.exceptions.blocked_orders == 2
    # nothing is deployed at warehouse-1 yet: its crons and rules are listed, not findings
    assert not any(c.deployed for c in west.crons) and not any(a.deployed for a in west.automations)
    assert {f.area for f in west.findings} == {"approvals", "exceptions"}


def test_a_healthy_site_exits_0(fleet: Harmonizer, report: HealthReport) -> None:
    central = _site(report, "warehouse-2")
    assert central.status is HealthStatus.HEALTHY and central.findings == ()
    # the other company of the shared database is not counted here
    assert central.approvals.open == 0 and central.exceptions.blocked_orders == 0
    result = CliRunner().invoke(main, ["--project", str(fleet.root), "health", "site=warehouse-2", "--no-progress"],
                                env={"HARMONIZER_N8N_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert "warehouse-2  healthy" in result.output


def test_cli_exit_2_and_formats(fleet: Harmonizer, tmp_path: Path) -> None:
    runner = CliRunner()
    root = ["--project", str(fleet.root)]
    env = {"HARMONIZER_N8N_TOKEN": TOKEN}
    text = runner.invoke(main, [*root, "health", "site=all", "--no-progress"], env=env)
    assert text.exit_code == 2, text.output
    assert "OVERDUE" in text.output and "3 approval(s) open longer than 24 h" in text.output
    data = json.loads(runner.invoke(main, [*root, "health", "--format", "json", "--no-progress"], env=env).output)
    assert (data["format_version"], data["kind"], data["exit_code"]) == (1, "harmonizer-health", 2)
    # warehouse-2 and warehouse-4 (never applied, no history of their own) are healthy
    assert data["summary"] == {"sites": 4, "healthy": 2, "findings": 6, "unreachable": 0, "error": 0}
    page = tmp_path / "health.html"
    written = runner.invoke(main, [*root, "health", "--format", "html", "--out", str(page), "--no-progress"], env=env)
    assert written.exit_code == 2
    html = page.read_text()
    assert 'id="site-warehouse-3"' in html and "overdue" in html
    for external in (r"<script", r"<link", r"\bsrc=", r"@import", r"url\(", r'href="(?!#)'):
        assert not re.search(external, html), external
    refused = runner.invoke(main, [*root, "health", "--format", "html", "--no-progress"], env=env)
    assert refused.exit_code != 0 and "--out" in refused.output


def test_markdown_and_notify_payload_hold_no_record_values(report: HealthReport) -> None:
    markdown = render_health(report, "markdown")
    assert "| warehouse-3 | findings | 4 | 1 | 1 | 1 | 1 | 1 |" in markdown
    payload = summary_payload(report)
    assert payload["kind"] == "harmonizer-health-summary" and payload["exit_code"] == 2
    east = next(s for s in payload["sites"] if s["site"] == "warehouse-3")
    assert east["overdue_crons"] == ["scheduled_action.escalate_overdue_approvals"]
    assert TOKEN not in json.dumps(payload)


def test_thresholds_are_variables_a_site_may_override_within_bounds(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "project")
    set_variable(root, "warehouse-1", "health_blocked_orders_max", 5)
    set_variable(root, "warehouse-1", "approval_escalation_hours", 120)
    app = make_app(root)
    west = run_health(app, ["warehouse-1"]).sites[0]
    assert west.thresholds["blocked_orders_max"] == 5 and west.thresholds["approval_max_age_hours"] == 120
    # blocked orders under the site's bound; only the 200 h approval is older than 120 h
    assert [(f.area, f.subject) for f in west.findings] == [("approvals", "approvals")]
    assert west.approvals.aged == 1
    set_variable(root, "warehouse-2", "health_blocked_orders_max", 500)
    result = CliRunner().invoke(main, ["--project", str(root), "health", "site=warehouse-2", "--no-progress"],
                                env={"HARMONIZER_N8N_TOKEN": TOKEN})
    assert result.exit_code == 1
    assert "warehouse-2.yaml" in result.output and "health_blocked_orders_max" in result.output


def test_an_unreachable_site_is_an_error_not_a_crash(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "project")
    site = root / "sites" / "warehouse-2.yaml"
    site.write_text(site.read_text().replace("url: sandbox://harmonizer_demo", "url: http://127.0.0.1:9", 1)
                    .replace("\n  login: admin\n", "\n  login: admin\n  password_env: HEALTH_TEST_PASSWORD\n", 1))
    app = Harmonizer(root, env={"HARMONIZER_N8N_TOKEN": TOKEN, "HEALTH_TEST_PASSWORD": "pw"})
    report = run_health(app, ["warehouse-2", "warehouse-3"],
                        now=dt.datetime.now(dt.UTC))
    by_name = {s.site: s for s in report.sites}
    assert by_name["warehouse-2"].status is HealthStatus.UNREACHABLE and by_name["warehouse-2"].error
    assert by_name["warehouse-3"].checked
    assert report.exit_code == 1


def test_a_failed_notify_is_reported_and_keeps_the_exit_code(fleet: Harmonizer) -> None:
    result = CliRunner().invoke(main, ["--project", str(fleet.root), "health", "site=warehouse-2", "--no-progress",
                                       "--notify", "http://127.0.0.1:9/hook?token=abc123secret",
                                       "--notify-attempts", "1", "--notify-timeout", "2"],
                                env={"HARMONIZER_N8N_TOKEN": TOKEN})
    assert result.exit_code == 0
    assert "Warning: Notification to http://127.0.0.1:9/hook failed" in result.output
    assert "abc123secret" not in result.output


def test_on_18_failed_runs_come_from_the_cron(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "project")
    for name in ("warehouse-1", "warehouse-2"):
        (root / "sites" / f"{name}.yaml").unlink()
    site = root / "sites" / "warehouse-3.yaml"
    site.write_text(site.read_text().replace("\n  login: admin\n", '\n  login: admin\n  odoo_version: "18.0"\n', 1))
    [east] = run_health(make_app(root), ["warehouse-3"]).sites
    assert east.odoo_version.startswith("18.0"), east.error
    [cron] = east.crons
    # seeded (east-incidents): three failed runs in a row, failing for 40 h
    assert cron.failures == 3 and cron.failing_since is not None
    assert cron.failure_source == "failure_count / first_failure_date on ir.cron"
    assert any(f.subject == cron.address and "3 failed run(s)" in f.message for f in east.findings)
    assert east.exceptions.invoices_on_hold is None and "removed in 18.0" in (east.exceptions.invoices_note or "")
