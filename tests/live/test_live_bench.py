"""The apply benchmark's figures from the live suite (issue 13): first apply, no-change apply and
removal of 500 system parameters on the live Odoo, with the benchmark's own template and code
(``benchmarks/apply_bench.py``): lock, audit record and verification included.

Printed (see them with ``-rA`` or ``-s``): each step's wall, client CPU, logins, round trips,
the time spent waiting on each kind of call and the calls far slower than a trivial one (on a
real Odoo 17: password checks). ``HARMONIZER_LIVE_BENCH_REPEAT`` runs more rounds and prints
the best and the spread. Nothing about time is asserted (the server is shared); what is asserted
is the behaviour the figures rest on: one login per command, the 500 records created, nothing
to change on the second apply, everything removed by the third.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from harmonizer.odoo.session import OdooSession
from tests.live.conftest import REPO

pytestmark = pytest.mark.live

RESOURCES = 500
KEYS = "harmonizer.apply_bench.%"


def apply_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("apply_bench", REPO / "benchmarks" / "apply_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("apply_bench", module)
    spec.loader.exec_module(module)
    return module


def leftovers(odoo: OdooSession) -> list[int]:
    rows = odoo.reader().search_read("ir.config_parameter", [("key", "=like", KEYS)], ["id"])
    return [row["id"] for row in rows]


def test_apply_figures_of_500_system_parameters(odoo: OdooSession, live: dict[str, str], tmp_path: Path) -> None:
    bench = apply_bench()
    assert not leftovers(odoo), "parameters of an earlier benchmark run are still in the database"
    repeat = int(os.environ.get("HARMONIZER_LIVE_BENCH_REPEAT") or 1)
    target, env = bench.write_site(tmp_path, live)
    lines: list[str] = [f"apply of {RESOURCES} system parameters on {target}; wall includes the login"]
    try:
        rounds = bench.run(tmp_path, RESOURCES, repeat, env, out=lines.append)
    finally:
        print("\n".join(lines))
        left = leftovers(odoo)
        if left:  # a step failed half-way: remove what it created (and the external IDs)
            odoo.writer().unlink("ir.config_parameter", left)
            data = odoo.reader().search_read("ir.model.data", [("model", "=", "ir.config_parameter"),
                                                               ("res_id", "in", left)], ["id"])
            if data:
                odoo.writer().unlink("ir.model.data", [row["id"] for row in data])
    for first, again, delete in zip(*(rounds.steps[label] for label in bench.STEPS), strict=True):
        assert (first.logins, again.logins, delete.logins) == (1, 1, 1)
        assert first.changes == {"create": RESOURCES}
        assert again.changes == {} and again.calls["ir.config_parameter.load"] == 0
        assert delete.changes == {"delete": RESOURCES}
    assert not leftovers(odoo)
