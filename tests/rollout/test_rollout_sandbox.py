"""Staged rollout on the sandbox: three sites, two waves, a failure injected with the
stand-in's levers stops the line; the summary names every state; a rerun resumes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.config import load_project
from harmonizer.errors import ConfigErrors, HarmonizerError
from harmonizer.odoo import register_sandbox, unregister_sandbox
from harmonizer.project import Harmonizer
from harmonizer.rollout import (
    APPLIED,
    FAILED,
    NOT_STARTED,
    load_rollout,
    run_rollout,
    waves_from_selectors,
)
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire import Levers, WireApp

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = "site_templates/distribution-standard"
SITES = {"roll-a": ("roll_a", "Harmonia Distribution West", "WH1", "pilot"),
         "roll-b": ("roll_b", "Harmonia Distribution West", "WH1", "pilot"),
         "roll-c": ("roll_c", "Harmonia Distribution East", "WH3", "east")}
ROLLOUT = """\
name: to-1-1
template: distribution-standard
version: "1.1.0"
parallelism: 2
waves:
  - name: pilot
    sites: [tag=pilot]
  - name: rest
    sites: [all]
"""


def _project(root: Path) -> Path:
    """Kept 1.0.0 and current 1.1.0 (one more parameter); three sites pinned to 1.0.0, own databases."""
    (root / "sites").mkdir(parents=True)
    shutil.copytree(REPO / TEMPLATE, root / f"{TEMPLATE}@1.0.0")
    shutil.copytree(REPO / TEMPLATE, root / TEMPLATE)
    header = root / TEMPLATE / "template.yaml"
    header.write_text(header.read_text().replace('version: "1.0.0"', 'version: "1.1.0"'))
    (root / TEMPLATE / "zz_rollout.yaml").write_text(
        "system_parameter:\n  rollout_marker:\n    key: harmonizer.rollout.marker\n    value: \"1.1\"\n")
    databases = []
    for name, (database, company, warehouse, tag) in SITES.items():
        (root / "sites" / f"{name}.yaml").write_text(
            f"# {name}: a rollout test site\ntemplate: distribution-standard\ntemplate_version: \"1.0.0\"\n"
            f"tags: [{tag}]\nodoo:\n  url: sandbox://{database}\nscope:\n  company: {company}\n"
            f"  warehouse: {warehouse}\n")
        fixture = "demo-east" if warehouse == "WH3" else "demo"
        databases.append(f"  {database}:\n    fixture: {fixture}\n")
    (root / "sandbox.yaml").write_text("databases:\n" + "".join(databases))
    (root / "rollout.yaml").write_text(ROLLOUT)
    return root


@pytest.fixture
def levers(tmp_path: Path) -> Iterator[Levers]:
    """roll_b's stand-in, with levers the test arms; the others use the default in-process one."""
    levers = Levers()
    home = tmp_path / "project" / ".harmonizer" / "sandbox" / "17.0"
    server = SandboxServer(home, "17.0")
    register_sandbox("roll_b", WireApp(server, levers))
    yield levers
    unregister_sandbox("roll_b")
    for name in ("roll_a", "roll_c"):
        unregister_sandbox(name)
    server.close()


def _fail_apply_of_roll_b(app: Harmonizer, levers: Levers) -> None:
    """Arm an Odoo error inside roll-b's apply: after as many calls as its plan takes, plus a few."""
    pinned = app.pinned({"roll-b": "1.1.0"})
    before = levers.calls
    pinned.plan_one("roll-b")
    plan_calls = levers.calls - before
    levers.inject(levers.calls + plan_calls + 5, "odoo-error", error=None)


