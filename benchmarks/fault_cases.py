"""What one case of the fault matrix costs (``tests/faults``), in a minute instead of the
whole matrix's eight: one scenario, its cases forked at every N-th request position only (all
six modes there), each case process timing itself.

    python benchmarks/fault_cases.py --version 17 --kind first --every 3

Prints, per case: the case process's user and system CPU and its minor page faults (the
copy-on-write of the matrix process's pages), split into the rest of the faulted run and the
rerun with its checks; and the CPU of the case processes as the parent counted them (what the
matrix's own figure adds up). The machine's load is printed too: CPU figures grow with it,
so compare two versions of the code side by side at one load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests" / "faults")]

import harness  # noqa: E402  (tests/faults: the matrix's own harness)
import pytest  # noqa: E402
from quick import fast  # noqa: E402


def _usage() -> tuple[float, float, int]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime, own.ru_stime, own.ru_minflt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", choices=sorted(harness.VERSIONS), default="17")
    parser.add_argument("--kind", choices=harness.KINDS_OF_RUN, default="first")
    parser.add_argument("--every", type=int, default=3, help="fork the cases of every N-th position")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fault-cases-"))
    stages = work / "stages.jsonl"
    finish_case = harness.finish_case

    def timed_finish(scenario: Any, mode: str, position: int, first: Any) -> Any:
        before = _usage()
        result = finish_case(scenario, mode, position, first)
        with stages.open("a") as out:
            out.write(json.dumps({"faulted": before, "whole": _usage()}) + "\n")
        return result

    class EveryNth(harness.ForkingLevers):
        def next_call(self) -> Any:
            number, fault = harness.Levers.next_call(self)
            if self.cases.case is not None or number % args.every:
                return number, fault
            for mode in self.modes:
                if self.cases.fork(number, mode):
                    return number, harness.MODES[mode](number)
            return number, fault

    try:
        with pytest.MonkeyPatch.context() as patch:
            fast(patch)
            patch.setattr(harness, "finish_case", timed_finish)
            patch.setattr(harness, "ForkingLevers", EveryNth)
            scenario = harness.build_scenario(work / "scenario", args.version, args.kind)
            started = time.monotonic()
            results = harness.run_every_position(scenario, sorted(harness.MODES))
            wall = time.monotonic() - started
            scenario.server.close()
        ran = [r for r in results if not (r.problems and "never forked" in r.problems[0])]
        failing = [r for r in ran if r.problems]
        rows = [json.loads(line) for line in stages.read_text().splitlines()]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(rows)
    if not n:
        print("no case ran")
        return 1

    def mean(stage: str, index: int, scale: float = 1000.0) -> float:
        return sum(row[stage][index] for row in rows) / n * scale

    print(f"{scenario.name}: {scenario.positions} positions, cases of every {args.every}th: {len(ran)} "
          f"({len(failing)} not recovered), {wall:.1f} s wall, load {os.getloadavg()[0]:.1f}")
    print(f"per case, rest of the faulted run: user {mean('faulted', 0):.1f} ms, system {mean('faulted', 1):.1f} ms, "
          f"{mean('faulted', 2, 1):.0f} page faults")
    print(f"per case, whole (with the rerun and checks): user {mean('whole', 0):.1f} ms, "
          f"system {mean('whole', 1):.1f} ms, {mean('whole', 2, 1):.0f} page faults")
    print(f"per case, as the parent counts its case processes: user {children.ru_utime / n * 1000:.1f} ms, "
          f"system {children.ru_stime / n * 1000:.1f} ms")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
