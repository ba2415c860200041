"""Every benchmark script runs with tiny sizes and prints its figure lines (so none rots).

No timing is asserted: the figures depend on the machine; the benchmarks print them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"

#: script -> (tiny arguments, the start of every figure line it must print)
TINY: dict[str, tuple[list[str], list[str]]] = {
    "fleet_bench.py": (["--sites", "2", "--resources", "4", "--latency", "0", "--servers", "1",
                        "--standard-copies", "1"],
                       ["fleet drift: 2 sites, wall", "client CPU per extra site:", "round trips per site:",
                        "single-site start-up: client CPU", "server processes:",
                        "CPU of the fleet drift, client + servers:", "standard template per site:"]),
    "apply_bench.py": (["--resources", "3"], ["first apply", "no-change apply", "delete them again"]),
    "drift_bench.py": (["--sites", "2", "--resources", "4", "--latency", "0", "--concurrency", "2"],
                       ["setup: 2 sites x 4 resources", "speed-up:"]),
    "health_metrics_bench.py": (["--repeat", "1"], ["seeding both sandbox databases (median of 1)"]),
    "plan_bench.py": (["--resources", "4", "--repeat", "1"],
                      ["plan from scratch:", "apply:", "plan of converged site"]),
    "sandbox_bench.py": (["--seconds", "0.05"], ["stand-in 17.0: calls per second"]),
    "fault_cases.py": (["--version", "19", "--kind", "delete", "--every", "36"],
                       ["delete apply on 19: 72 positions, cases of every 36th: 12 (0 not recovered)",
                        "per case, rest of the faulted run:", "per case, whole (with the rerun and checks):",
                        "per case, as the parent counts its case processes:"]),
}


def test_every_benchmark_has_a_smoke_run() -> None:
    # modules named "_..." are what the scripts share (e.g. _standins.py), not benchmarks
    assert sorted(p.name for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_")) == sorted(TINY)


@pytest.mark.parametrize("script", sorted(TINY))
def test_benchmark_runs_and_prints_its_figures(script: str, tmp_path: Path) -> None:
    args, lines = TINY[script]
    env = {key: value for key, value in os.environ.items()
           if key != "HARMONIZER_PROJECT" and not key.startswith("HARMONIZER_LIVE_")}  # the stand-in only
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    printed = done.stdout.splitlines()
    for start in lines:
        assert any(line.startswith(start) for line in printed), (start, done.stdout)
