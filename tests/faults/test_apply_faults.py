"""Every request position of an apply, broken in every way a network or an Odoo can break it:
the run stops cleanly (or finishes by itself), the next ``apply`` converges with no manual step,
and nothing is duplicated, dangling or left locked. See ``harness`` for the checks and
``forking`` for how every case is run from one reference run."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from harness import KINDS_OF_RUN, MODES, TALLY, VERSIONS, Scenario, cpu_seconds, describe, run_every_position


@pytest.mark.faults  # opt-in: about 7 minutes on two idle cores, over the 5-minute budget of the default run
@pytest.mark.parametrize("kind", KINDS_OF_RUN)
@pytest.mark.parametrize("version_key", sorted(VERSIONS))
def test_every_position_recovers(fault_session: Callable[[str, str], Scenario], version_key: str,
                                 kind: str) -> None:
    started, cpu = time.monotonic(), cpu_seconds()  # the scenario's setup counts too
    scenario = fault_session(version_key, kind)
    results = run_every_position(scenario, sorted(MODES))
    TALLY.wall += time.monotonic() - started
    TALLY.cpu += cpu_seconds() - cpu
    assert len(results) == scenario.positions * len(MODES)
    for result in results:
        TALLY.add(scenario, result)
    failing = [r for r in results if r.problems]
    assert not failing, (f"{scenario.name}: {len(failing)} of {len(results)} cases did not recover:\n"
                         f"{describe(results)}")