def test_failure_stops_the_line_and_rerun_resumes(tmp_path: Path, levers: Levers) -> None:
    root = _project(tmp_path / "project")
    app = Harmonizer(root, env={})
    _fail_apply_of_roll_b(app, levers)
    spec = load_rollout(root / "rollout.yaml")
    events: list[tuple[str, str]] = []
    result = run_rollout(app, spec, on_event=lambda site, stage, detail="": events.append((site, stage)))

    assert [(w.name, w.status) for w in result.waves] == [("pilot", FAILED), ("rest", NOT_STARTED)]
    states = {s.site: s for s in result.sites}
    assert (states["roll-a"].status, states["roll-b"].status, states["roll-c"].status) == (
        APPLIED, FAILED, NOT_STARTED)
    assert "Injected fault" in (states["roll-b"].error or "")
    assert not result.ok
    assert levers.pending == []
    # progress: every stage of a site, in order, and the site that never started
    assert [st for s, st in events if s == "roll-a"] == ["queued", "reading", "planning", "applying",
                                                          "verifying", "done"]
    assert ("roll-b", FAILED) in events and ("roll-c", NOT_STARTED) in events
    pins = {s.name: s.template_version for s in load_project(root).sites.values()}
    assert pins == {"roll-a": "1.1.0", "roll-b": "1.0.0", "roll-c": "1.0.0"}
    state = json.loads(Path(result.state_file).read_text())
    assert state["sites"]["roll-b"]["status"] == FAILED and state["sites"]["roll-a"]["status"] == APPLIED

    rerun = run_rollout(Harmonizer(root, env={}), spec)
    states = {s.site: s for s in rerun.sites}
    assert rerun.ok and [w.status for w in rerun.waves] == ["done", "done"]
    assert states["roll-a"].resumed and not states["roll-b"].resumed and states["roll-c"].changes
    assert {s.template_version for s in load_project(root).sites.values()} == {"1.1.0"}
    for site in SITES:
        assert not Harmonizer(root, env={}).plan_one(site).has_changes


def test_cli_summary_and_exit_code(tmp_path: Path, levers: Levers) -> None:
    root = _project(tmp_path / "project")
    _fail_apply_of_roll_b(Harmonizer(root, env={}), levers)
    result = CliRunner().invoke(main, ["--project", str(root), "rollout", str(root / "rollout.yaml"),
                                       "--no-progress"])
    assert result.exit_code == 1
    assert "    roll-a: applied (" in result.output
    assert "    roll-b: failed: " in result.output and "Injected fault" in result.output
    assert "    roll-c: not started" in result.output
    assert "Applied: roll-a. Failed: roll-b. Not started: roll-c." in result.output
    again = CliRunner().invoke(main, ["--project", str(root), "rollout", str(root / "rollout.yaml"),
                                      "--format", "json", "--no-progress"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.output[again.output.index("{"):])
    assert data["ok"] and [w["status"] for w in data["waves"]] == ["done", "done"]


def test_waves_from_tags_and_plain_lines_when_piped(tmp_path: Path, levers: Levers) -> None:
    root = _project(tmp_path / "project")
    result = CliRunner().invoke(main, ["--project", str(root), "rollout", "--wave", "tag=east",
                                       "--wave", "all", "--name", "tags"], env={"CI": "true"})
    assert result.exit_code == 0, result.output
    assert "roll-c: applying (" in result.output  # a plain progress line
    assert "  wave east: done" in result.output and "  wave all: done" in result.output
    # no version move: pins stay where they were
    assert {s.template_version for s in load_project(root).sites.values()} == {"1.0.0"}


def test_changed_rollout_needs_restart_and_shared_databases_stay_together(tmp_path: Path, levers: Levers) -> None:
    root = _project(tmp_path / "project")
    app = Harmonizer(root, env={})
    run_rollout(app, waves_from_selectors(["roll-c"], name="r"))
    with pytest.raises(HarmonizerError, match="--restart"):
        run_rollout(app, waves_from_selectors(["roll-a"], name="r"))
    assert run_rollout(app, waves_from_selectors(["roll-a"], name="r"), restart=True).ok
    site = root / "sites" / "roll-b.yaml"
    site.write_text(site.read_text().replace("sandbox://roll_b", "sandbox://roll_a").replace("WH1", "WH2")
                    .replace("Distribution West", "Distribution Central"))
    with pytest.raises(ConfigErrors, match="share one Odoo database"):
        run_rollout(Harmonizer(root, env={}), waves_from_selectors(["roll-a", "roll-b"], name="s",
                                                                   version="1.1.0"))
