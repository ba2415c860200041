"""``harmonizer metrics`` on the stand-in: figures equal to Odoo's own grouping, the pilot's
before/after, groups, the round-trip budget, and the HTML charts in a real headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.drift import run_drift
from harmonizer.metrics import METRICS, MetricsReport, run_metrics
from harmonizer.metrics.model import Series
from harmonizer.project import Harmonizer
from harmonizer.render.metrics_formats import render_metrics

from .conftest import TOKEN, copy_demo, make_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
APPROVAL = "Approval needed: sales order (key account order)"
SUMMARIES = [APPROVAL, "Review large order before release"]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Harmonizer:
    return make_app(copy_demo(tmp_path_factory.mktemp("metrics") / "project"))


@pytest.fixture(scope="module")
def report(fleet: Harmonizer) -> MetricsReport:
    return run_metrics(fleet, ["all"], compare=["tag=pilot", "tag=rest"])


def _line(report: MetricsReport, name: str) -> Series:
    return next(s for s in (*report.sites, *report.groups) if s.name == name)


def _direct(app: Harmonizer, site: str, model: str, domain: list, field: str, context: dict | None = None) -> dict:
    """Odoo's own weekly counts, asked directly (read_group on 16-18, formatted_read_group on 19)."""
    with app.session(site) as session:
        reader = session.reader()
        spec = f"{field}:week"
        if session.version.major >= 19:
            rows = reader.call_read(model, "formatted_read_group", domain, [spec], ["__count"],
                                    **({"context": context} if context else {}))
            return {r[spec][0][:10]: r["__count"] for r in rows}
        rows = reader.call_read(model, "read_group", domain, [field], [spec], lazy=False,
                                **({"context": context} if context else {}))
        return {r["__range"][spec]["from"][:10]: r["__count"] for r in rows}


def _company(app: Harmonizer, site: str) -> int:
    with app.session(site) as session:
        name = app.project.sites[site].scope.company
        return session.reader().search_read("res.company", [("name", "=", name)], ["id"])[0]["id"]


def _window(report: MetricsReport) -> list:
    return [(">=", report.window_start.replace("T", " ").rstrip("Z")),
            ("<", report.window_end.replace("T", " ").rstrip("Z"))]


def _weekly(series: Series, key: str) -> dict:
    return {w.start: getattr(w, key) for w in series.weeks if getattr(w, key)}


@pytest.mark.parametrize("site", ["warehouse-1", "warehouse-3"])
def test_counts_equal_odoos_own_grouping(fleet: Harmonizer, report: MetricsReport, site: str) -> None:
    series = _line(report, site)
    company = _company(fleet, site)
    window = _window(report)
    first = series.weeks[0].start

    def direct(model: str, domain: list, field: str, context: dict | None = None) -> dict:
        found = _direct(fleet, site, model, [*domain, *((field, op, v) for op, v in window)], field, context)
        return {week: n for week, n in found.items() if week >= first}

    scoped = [("company_id", "=", company)]
    assert _weekly(series, "orders") == direct("sale.order", [("state", "!=", "cancel"), *scoped], "date_order")
    outgoing = [("picking_type_id.code", "=", "outgoing"), *scoped]
    assert _weekly(series, "deliveries") == direct("stock.picking", [*outgoing, ("state", "=", "done")], "date_done")
    assert _weekly(series, "backorders") == direct("stock.picking", [*outgoing, ("backorder_id", "!=", False)],
                                                   "create_date")
    with fleet.session(site) as session:
        orders = session.reader().search("sale.order", scoped)
    approvals = direct("mail.activity", [("summary", "in", SUMMARIES), ("res_model", "=", "sale.order"),
                                         ("res_id", "in", orders)], "create_date", {"active_test": False})
    assert _weekly(series, "approvals") == approvals
    assert sum(w.orders for w in series.weeks) > 40 and sum(w.approvals for w in series.weeks) > 10


def test_cycle_time_and_lateness_equal_a_direct_computation(fleet: Harmonizer, report: MetricsReport) -> None:
    series = _line(report, "warehouse-1")
    company = _company(fleet, "warehouse-1")
    window = _window(report)
    with fleet.session("warehouse-1") as session:
        reader = session.reader()
        pickings = reader.search_read("stock.picking", [("picking_type_id.code", "=", "outgoing"),
                                                        ("state", "=", "done"), ("company_id", "=", company),
                                                        *(("date_done", op, v) for op, v in window)],
                                      ["sale_id", "date_done", "date_deadline", "backorder_id"])
        orders = {r["id"]: r["date_order"] for r in reader.search_read("sale.order", [("company_id", "=", company)],
                                                                       ["date_order"])}
    parse = dt.datetime.fromisoformat
    by_week: dict[str, list[float]] = {}
    late: dict[str, int] = {}
    for p in pickings:
        done = parse(p["date_done"])
        week = (done.date() - dt.timedelta(days=(done.weekday() + 1) % 7)).isoformat()  # en_US: Sunday
        late[week] = late.get(week, 0) + (done > parse(p["date_deadline"]))
        if not p["backorder_id"]:
            by_week.setdefault(week, []).append((done - parse(orders[p["sale_id"][0]])).total_seconds() / 86400)
    for w in series.weeks:
        samples = by_week.get(w.start, [])
        assert w.cycle_median_days == (round(statistics.median(samples), 2) if samples else None), w.start
        assert w.late == late.get(w.start, 0), w.start


