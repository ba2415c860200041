"""Every request position of an apply, broken in every way a network or an Odoo can break it:
the run stops cleanly (or finishes by itself), the next ``apply`` converges with no manual step,
and nothing is duplicated, dangling or left locked. See ``harness`` for the checks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from harness import KINDS_OF_RUN, MODES, TALLY, VERSIONS, Scenario, describe, run_every_position


@pytest.mark.faults
@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("kind", KINDS_OF_RUN)
@pytest.mark.parametrize("version_key", sorted(VERSIONS))
def test_every_position_recovers(fault_session: Callable[[str, str], Scenario], version_key: str, kind: str,
                                 mode: str) -> None:
    scenario = fault_session(version_key, kind)
    results = run_every_position(scenario, mode)
    assert len(results) == scenario.positions
    for result in results:
        TALLY.add(scenario, result)
    assert not any(r.problems for r in results), (
        f"{scenario.name}, {mode}: {sum(bool(r.problems) for r in results)} of {len(results)} positions "
        f"did not recover:\n{describe(results)}")
