"""Every request position of an apply, broken in every way a network or an Odoo can break it:
the run stops cleanly (or finishes by itself), the next ``apply`` converges with no manual step,
and nothing is duplicated, dangling or left locked. See ``harness`` for the checks,
``forking`` for how every case is run from one reference run, and ``matrix_process`` for the
small process each scenario runs in."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from fault_tally import Tally, record, timed
from harness import KINDS_OF_RUN, MODES, VERSIONS, CaseResult, cpu_seconds, describe, workers

import harmonizer

HERE = Path(__file__).resolve().parent
#: A scenario's share of the matrix's CPU (measured side by side under -n 2: a first apply,
#: 130-133 positions, 181-185 s; an update or a delete, 72-78 positions of cheaper cases,
#: 72-76 s): the heaviest start first, spread over the xdist workers (``tests/heavy_first.py``).
WEIGHT = {"first": 2.5, "update": 1.0, "delete": 1.0}


def run_scenario_process(version_key: str, kind: str, base: Path) -> tuple[str, int, list[CaseResult]]:
    """The scenario's whole matrix in a fresh interpreter (``matrix_process``): its case
    processes are forked from that small process, not from this test session's."""
    out = base / "results.pickle"
    # The same harmonizer as this session's (a worktree first on the path, or the installed one).
    source = str(Path(harmonizer.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(HERE / "matrix_process.py"), version_key, kind, str(base / "work"),
                           str(out)], cwd=base, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and out.exists(), (
        f"the matrix process of {kind} on {version_key} failed (exit {done.returncode}):\n"
        f"{done.stdout[-2000:]}{done.stderr[-4000:]}")
    name, positions, results = pickle.loads(out.read_bytes())
    return name, positions, results


@pytest.mark.faults  # in the default run; -m faults runs only the matrix and the rollout wave
@pytest.mark.parametrize("kind", [pytest.param(kind, marks=pytest.mark.heavy(WEIGHT[kind])) for kind in KINDS_OF_RUN])
@pytest.mark.parametrize("version_key", sorted(VERSIONS))
def test_every_position_recovers(request: pytest.FixtureRequest, tmp_path: Path, version_key: str, kind: str) -> None:
    tally = Tally()  # this scenario's counts, added up over the session by ``fault_tally``
    with timed(tally, workers(), cpu_seconds):  # the scenario's setup counts too
        name, positions, results = run_scenario_process(version_key, kind, tmp_path)
    assert positions > 0
    assert len(results) == positions * len(MODES)
    assert {(r.position, r.mode) for r in results} == {(n, m) for n in range(1, positions + 1) for m in MODES}
    for result in results:
        tally.add(name, positions, result)
    record(request, tally)
    failing = [r for r in results if r.problems]
    assert not failing, f"{name}: {len(failing)} of {len(results)} cases did not recover:\n{describe(results)}"
