"""Heavy tests first, spread over the xdist workers: a plugin the root conftest loads.

A test marked ``@pytest.mark.heavy(weight)`` (the fault matrix's scenarios: minutes of CPU
each, beside a suite of small tests) is moved to the front of the run. Under pytest-xdist
the heavy tests must also start on EVERY worker at once: xdist's default ``--dist load``
(3.x) hands each worker a first chunk of consecutive items of the collection, ``chunk =
max(2, (items // workers) // 4)`` of them, then feeds whichever worker runs low from the
front of what is left. Heavy tests placed together at the front all landed in the first
worker's chunk: the other worker ran the rest of the suite meanwhile, and the heavy tests
ran one after another on one worker.

So the heavy tests are dealt into one bin per worker (heaviest first, each into the bin
with the least weight so far: the "longest processing time first" rule), and each bin goes
at the start of its worker's first chunk; what does not fit there goes right after the
first chunks, where the first worker to run low picks it up. Every item keeps running
exactly once; only the order changes (every test of the suite is independent of order).
Without xdist, or with one worker, heavy tests simply run first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest

T = TypeVar("T")

MARKER = "heavy"


def first_chunk(items: int, workers: int) -> int:
    """How many consecutive items xdist's load scheduling first sends each worker."""
    return max(2, (items // workers) // 4)


def arrange(items: Sequence[T], weight: Callable[[T], float | None], workers: int) -> list[T]:
    """``items`` reordered: the heavy ones (``weight`` not None) at the start of each of the
    ``workers`` first chunks, dealt heaviest first into the lightest bin; the others after
    them in their own order."""
    heavy = sorted((item for item in items if weight(item) is not None), key=lambda item: -(weight(item) or 0.0))
    light = [item for item in items if weight(item) is None]
    if not heavy:
        return list(items)
    if workers < 2:
        return heavy + light
    bins: list[list[T]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for item in heavy:
        lightest = loads.index(min(loads))
        bins[lightest].append(item)
        loads[lightest] += weight(item) or 0.0
    if len(items) < 2 * workers:  # xdist then deals single items round-robin
        return [b[i] for i in range(max(map(len, bins))) for b in bins if i < len(b)] + light
    chunk = first_chunk(len(items), workers)
    order: list[T] = []
    overflow: list[T] = []
    rest = iter(light)
    for own in bins:
        order += own[:chunk]
        overflow += own[chunk:]
        order += [item for _, item in zip(range(chunk - len(own[:chunk])), rest, strict=False)]
    overflow.sort(key=lambda item: -(weight(item) or 0.0))
    return order + overflow + list(rest)


def weight_of(item: pytest.Item) -> float | None:
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return None
    return float(marker.kwargs.get("weight", marker.args[0] if marker.args else 1.0))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(weight): a long test, run first and spread over the xdist "
                                       "workers (tests/heavy_first.py)")


@pytest.hookimpl(trylast=True)  # after -m/-k deselection: the items xdist will schedule
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0)
    items[:] = arrange(items, weight_of, workers)
