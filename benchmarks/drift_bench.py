"""Wall time and round trips of ``drift`` over a fleet of sandbox sites, parallel vs serial.

Generates a project in a temp folder: one template with N resources (system parameters),
S sites each on its own sandbox database, converged once (the first database is applied,
then copied), and an injected round-trip latency on every stand-in request. Then runs the
drift check with concurrency C and with concurrency 1. A script printing figures, not a test::

    python benchmarks/drift_bench.py [--sites 50] [--resources 500] [--latency 0.02] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _standins import VERSION, copy_database, write_template

from harmonizer.drift import DriftReport, run_drift
from harmonizer.odoo import register_sandbox, unregister_sandbox
from harmonizer.project import Harmonizer
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire import Levers, WireApp


def make_project(root: Path, sites: int, resources: int) -> list[str]:
    write_template(root, resources)
    names = [f"bench-{i:02d}" for i in range(sites)]
    for name in names:
        (root / "sites" / f"{name}.yaml").write_text(
            f"template: bench\nodoo:\n  url: sandbox://{name.replace('-', '_')}\n")
    return names


def seed(root: Path, names: list[str]) -> Path:
    """Converge the first site, then copy its database file for every other site."""
    app = Harmonizer(root, env={})
    first = names[0]
    app.apply_site(app.plan_one(first))
    home = root / ".harmonizer" / "sandbox" / VERSION
    source = first.replace("-", "_")
    for name in names[1:]:
        database = name.replace("-", "_")
        copy_database(home, source, home, database)
        (home / f"{database}.seeded").write_text("seeded\n")
    return home


def install_latency(home: Path, names: list[str], latency: float) -> SandboxServer:
    server = SandboxServer(home, VERSION)
    for name in names:
        register_sandbox(name.replace("-", "_"), WireApp(server, Levers(latency=latency)))
    return server


def timed(root: Path, concurrency: int) -> tuple[float, DriftReport]:
    app = Harmonizer(root, env={})
    start = time.perf_counter()
    report = run_drift(app, ["all"], concurrency=concurrency)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to every request")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drift-bench-") as tmp:
        root = Path(tmp)
        names = make_project(root, args.sites, args.resources)
        started = time.perf_counter()
        home = seed(root, names)
        print(f"setup: {args.sites} sites x {args.resources} resources in {time.perf_counter() - started:.1f}s")
        server = install_latency(home, names, args.latency)
        try:
            rows = []
            for concurrency in (args.concurrency, 1):
                seconds, report = timed(root, concurrency)
                trips = sum(s.round_trips for s in report.sites)
                checked = sum(len(s.resources) for s in report.sites)
                rows.append((concurrency, seconds, trips, checked, report.exit_code))
        finally:
            for name in names:
                unregister_sandbox(name.replace("-", "_"))
            server.close()
    print(f"latency {args.latency * 1000:.0f} ms per round trip")
    print(f"{'concurrency':>11}  {'wall s':>8}  {'round trips':>11}  {'per site':>8}  {'resources':>9}  exit")
    for concurrency, seconds, trips, checked, code in rows:
        print(f"{concurrency:>11}  {seconds:>8.2f}  {trips:>11}  {trips / args.sites:>8.1f}  {checked:>9}  {code}")
    print(f"speed-up: {rows[1][1] / rows[0][1]:.1f}x")


if __name__ == "__main__":
    main()
