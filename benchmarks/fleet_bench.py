"""Harmonizer's own cost over a fleet: ``drift`` of S sites against stand-ins served OUT of process.

Generates a project in a temporary folder: one template of R system parameters and S sites,
each on its own database, converged once (the first database is applied in-process, then its
file copied). The databases are served by G ``harmonizer sandbox serve`` processes (one
multi-threaded HTTP server -- a thread per connection -- per group of sites, with
``HARMONIZER_SANDBOX_LATENCY`` added to every request). The client is the real CLI in its own
process, reading ``--concurrency`` sites at once, so its CPU (read with ``os.wait4``, the client
process only) excludes the servers' work. A script printing figures, not a test::

    python benchmarks/fleet_bench.py --sites 50 --resources 500 --latency 0.05

Printed: wall and client CPU of a drift over every site, client CPU per extra site
((CPU of S sites - CPU of one site) / (S - 1), both after a first one-site drift that fills
harmonizer's disk cache, so that neither pays for it), round trips per site, the start-up of a
one-site drift (CPU, wall), the servers' CPU during the fleet drift (per site) and at start-up,
the wall the CPU of client and servers allows on this machine's cores, and the shipped
standard template's render per site (policies compiled, in this process, after the project
is loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _standins import REPO, Served, converged_database, serve, write_template

PASSWORD_ENV = "FLEET_BENCH_PASSWORD"
SEED = "fleet_seed"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    report: dict
    server_cpu: float | None = None

    @property
    def round_trips(self) -> list[int]:
        return [int(s.get("round_trips", 0)) for s in self.report["sites"]]


def database(index: int) -> str:
    return f"fleet_{index:03d}"


def make_fleet(tmp: Path, resources: int, port_of: dict[str, int], protocol: str) -> Path:
    root = tmp / "fleet"
    write_template(root, resources)
    for name, port in port_of.items():
        (root / "sites" / f"site-{name.rsplit('_', 1)[1]}.yaml").write_text(
            f"template: bench\nodoo:\n  url: http://127.0.0.1:{port}\n  database: {name}\n"
            f"  login: admin\n  password_env: {PASSWORD_ENV}\n  protocol: {protocol}\n")
    return root


def drift(root: Path, names: list[str], concurrency: int, servers: Served) -> Run:
    """One ``harmonizer drift`` in its own process: wall, its CPU (user + system), its report, and
    the CPU the servers used meanwhile."""
    out = root / "report.json"
    env = dict(os.environ, PYTHONPATH=str(REPO), **{PASSWORD_ENV: "admin"})
    command = [sys.executable, "-m", "harmonizer.cli", "--project", str(root), "drift", "--format", "json",
               "--out", str(out), "--no-progress", "--concurrency", str(concurrency), *names]
    servers_before = servers.cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    servers_after = servers.cpu()
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2) or not out.exists():
        raise SystemExit(f"drift failed (exit {code}): {stderr.strip()}")
    report = json.loads(out.read_text())
    out.unlink()
    server_cpu = None if servers_before is None or servers_after is None else servers_after - servers_before
    return Run(wall, usage.ru_utime + usage.ru_stime, report, server_cpu)


def standard_template_per_site(copies: int) -> float:
    """CPU seconds per site to render the shipped project's sites (policies compiled), the
    project loaded once and the sites' files copied ``copies`` times with their variables."""
    import resource

    from harmonizer.project import Harmonizer

    with tempfile.TemporaryDirectory(prefix="fleet-standard-") as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "site_templates", root / "site_templates")
        (root / "sites").mkdir()
        for path in sorted((REPO / "sites").glob("*.yaml")):
            for copy in range(copies):
                shutil.copy(path, root / "sites" / f"{path.stem}-{copy:02d}.yaml")
        app = Harmonizer(root, env={})
        names = app.select(["all"])
        app.render(names[0])  # the project loaded and the first site rendered: imports and parsing
        before = resource.getrusage(resource.RUSAGE_SELF)
        for name in names[1:]:
            app.render(name)
            app.project.render(name, app.env, defaults_only=True)
        after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu / max(len(names) - 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    parser.add_argument("--servers", type=int, default=os.cpu_count() or 2,
                        help="server processes (groups of sites); default: one per core")
    parser.add_argument("--concurrency", type=int, default=25, help="sites read at once by the client")
    parser.add_argument("--protocol", choices=["xmlrpc", "jsonrpc"], default="xmlrpc",
                        help="what the sites speak (xmlrpc is a site's default)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="one-site and fleet drifts to run, each printed; per-site CPU from the least of each "
                             "(CPU only grows with the machine's other work)")
    parser.add_argument("--standard-copies", type=int, default=10,
                        help="copies of each shipped site rendered for the standard-template figure")
    args = parser.parse_args()
    if args.sites < 2:
        parser.error("--sites must be at least 2 (the per-extra-site figure compares 1 and S sites)")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as name:
        tmp = Path(name)
        started = time.perf_counter()
        seed_home = converged_database(tmp / "seed", args.resources, SEED)
        databases = [database(i) for i in range(args.sites)]
        servers = serve(tmp, tmp / "seed", seed_home, SEED, databases, min(args.servers, args.sites), args.latency)
        try:
            startup_cpu = servers.cpu()
            root = make_fleet(tmp, args.resources, servers.port_of, args.protocol)
            print(f"setup: {args.sites} sites x {args.resources} resources, {len(servers.processes)} server "
                  f"processes, in {time.perf_counter() - started:.1f}s")
            # a first drift fills harmonizer's disk cache (``harmonizer.diskcache``), so that the one-site
            # and the fleet drifts measured below both find it as a run after the first one does
            drift(root, ["site=site-000"], 1, servers)
            singles = [drift(root, ["site=site-000"], 1, servers) for _ in range(args.repeat)]
            fleets = [drift(root, ["all"], args.concurrency, servers) for _ in range(args.repeat)]
        finally:
            server_total = servers.stop()
    standard = standard_template_per_site(args.standard_copies)
    fleet = min(fleets, key=lambda run: run.cpu)
    single = min(singles, key=lambda run: run.cpu)
    statuses = sorted({s["status"] for s in fleet.report["sites"]})
    trips = fleet.round_trips
    per_extra = (fleet.cpu - single.cpu) / (args.sites - 1)
    extras = sorted((run.cpu - one.cpu) / (args.sites - 1) for run, one in zip(fleets, singles, strict=True))
    print(f"latency {args.latency * 1000:.0f} ms per round trip, {args.protocol}, client concurrency "
          f"{args.concurrency}, {len(servers.processes)} server processes on {cores} cores; CPU seconds are "
          "user + system (client: os.wait4 of its process; servers: /proc)")
    for number, run in enumerate(fleets, 1):
        label = f" (run {number})" if len(fleets) > 1 else ""
        print(f"fleet drift: {args.sites} sites, wall {run.wall:.2f} s{label}, client CPU {run.cpu:.2f} s, "
              f"statuses {', '.join(sorted({s['status'] for s in run.report['sites']}))} (target: wall <= 3 s)")
    spread = (f"; run by run {', '.join(f'{x * 1000:.1f}' for x in extras)} ms"
              if len(extras) > 1 else "")
    print(f"client CPU per extra site: {per_extra * 1000:.1f} ms "
          f"({per_extra / args.resources * 1e6:.0f} us per resource; target <= 30 ms{spread})")
    print(f"round trips per site: {sum(trips) / len(trips):.1f} (min {min(trips)}, max {max(trips)})")
    print(f"single-site start-up: client CPU {single.cpu:.2f} s, wall {single.wall:.2f} s (target: CPU <= 0.6 s"
          f"{'; least of ' + str(len(singles)) + ' runs' if len(singles) > 1 else ''})")
    if fleet.server_cpu is not None and startup_cpu is not None:
        floor = (fleet.cpu + fleet.server_cpu) / cores
        print(f"server processes: {fleet.server_cpu:.2f} s CPU during the fleet drift = "
              f"{fleet.server_cpu / args.sites * 1000:.1f} ms per site; start-up {startup_cpu:.2f} s; "
              f"{server_total:.2f} s in all (on the same cores as the client)")
        print(f"CPU of the fleet drift, client + servers: {fleet.cpu + fleet.server_cpu:.2f} s, so at best "
              f"{floor:.2f} s of wall on {cores} cores; the client alone, one interpreter: {fleet.cpu:.2f} s")
    else:
        print(f"server processes: {server_total:.2f} s CPU in all (start-up and every drift; /proc unavailable)")
        print(f"CPU of the fleet drift, client + servers: unknown (servers unmeasured); client {fleet.cpu:.2f} s")
    print(f"standard template per site: {standard * 1000:.1f} ms CPU (render + standard render, policies "
          "compiled)")
    if statuses != ["clean"]:
        print(f"note: the sites were not all clean ({', '.join(statuses)}): the figures are not a clean drift")


if __name__ == "__main__":
    main()
