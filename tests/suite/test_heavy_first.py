"""Heavy tests first, spread over the xdist workers (tests/heavy_first.py): the order it gives,
and which worker really runs what in a small pytest-xdist session."""

from __future__ import annotations

from pathlib import Path

import pytest
from heavy_first import arrange, first_chunk

TESTS = Path(__file__).resolve().parents[1]
WEIGHTS = {"A": 5.0, "B": 4.0, "C": 2.0, "D": 2.0, "E": 1.0}


def weight(name: str) -> float | None:
    return WEIGHTS.get(name)


def test_without_workers_heavy_tests_run_first_heaviest_first() -> None:
    items = ["x1", "C", "x2", "A", "x3", "E", "B", "D"]
    assert arrange(items, weight, 0) == ["A", "B", "C", "D", "E", "x1", "x2", "x3"]
    assert arrange(["x1", "x2"], weight, 2) == ["x1", "x2"]


def test_each_worker_first_chunk_starts_with_its_share_of_the_heavy_tests() -> None:
    light = [f"x{n}" for n in range(95)]
    items = [*light[:40], "E", "D", "C", "B", "A", *light[40:]]
    order = arrange(items, weight, 2)
    chunk = first_chunk(len(items), 2)
    assert chunk == 12
    # Heaviest first (equal weights in collection order) into the lightest bin:
    # A(5) + C(2) = 7 against B(4) + D(2) + E(1) = 7.
    assert order[:3] == ["A", "C", "x0"]
    assert order[chunk:chunk + 4] == ["B", "D", "E", "x10"]
    assert sorted(order) == sorted(items)  # every item exactly once
    assert [item for item in order if item.startswith("x")] == light  # the rest keeps its order


def test_heavy_tests_that_do_not_fit_a_chunk_come_right_after_the_first_chunks() -> None:
    items = ["A", "B", "C", "D", "E", "x1", "x2", "x3", "x4", "x5"]
    order = arrange(items, weight, 2)
    assert first_chunk(len(items), 2) == 2
    assert order == ["A", "D", "B", "C", "E", "x1", "x2", "x3", "x4", "x5"]


def test_fewer_items_than_two_per_worker_are_dealt_round_robin() -> None:
    assert arrange(["x1", "B", "A"], weight, 2) == ["A", "B", "x1"]


SESSION = '''
import os
import time

import pytest

LOG = os.environ["HEAVY_LOG"]


def note(name):
    with open(LOG, "a") as out:
        out.write(f"{time.monotonic():.6f} {os.environ.get('PYTEST_XDIST_WORKER', 'main')} {name}\\n")


@pytest.mark.parametrize("n", range(60))
def test_light(n):
    note(f"light{n}")


@pytest.mark.heavy(3)
def test_heavy_one():
    note("heavy_one")
    time.sleep(0.2)


@pytest.mark.heavy(2)
def test_heavy_two():
    note("heavy_two")
    time.sleep(0.2)
'''


def test_two_xdist_workers_each_start_with_a_heavy_test(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    log = tmp_path / "order.log"
    monkeypatch.setenv("PYTHONPATH", str(TESTS))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("HEAVY_LOG", str(log))
    pytester.makepyfile(test_session=SESSION)
    result = pytester.runpytest_subprocess("-p", "heavy_first", "-p", "xdist.plugin", "-p", "no:cacheprovider",
                                           "-n", "2")
    result.assert_outcomes(passed=62)
    runs = sorted(line.split() for line in log.read_text().splitlines())
    first = {}
    for _stamp, worker, name in runs:
        first.setdefault(worker, name)
    assert sorted(first) == ["gw0", "gw1"]
    assert sorted(first.values()) == ["heavy_one", "heavy_two"]  # one each, before any light test
    assert len(runs) == 62
