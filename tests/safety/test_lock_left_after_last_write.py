"""A run cut off after its last write (Odoo went away while the apply released its lock) leaves
the site lock in Odoo; the next run has nothing to apply, and still removes that lock: a
resumed rollout or a second ``apply`` that reports success leaves no lock behind."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from harmonizer.odoo import register_sandbox
from harmonizer.plan.live import LOCK_KEY
from harmonizer.safety import lock
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire import Levers, WireApp

from .conftest import DATABASE

ROLLOUT = ("rollout", "--wave", "all", "--name", "cut", "--no-progress", "--format", "json")
APPLY = ("apply", "--auto-approve")


@dataclass
class Cut:
    """The site's stand-in with levers, and the request that releases the lock in a clean run."""

    server: SandboxServer
    levers: Levers
    release: int

    def locks(self) -> list[str]:
        with self.server.env(DATABASE) as env:
            rows = env.store.conn.execute("SELECT value FROM ir_config_parameter WHERE key = ?", (LOCK_KEY,))
            return [str(row["value"]) for row in rows.fetchall()]


def _cut(project: Path, run: Callable[..., Result], args: tuple[str, ...]) -> Iterator[Cut]:
    server = SandboxServer(None, "17.0")
    server.ensure_database(DATABASE, fixture="demo-east")
    home = project / ".harmonizer" / "sandbox" / "17.0"
    home.mkdir(parents=True)
    (home / f"{DATABASE}.seeded").write_text("seeded by the test\n")
    before = server.snapshot(DATABASE)
    levers = Levers()
    wire = WireApp(server, levers)
    register_sandbox(DATABASE, wire)
    clean = run(*args)
    assert clean.exit_code == 0, clean.output
    unlink = max(n for n, label in levers.log.items() if label == "ir.config_parameter.unlink")
    assert levers.log[unlink - 1] == "ir.config_parameter.search_read"  # the release reads the lock first
    server.restore(DATABASE, before)
    shutil.rmtree(project / ".harmonizer" / "rollouts", ignore_errors=True)
    wire.levers = Levers()
    yield Cut(server, wire.levers, unlink - 1)
    server.close()


@pytest.fixture()
def cut_rollout(project: Path, run: Callable[..., Result]) -> Iterator[Cut]:
    yield from _cut(project, run, ROLLOUT)


@pytest.fixture()
def cut_apply(project: Path, run: Callable[..., Result]) -> Iterator[Cut]:
    yield from _cut(project, run, APPLY)


def test_a_resumed_rollout_removes_the_lock_its_cut_off_run_left(run: Callable[..., Result], cut_rollout: Cut) -> None:
    cut_rollout.levers.go_down(cut_rollout.release)  # every write landed; the release never arrives
    first = run(*ROLLOUT)
    assert first.exit_code == 1  # its verification could not reach Odoo either
    assert len(cut_rollout.locks()) == 1
    cut_rollout.levers.go_down(None)
    resumed = run(*ROLLOUT)
    assert resumed.exit_code == 0, resumed.output
    data = json.loads(resumed.output[resumed.output.index("{"):])
    assert data["ok"] and [s["status"] for w in data["waves"] for s in w["sites"]] == ["applied"]
    assert cut_rollout.locks() == []


def test_an_apply_with_nothing_to_do_removes_the_lock_a_cut_off_apply_left(
        project: Path, run: Callable[..., Result], cut_apply: Cut) -> None:
    cut_apply.levers.go_down(cut_apply.release)
    run(*APPLY)
    left = cut_apply.locks()
    assert len(left) == 1
    journal = next((project / ".harmonizer" / "locks").iterdir())
    assert [p.stem for p in journal.iterdir()] == [json.loads(left[0])["token"]]
    cut_apply.levers.go_down(None)
    again = run(*APPLY)
    assert again.exit_code == 0, again.output
    assert "No changes" in again.output
    assert "removed the site lock an earlier run of this project left (" in again.output  # told, not silent
    assert cut_apply.locks() == [] and list(journal.iterdir()) == []


def _release_unanswered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Odoo answers every request but the release (``release_quietly`` gives up, as when the
    connection dropped at that moment every time)."""
    monkeypatch.setattr(lock, "release_quietly", lambda _client, _lock: False)


def test_an_apply_whose_release_got_no_answer_warns_and_the_next_run_removes_the_lock(
        run: Callable[..., Result], cut_apply: Cut, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        _release_unanswered(patch)
        first = run(*APPLY)
    assert first.exit_code == 0, first.output
    assert "Warning: the site lock could not be released (Odoo did not answer)" in first.output
    assert len(cut_apply.locks()) == 1
    again = run(*APPLY)
    assert again.exit_code == 0 and cut_apply.locks() == []
    assert "removed the site lock an earlier run of this project left (" in again.output


def test_a_rollout_removes_the_lock_its_own_apply_could_not_release(
        run: Callable[..., Result], cut_rollout: Cut, monkeypatch: pytest.MonkeyPatch) -> None:
    _release_unanswered(monkeypatch)
    done = run(*ROLLOUT)
    assert done.exit_code == 0, done.output
    assert cut_rollout.locks() == []  # the wave's verification removed it before planning the site again