def test_the_pilot_shows_its_rollout_and_a_visible_before_after(report: MetricsReport) -> None:
    pilot = _line(report, "pilot")
    assert pilot.sites == ("warehouse-1",)
    [rollout] = pilot.rollouts
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    assert (rollout.template, rollout.version) == ("distribution-standard", "1.0.0")
    assert rollout.applied_at == f"{monday - dt.timedelta(weeks=6) + dt.timedelta(days=2)}T14:00:00Z"
    assert pilot.split_at == rollout.applied_at
    before, after = pilot.before, pilot.after
    assert before is not None and after is not None and before.weeks >= 4 and after.weeks >= 5
    assert after.cycle_median_days < before.cycle_median_days
    assert after.approval_lead_hours < before.approval_lead_hours
    assert after.late_rate < before.late_rate and after.backorder_rate < before.backorder_rate
    rest = _line(report, "rest")
    assert rest.sites == ("warehouse-2", "warehouse-3", "warehouse-4")
    central = _line(report, "warehouse-2")
    assert central.rollouts == () and central.before is None  # not rolled out: nothing to split


def test_round_trips_stay_within_a_drift_check_times_the_metrics(fleet: Harmonizer, report: MetricsReport) -> None:
    drift = {s.site: s.round_trips for s in run_drift(fleet, ["all"]).sites}
    for series in report.sites:
        assert 0 < series.round_trips <= drift[series.name] * len(METRICS), (series.name, series.round_trips)


def test_json_has_a_format_version(report: MetricsReport) -> None:
    data = json.loads(render_metrics(report, "json"))
    assert (data["format_version"], data["kind"]) == (1, "harmonizer-metrics")
    assert [m["key"] for m in data["metrics"]] == [k for k, _t, _u in METRICS]
    assert {g["name"] for g in data["groups"]} == {"pilot", "rest"}
    assert len(data["sites"][0]["weeks"]) == data["weeks"] + 1


def test_html_is_self_contained_with_one_chart_per_metric(report: MetricsReport) -> None:
    page = render_metrics(report, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == len(METRICS)
    for external in (r"<script", r"<link", r"@import", r"url\(http", r'<a href="(?!#)', r"<img"):
        assert not re.search(external, page), external
    # a line per group and a dashed mark per rollout
    assert "rollout 1.0.0 warehouse-1" in page and "stroke-dasharray" in page
    assert 'id="site-warehouse-1"' in page


def test_html_charts_render_in_headless_chromium(fleet: Harmonizer, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    page = tmp_path / "m.html"
    result = CliRunner().invoke(main, ["--project", str(fleet.root), "metrics", "--format", "html", "--out",
                                       str(page), "--no-progress"], env={"HARMONIZER_N8N_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    shot = tmp_path / "shot.png"
    dumped = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    # the browser parsed every chart, each with drawn lines
    svgs = re.findall(r"<svg.*?</svg>", dumped.stdout, re.DOTALL)
    assert len(svgs) == len(METRICS)
    assert all(re.search(r'<path d="M[\d.]+ [\d.]+ L', svg) for svg in svgs)
    assert [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line] == []
    shotted = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile2'}", f"--screenshot={shot}", "--window-size=1200,2400",
         "--enable-logging=stderr", "--v=0", page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert shotted.returncode == 0, shotted.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert [line for line in shotted.stderr.splitlines() if ":CONSOLE" in line] == []


def test_on_19_the_weeks_come_from_formatted_read_group(tmp_path: Path, report: MetricsReport) -> None:
    root = copy_demo(tmp_path / "project")
    for name in ("warehouse-2", "warehouse-3"):
        (root / "sites" / f"{name}.yaml").unlink()
    site = root / "sites" / "warehouse-1.yaml"
    site.write_text(site.read_text().replace("\n  login: admin\n", '\n  login: admin\n  odoo_version: "19.0"\n', 1))
    app = make_app(root)
    nineteen = run_metrics(app, ["warehouse-1"]).sites[0]
    assert nineteen.ok and nineteen.odoo_version.startswith("19.0"), nineteen.error
    seventeen = _line(report, "warehouse-1")
    full = slice(0, -1)  # the current week is still filling up
    assert [w.orders for w in nineteen.weeks[full]] == [w.orders for w in seventeen.weeks[full]]
    assert [w.cycle_median_days for w in nineteen.weeks[full]] == [w.cycle_median_days for w in seventeen.weeks[full]]
    assert nineteen.rollouts == seventeen.rollouts


def test_text_and_markdown_present_the_same_figures(report: MetricsReport) -> None:
    text = render_metrics(report, "text")
    pilot = _line(report, "pilot")
    assert f"before ({pilot.before.weeks} weeks" in text and "group pilot (warehouse-1)" in text
    markdown = render_metrics(report, "markdown")
    assert f"| pilot after ({pilot.after.weeks} wk) | {pilot.after.cycle_median_days:g} |" in markdown


def test_cli_compare_takes_the_groups_written_after_it(fleet: Harmonizer) -> None:
    result = CliRunner().invoke(main, ["--project", str(fleet.root), "metrics", "--compare", "tag=pilot", "tag=rest",
                                       "--weeks", "3", "--format", "json", "--no-progress"],
                                env={"HARMONIZER_N8N_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(g["name"], g["sites"]) for g in data["groups"]] == [("pilot", ["warehouse-1"]),
                                                                ("rest", ["warehouse-2", "warehouse-3",
                                                                          "warehouse-4"])]
    assert len(data["groups"][0]["weeks"]) == 4
    bad = CliRunner().invoke(main, ["--project", str(fleet.root), "metrics", "--compare", "tag=nowhere",
                                    "--no-progress"], env={"HARMONIZER_N8N_TOKEN": TOKEN})
    assert bad.exit_code == 1 and "nowhere" in bad.output
