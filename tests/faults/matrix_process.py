"""One scenario's whole fault matrix in a fresh, small process:
``python matrix_process.py VERSION KIND BASE RESULTS``.

Every case process is forked from the reference run (``forking``); forking the test runner's
own process copied, for each of thousands of cases, the page tables of everything the test
session had loaded and built (the system time of a fork and of the copy-on-write faults after
it grows with the parent's memory). This process holds only what a case needs: harmonizer,
the stand-in with the scenario's database, and the harness. It builds the scenario (the same
``build_scenario`` as the in-process fixtures), runs every (position, mode) case and leaves
``(scenario name, positions, results)`` pickled in RESULTS for the test to check.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    version_key, kind, base, out = argv
    import pytest
    from harness import MODES, build_scenario, run_every_position
    from quick import fast

    with pytest.MonkeyPatch.context() as patch:
        fast(patch)
        scenario = build_scenario(Path(base), version_key, kind)
        results = run_every_position(scenario, sorted(MODES))
        scenario.server.close()
    Path(out).write_bytes(pickle.dumps((scenario.name, scenario.positions, results)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
