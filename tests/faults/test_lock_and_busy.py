"""Two answers a real Odoo gave that used to need a person: the lost answer of the lock's own
create, and 19.0's "This cron task is currently being executed" refusal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from harness import MODES, SITE, Scenario, inspect

from harmonizer.odoo import calls
from harmonizer.sandbox.wire.levers import FaultKind, InjectedFault, Levers


def _position(scenario: Scenario, label: str) -> int:
    return min(n for n, what in scenario.log.items() if what == label)


@pytest.mark.parametrize("version_key", ["17", "19"])
def test_the_lock_create_whose_answer_is_lost_is_ours(fault_session: Callable[[str, str], Scenario],
                                                      version_key: str) -> None:
    scenario = fault_session(version_key, "first")
    at = _position(scenario, "ir.config_parameter.create")
    scenario.reset([MODES["reset-after"](at)])
    run = scenario.cli(*scenario.args)
    # Odoo committed the lock; the token read back says it is ours: the apply goes on, and
    # releases it at the end. No `harmonizer unlock`, no 30 minutes of "locked by ...".
    assert run.code == 0, run.output
    signature, integrity = inspect(scenario.server)
    assert signature == scenario.reference and integrity.locks == 0
    assert scenario.cli("plan", f"site={SITE}", "--detailed-exitcode").code == 0


def test_a_running_cron_is_waited_for_then_the_write_goes_through(
        fault_session: Callable[[str, str], Scenario], monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = fault_session("19", "first")
    pauses: list[float] = []
    monkeypatch.setattr(calls, "pause", pauses.append)
    at = _position(scenario, "ir.cron.load")
    scenario.reset([MODES["cron-busy"](at), MODES["cron-busy"](at + 1)])
    run = scenario.cli(*scenario.args)
    assert run.code == 0, run.output
    assert pauses == [5.0, 10.0]  # bounded, doubling: the write is sent again (nothing ran)
    signature, integrity = inspect(scenario.server)
    assert signature == scenario.reference and not integrity.locks


def test_a_cron_busy_for_long_is_reported_as_busy_not_as_a_failure(
        fault_session: Callable[[str, str], Scenario], monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = fault_session("19", "first")
    pauses: list[float] = []
    monkeypatch.setattr(calls, "pause", pauses.append)
    at = _position(scenario, "ir.cron.load")
    scenario.reset([InjectedFault(at + n, FaultKind.CRON_BUSY) for n in range(4)])
    run = scenario.cli(*scenario.args)
    assert run.code == 1
    assert "busy, retry later" in run.output and "Traceback" not in run.output
    assert "scheduled_action.escalate_overdue_approvals" in run.output
    assert pauses == [5.0, 10.0, 20.0]
    assert not inspect(scenario.server)[1].locks
    scenario.wire.levers = Levers()  # no more faults: a few minutes later
    again = scenario.cli(*scenario.args)
    assert again.code == 0, again.output
    assert inspect(scenario.server)[0] == scenario.reference
