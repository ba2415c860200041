"""Cost of the operational history seeding, and round trips of ``health``/``metrics`` vs ``drift``.

On copies of the repository's sandbox project (a script printing figures, not a test)::

    python benchmarks/health_metrics_bench.py [--repeat 3]

1. Seeding both sandbox databases (``harmonizer_demo``, ``harmonizer_east``: fixtures, the
   apply of warehouse-3 and the hand edits) with and without the ``operations:`` history
   steps: what the history adds to every test that seeds the shipped project.
2. Per site: round trips and wall time of a drift check, a health check and a 12-week
   metrics report (the metrics budget is a drift check's round trips times the metrics).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from harmonizer.config.yamlio import load_mapping, plain
from harmonizer.drift import run_drift
from harmonizer.health import run_health
from harmonizer.metrics import METRICS, run_metrics
from harmonizer.odoo import unregister_sandbox
from harmonizer.project import Harmonizer
from harmonizer.sandboxes import ensure_sandbox

REPO = Path(__file__).resolve().parents[1]
ENV = {"HARMONIZER_N8N_TOKEN": "bench-token-123"}


def project(root: Path, operations: bool) -> Harmonizer:
    root.mkdir(parents=True)
    for name in ("sites", "site_templates"):
        shutil.copytree(REPO / name, root / name)
    spec = plain(load_mapping(REPO / "sandbox.yaml", "sandbox.yaml"))
    if not operations:
        for database in spec["databases"].values():
            database["history"] = [s for s in database.get("history") or [] if "operations" not in s]
    (root / "sandbox.yaml").write_text(json.dumps(spec))  # JSON is YAML
    return Harmonizer(root, env=ENV)


def seed_seconds(base: Path, operations: bool) -> float:
    app = project(base, operations)
    start = time.process_time()  # CPU time: wall time on a shared machine is mostly waiting
    for site in ("warehouse-1", "warehouse-3"):
        ensure_sandbox(app, app.project.sites[site])
    elapsed = time.process_time() - start
    for name in ("harmonizer_demo", "harmonizer_east"):
        unregister_sandbox(name)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        runs = {True: [], False: []}
        for i in range(args.repeat):
            for operations in (False, True):
                runs[operations].append(seed_seconds(base / f"seed-{operations}-{i}", operations))
        without, with_ops = statistics.median(runs[False]), statistics.median(runs[True])
        print(f"seeding both sandbox databases (median of {args.repeat}): without history {without:.2f} s, "
              f"with history {with_ops:.2f} s, added {with_ops - without:.2f} s CPU per seeded project")

        app = project(base / "fleet", True)
        timings = {}
        start = time.perf_counter()
        drift = run_drift(app, ["all"])
        timings["drift (incl. seeding)"] = time.perf_counter() - start
        start = time.perf_counter()
        health = run_health(app, ["all"])
        timings["health"] = time.perf_counter() - start
        start = time.perf_counter()
        metrics = run_metrics(app, ["all"], weeks=12)
        timings["metrics (12 weeks)"] = time.perf_counter() - start
        for label, seconds in timings.items():
            print(f"{label}: {seconds:.2f} s for {len(drift.sites)} sites")
        budget = len(METRICS)
        for d, h, m in zip(drift.sites, health.sites, metrics.sites, strict=True):
            print(f"{d.site}: round trips drift {d.round_trips}, health {h.round_trips}, metrics {m.round_trips} "
                  f"(budget {d.round_trips} x {budget} = {d.round_trips * budget})")
        for name in ("harmonizer_demo", "harmonizer_east"):
            unregister_sandbox(name)


if __name__ == "__main__":
    main()
