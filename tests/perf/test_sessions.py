"""One login per Odoo database and login per command: plan and apply of one command, and
sites sharing a database, reuse one authenticated session (``Harmonizer.session``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.errors import SiteError, TransportError
from harmonizer.odoo import session as odoo_session
from harmonizer.project import Harmonizer


@pytest.fixture()
def logins(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts ``connect`` calls (each authenticates once) per database."""
    counted: Counter[str] = Counter()
    real = odoo_session.connect

    def counting(settings):  # type: ignore[no-untyped-def]
        counted[settings.database] += 1
        return real(settings)

    monkeypatch.setattr(odoo_session, "connect", counting)
    return counted


def seeded(project: Path) -> None:
    """Seed the sandbox databases first (seeding replays history through its own sessions)."""
    with Harmonizer(project, env={}) as app:
        app.plan(["all"])


def cli(project: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)


def test_apply_logs_in_once_for_its_plan_and_its_apply(project: Path, logins: Counter[str]) -> None:
    seeded(project)
    logins.clear()
    result = cli(project, "apply", "site=warehouse-3", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Apply complete" in result.output or "applied" in result.output.lower()
    assert logins == Counter({"harmonizer_east": 1})
    assert cli(project, "plan", "site=warehouse-3", "--detailed-exitcode").exit_code == 0


def test_sites_sharing_a_database_share_one_login(project: Path, logins: Counter[str]) -> None:
    seeded(project)
    logins.clear()
    result = cli(project, "plan", "site=all")
    assert result.exit_code == 0, result.output
    # warehouse-1 and warehouse-2 share harmonizer_demo; warehouse-3 has harmonizer_east
    assert logins == Counter({"harmonizer_demo": 1, "harmonizer_east": 1})


def test_a_session_that_failed_is_not_reused(project: Path, logins: Counter[str]) -> None:
    seeded(project)
    logins.clear()
    with Harmonizer(project, env={}) as app:
        with pytest.raises(SiteError), app.session("warehouse-1"):
            raise SiteError("warehouse-1", "a planning problem, not a connection one")
        with app.session("warehouse-2") as session:
            assert session.uid
        assert logins["harmonizer_demo"] == 1
        with pytest.raises(TransportError), app.session("warehouse-1"):
            raise TransportError("cannot reach the server: connection reset")
        with app.session("warehouse-1") as session:
            assert session.uid
        assert logins["harmonizer_demo"] == 2
    with Harmonizer(project, env={}) as again, again.session("warehouse-1"):
        pass  # a new object (a new command) logs in again
    assert logins["harmonizer_demo"] == 3


def test_drift_counts_each_sites_own_round_trips_on_a_shared_session(project: Path) -> None:
    from harmonizer.drift import run_drift

    seeded(project)
    with Harmonizer(project, env={}) as app:
        alone = run_drift(app, ["warehouse-2"], concurrency=1).sites[0].round_trips
    with Harmonizer(project, env={}) as app:
        report = run_drift(app, ["warehouse-1", "warehouse-2"], concurrency=1)
    first, second = report.sites
    assert first.round_trips > 0 and second.round_trips > 0
    # the second site did not log in again: its count is its own reads, not the first site's too
    assert second.round_trips < alone
    assert first.round_trips == alone  # the first one logged in, as warehouse-2 alone did
