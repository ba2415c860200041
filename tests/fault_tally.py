"""The fault-injection matrix's count line, added up over every test process of the session.

Rules:
- A test of the matrix never writes to a process-global tally: it hands its own counts to
  ``record(request, ...)``, which attaches them to its report (``user_properties``, plain data).
- This plugin (loaded by the root conftest, so in every process) adds up the counts of every
  ``call`` report it sees: in a serial run that is the one process's; under pytest-xdist the
  controller sees every worker's report, so the line it prints covers the whole matrix.
- At the end of the session the line is printed once, under "fault injection", when a count was
  reported; under xdist only the controller prints it (a worker's terminal summary is not shown).
- Wall seconds are the time some scenario was running (the union of their intervals: scenarios
  running side by side in two workers are not counted twice); CPU seconds are added up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

#: The name of the ``user_properties`` entry holding one test's counts.
PROPERTY = "fault_tally"


@dataclass
class Tally:
    """Counts for the suite's summary line (reported by the tests, printed at the session's end)."""

    positions: dict[str, int] = field(default_factory=dict)
    modes: set[str] = field(default_factory=set)
    cases: int = 0
    failures: int = 0
    duplicates: int = 0
    locks: int = 0
    recovered_in_run: int = 0
    extra: list[str] = field(default_factory=list)
    #: (start, end) epoch seconds of each scenario run, and CPU seconds (its test process and its
    #: case processes) of all of them.
    spans: list[tuple[float, float]] = field(default_factory=list)
    cpu: float = 0.0
    #: Case processes at a time, by the test process that ran them ("main", or an xdist worker id).
    at_a_time: dict[str, int] = field(default_factory=dict)

    def add(self, scenario: str, positions: int, result: Any) -> None:
        """One case (a ``harness.CaseResult``: ``mode``, ``problems``, ``duplicates``, ``locks``,
        ``recovered_in_run``) of ``scenario``, which has ``positions`` request positions."""
        self.positions[scenario] = positions
        self.modes.add(result.mode)
        self.cases += 1
        self.failures += bool(result.problems)
        self.duplicates += result.duplicates
        self.locks += result.locks
        self.recovered_in_run += result.recovered_in_run

    def as_data(self) -> dict[str, Any]:
        """Plain data (what a report carries between processes)."""
        return {"positions": dict(self.positions), "modes": sorted(self.modes), "cases": self.cases,
                "failures": self.failures, "duplicates": self.duplicates, "locks": self.locks,
                "recovered_in_run": self.recovered_in_run, "extra": list(self.extra),
                "spans": [list(span) for span in self.spans], "cpu": self.cpu, "at_a_time": dict(self.at_a_time)}

    def merge(self, data: dict[str, Any]) -> None:
        """Add the counts ``as_data`` gave (of another test, maybe in another process)."""
        self.positions.update(data["positions"])
        self.modes.update(data["modes"])
        for name in ("cases", "failures", "duplicates", "locks", "recovered_in_run"):
            setattr(self, name, getattr(self, name) + data[name])
        self.extra += data["extra"]
        self.spans += [(start, end) for start, end in data["spans"]]
        self.cpu += data["cpu"]
        self.at_a_time.update(data["at_a_time"])

    def wall(self) -> float:
        """Seconds during which at least one scenario was running."""
        total, reach = 0.0, float("-inf")
        for start, end in sorted(self.spans):
            if end > reach:
                total += end - max(start, reach)
                reach = end
        return total

    def summary(self) -> str | None:
        if not self.cases and not self.extra:
            return None
        lines = []
        if self.cases:
            outcome = "all recovered" if not self.failures else f"{self.failures} NOT recovered"
            total = sum(self.positions.values())
            lines.append(f"{total} fault positions × {len(self.modes)} modes × {len(self.positions)} scenarios: "
                         f"{outcome}, {self.duplicates} duplicates, {self.locks} locks left "
                         f"({self.cases} faulted runs, {self.recovered_in_run} finished by themselves; positions "
                         f"per scenario: {', '.join(f'{k} {v}' for k, v in sorted(self.positions.items()))})")
        if self.spans:
            lines.append(f"{self.cases} faulted runs, each followed by its own rerun and checks: {self.wall():.0f} s "
                         f"wall, {self.cpu:.0f} s CPU with the case processes ({self._parallelism()})")
        return "\n".join(lines + self.extra)

    def _parallelism(self) -> str:
        counts = sorted(set(self.at_a_time.values()))
        each = "/".join(str(n) for n in counts) or "?"
        if len(self.at_a_time) <= 1:
            return f"{each} at a time"
        return f"{each} at a time in each of {len(self.at_a_time)} test processes"


def process_name() -> str:
    """This test process: its xdist worker id ("gw0", ...), or "main"."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextmanager
def timed(tally: Tally, at_a_time: int, cpu_seconds: Any) -> Iterator[None]:
    """Count the block's wall interval and CPU seconds (``cpu_seconds()``: of this process
    and its waited-for children) into ``tally``, even when it fails."""
    started, cpu = time.time(), cpu_seconds()
    try:
        yield
    finally:
        tally.spans.append((started, time.time()))
        tally.cpu += cpu_seconds() - cpu
        tally.at_a_time[process_name()] = at_a_time


def record(request: pytest.FixtureRequest, tally: Tally) -> None:
    """Attach ``tally`` (this test's counts) to the test's report, for the session's line."""
    request.node.user_properties.append((PROPERTY, tally.as_data()))


class Totals:
    """The session's sum of every reported tally (one per process; under xdist the controller's
    is the whole session's)."""

    def __init__(self) -> None:
        self.tally = Tally()

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        for name, value in report.user_properties:
            if name == PROPERTY:
                self.tally.merge(value)

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        line = self.tally.summary()
        if line:
            terminalreporter.write_sep("=", "fault injection")
            terminalreporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(Totals(), "fault_tally_totals")
