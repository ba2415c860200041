"""Drift outputs from one report: JSON round trip, Markdown, self-contained HTML (rendered in
headless Chromium when installed), the CLI's exit codes, shards and merge, and --notify."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.drift import DriftReport, merge_reports, notify, parse_shard, run_drift, summary_payload
from harmonizer.errors import HarmonizerError
from harmonizer.project import Harmonizer
from harmonizer.render.drift_formats import render_drift

from .conftest import TOKEN, converge, make_app, make_orphan

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Harmonizer:
    from .conftest import copy_demo

    app = make_app(copy_demo(tmp_path_factory.mktemp("drift-out") / "project"))
    converge(app, "warehouse-1")
    make_orphan(app, "warehouse-3")
    return app


@pytest.fixture(scope="module")
def report(fleet: Harmonizer) -> DriftReport:
    return run_drift(fleet, ["all"])


def test_json_round_trips_with_a_format_version(report: DriftReport) -> None:
    data = json.loads(render_drift(report, "json"))
    assert (data["format_version"], data["kind"]) == (1, "harmonizer-drift")
    assert data["exit_code"] == report.exit_code == 2
    assert DriftReport.from_dict(data) == report
    assert data["summary"]["sites"] == 4
    with pytest.raises(ValueError, match="format version"):
        DriftReport.from_dict({**data, "format_version": 99})


def test_markdown_has_tables_and_findings(report: DriftReport) -> None:
    text = render_drift(report, "markdown")
    assert "| site | status | template |" in text
    assert "| warehouse-3 | drift |" in text
    assert "**orphaned**: system_parameter.legacy_edi_gateway" in text
    assert "sanctioned: company_settings.purchase_approval po_double_validation_amount: 7500" in text


def test_html_is_one_self_contained_escaped_page(report: DriftReport) -> None:
    page = render_drift(report, "html")
    assert page.startswith("<!DOCTYPE html>")
    for external in (r"<script", r"<link", r"\bsrc=", r"@import", r"url\(", r'href="(?!#)'):
        assert not re.search(external, page), external
    assert "Sites × areas" in page and "warehouse-3" in page
    # values come from Odoo and are escaped: a domain's quotes never open an attribute
    assert "[(&#x27;amount_total&#x27;" in page


def test_html_renders_in_headless_chromium_without_errors(report: DriftReport, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    page = tmp_path / "drift.html"
    page.write_text(render_drift(report, "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1400,1000",
         "--enable-logging=stderr", "--v=0", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []


def test_cli_exit_codes_and_formats(fleet: Harmonizer, tmp_path: Path) -> None:
    runner = CliRunner()
    root = ["--project", str(fleet.root)]
    env = {"HARMONIZER_N8N_TOKEN": TOKEN}
    clean = runner.invoke(main, [*root, "drift", "site=warehouse-1", "--no-progress"], env=env)
    assert clean.exit_code == 0, clean.output
    assert "warehouse-1   clean" in clean.output
    drifted = runner.invoke(main, [*root, "drift", "--tag", "east", "--no-progress"], env=env)
    assert drifted.exit_code == 2
    html = tmp_path / "out" / "drift.html"
    written = runner.invoke(main, [*root, "drift", "--format", "html", "--out", str(html), "--no-progress"], env=env)
    assert written.exit_code == 2 and html.read_text().startswith("<!DOCTYPE html>")
    refused = runner.invoke(main, [*root, "drift", "--format", "html", "--no-progress"], env=env)
    assert refused.exit_code != 0 and "--out" in refused.output


def test_shards_partition_the_fleet_stably() -> None:
    names = [f"site-{i}" for i in range(40)]
    parts = [parse_shard(f"{i}/4").pick(names) for i in range(1, 5)]
    assert sorted(n for part in parts for n in part) == sorted(names)
    assert all(part for part in parts)
    assert parse_shard("2/4").pick([*names, "late-addition"])[: len(parts[1])] == parts[1]
    for bad in ("0/4", "5/4", "x", "1/0"):
        with pytest.raises(HarmonizerError):
            parse_shard(bad)


def test_shard_reports_merge_into_the_full_report(fleet: Harmonizer, report: DriftReport, tmp_path: Path) -> None:
    files = []
    for i in (1, 2):
        shard = run_drift(fleet, ["all"], shard=parse_shard(f"{i}/2"))
        assert shard.shard == f"{i}/2"
        path = tmp_path / f"shard{i}.json"
        path.write_text(render_drift(shard, "json"))
        files.append(str(path))
    merged = CliRunner().invoke(main, ["drift", "merge", *files, "--format", "json"])
    assert merged.exit_code == 2, merged.output
    data = json.loads(merged.output)
    assert [s["site"] for s in data["sites"]] == ["warehouse-1", "warehouse-2", "warehouse-3", "warehouse-4"]
    assert data["summary"]["resources"] == report.to_dict()["summary"]["resources"]
    with pytest.raises(HarmonizerError, match="overlap"):
        merge_reports([("a", report), ("b", report)])


class _Receiver:
    """A webhook on 127.0.0.1 answering with the queued statuses (then 200), keeping the bodies."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    hook = _Receiver([500, 503])
    yield hook
    hook.close()


def test_notify_retries_then_delivers_the_summary(report: DriftReport, receiver: _Receiver) -> None:
    result = notify(receiver.url, summary_payload(report), timeout=5, attempts=3, sleep=lambda _s: None)
    assert (result.ok, result.attempts, result.status) == (True, 3, 200)
    assert len(receiver.bodies) == 3
    body = receiver.bodies[-1]
    assert body["kind"] == "harmonizer-drift-summary" and body["exit_code"] == 2
    assert {s["site"] for s in body["sites"]} == {"warehouse-1", "warehouse-2", "warehouse-3", "warehouse-4"}
    assert "token=abc" not in result.message()


def test_notify_gives_up_on_a_client_error_and_after_bounded_attempts(report: DriftReport) -> None:
    refused = _Receiver([400])
    try:
        result = notify(refused.url, summary_payload(report), timeout=5, attempts=3, sleep=lambda _s: None)
        assert (result.ok, result.attempts, result.status) == (False, 1, 400)
    finally:
        refused.close()
    down = _Receiver([])
    url = down.url
    down.close()
    result = notify(url, summary_payload(report), timeout=2, attempts=2, sleep=lambda _s: None)
    assert (result.ok, result.attempts) == (False, 2)


def test_failed_notification_keeps_the_exit_code(fleet: Harmonizer) -> None:
    down = _Receiver([])
    url = down.url
    down.close()
    result = CliRunner().invoke(main, ["--project", str(fleet.root), "drift", "site=warehouse-1", "--no-progress",
                                       "--notify", url, "--notify-attempts", "1", "--notify-timeout", "2"],
                                env={"HARMONIZER_N8N_TOKEN": TOKEN})
    assert result.exit_code == 0
    assert "Warning: Notification to http://127.0.0.1:" in result.output
