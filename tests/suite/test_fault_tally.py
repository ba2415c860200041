"""The fault matrix's count line (tests/fault_tally.py): counts travel on the test reports, so
the line is printed once, with every process's counts, with and without pytest-xdist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fault_tally import Tally

TESTS = Path(__file__).resolve().parents[1]

# Three scenarios of 3, 4 and 5 positions, each case in two modes; "b" has one unrecovered
# case, "c" one that finished by itself with a lock left.
MATRIX = '''
from types import SimpleNamespace as Case

import pytest
from fault_tally import Tally, record, timed

POSITIONS = {"a": 3, "b": 4, "c": 5}


@pytest.mark.parametrize("scenario", sorted(POSITIONS))
def test_scenario(request, scenario):
    tally = Tally()
    with timed(tally, 3, iter([0.0, 1.5 if scenario == "a" else 0.0]).__next__):
        cases = [Case(mode=mode, problems=["broken"] if (scenario, n, mode) == ("b", 2, "drop") else [],
                      duplicates=0, locks=int((scenario, n, mode) == ("c", 5, "hang")),
                      recovered_in_run=(scenario, n, mode) == ("c", 5, "hang"))
                 for n in range(1, POSITIONS[scenario] + 1) for mode in ("drop", "hang")]
    for case in cases:
        tally.add(scenario, POSITIONS[scenario], case)
    record(request, tally)


def test_the_wave(request):
    record(request, Tally(extra=["rollout wave: 7 resumed and converged"]))
'''


def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str, passed: int = 4) -> list[str]:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # where the plugin is, in the workers too
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # a quick start: only the plugins named
    pytester.makepyfile(test_matrix=MATRIX)
    result = pytester.runpytest_subprocess("-p", "fault_tally", "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=passed)
    return result.outlines


def count_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if "fault positions ×" in line]


def test_one_process_prints_the_line_once(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run(pytester, monkeypatch)
    assert count_lines(lines) == [
        "12 fault positions × 2 modes × 3 scenarios: 1 NOT recovered, 0 duplicates, 1 locks left "
        "(24 faulted runs, 1 finished by themselves; positions per scenario: a 3, b 4, c 5)"]
    assert sum("=== fault injection ===" in line for line in lines) == 1
    wall = next(line for line in lines if line.startswith("24 faulted runs, each followed"))
    assert re.fullmatch(r"24 faulted runs, each followed by its own rerun and checks: \d+ s wall, 2 s CPU "
                        r"with the case processes \(3 at a time\)", wall)
    assert "rollout wave: 7 resumed and converged" in lines


def test_two_xdist_workers_add_up_on_the_controller(pytester: pytest.Pytester,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``--dist each``: every test runs in both workers, so the controller's line counts
    every case twice; printed once, by the controller."""
    lines = run(pytester, monkeypatch, "-p", "xdist.plugin", "-n", "2", "--dist", "each", passed=8)
    assert count_lines(lines) == [
        "12 fault positions × 2 modes × 3 scenarios: 2 NOT recovered, 0 duplicates, 2 locks left "
        "(48 faulted runs, 2 finished by themselves; positions per scenario: a 3, b 4, c 5)"]
    wall = next(line for line in lines if line.startswith("48 faulted runs, each followed"))
    assert wall.endswith("s wall, 3 s CPU with the case processes (3 at a time in each of 2 test processes)")
    assert lines.count("rollout wave: 7 resumed and converged") == 2


def test_wall_is_the_time_some_scenario_was_running() -> None:
    tally = Tally(spans=[(20.0, 25.0), (0.0, 10.0), (5.0, 15.0), (6.0, 7.0)])
    assert tally.wall() == 20.0  # 0-15 and 20-25: overlapping scenarios count once


def test_plain_data_round_trip() -> None:
    tally = Tally(positions={"x": 2}, modes={"drop"}, cases=2, failures=1, extra=["wave"], spans=[(1.0, 2.0)],
                  cpu=0.5, at_a_time={"gw0": 2})
    again = Tally()
    again.merge(tally.as_data())
    assert again == tally
