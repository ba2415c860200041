"""Harmonizer's own cost over a fleet: ``drift`` of S sites against stand-ins served OUT of process.

Generates a project in a temporary folder: one template of R system parameters and S sites,
each on its own database, converged once (the first database is applied in-process, then its
file copied). The databases are served by G ``harmonizer sandbox serve`` processes (one
multi-threaded HTTP server per group of sites, with ``HARMONIZER_SANDBOX_LATENCY`` added to
every request). The client is the real CLI in its own process, so its CPU (read with
``os.wait4``, the client process only) excludes the servers' work. A script printing figures,
not a test::

    python benchmarks/fleet_bench.py --sites 50 --resources 500 --latency 0.05

Printed: wall and client CPU of a drift over every site, client CPU per extra site
((CPU of S sites - CPU of one site) / (S - 1)), round trips per site, the start-up of a
one-site drift (CPU, wall), and the shipped standard template's render per site (policies
compiled, in this process, after the project is loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERSION = "17.0"
PASSWORD_ENV = "FLEET_BENCH_PASSWORD"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    report: dict

    @property
    def round_trips(self) -> list[int]:
        return [int(s.get("round_trips", 0)) for s in self.report["sites"]]


def database(index: int) -> str:
    return f"fleet_{index:03d}"


def make_template(root: Path, resources: int) -> None:
    template = root / "site_templates" / "bench"
    template.mkdir(parents=True)
    (template / "template.yaml").write_text('name: bench\nversion: "1.0.0"\nvariables: {}\n')
    lines = ["system_parameter:"]
    for i in range(resources):
        lines += [f"  param_{i:04d}:", f"    key: bench.param.{i:04d}", f'    value: "value {i}"']
    (template / "parameters.yaml").write_text("\n".join(lines) + "\n")
    (root / "sites").mkdir()


def seed_database(tmp: Path, resources: int) -> Path:
    """One converged stand-in database file (applied through the in-process stand-in)."""
    from harmonizer.project import Harmonizer

    root = tmp / "seed"
    make_template(root, resources)
    (root / "sites" / "seed.yaml").write_text("template: bench\nodoo:\n  url: sandbox://fleet_seed\n")
    app = Harmonizer(root, env={})
    outcome = app.apply_site(app.plan_one("seed"))
    assert outcome.ok, outcome
    return root / ".harmonizer" / "sandbox" / VERSION


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_servers(tmp: Path, seed_home: Path, sites: int, groups: int, latency: float
                  ) -> tuple[list[subprocess.Popen], dict[int, int]]:
    """G server processes, each with its own home holding the databases of its sites."""
    files = [p for p in seed_home.iterdir() if p.name.startswith("fleet_seed.") and not p.name.endswith(".seeded")]
    env = dict(os.environ, HARMONIZER_SANDBOX_LATENCY=str(latency), PYTHONPATH=str(REPO))
    processes, port_of_site = [], {}
    for group in range(groups):
        home = tmp / f"home-{group}"
        home.mkdir()
        members = [i for i in range(sites) if i % groups == group]
        for i in members:
            for path in files:
                shutil.copy(path, home / path.name.replace("fleet_seed", database(i), 1))
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "harmonizer.cli", "--project", str(tmp / "seed"), "sandbox", "serve",
             "--home", str(home), "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        port_of_site.update({i: port for i in members})
    for port in sorted(set(port_of_site.values())):
        wait_for(port)
    return processes, port_of_site


def wait_for(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"the stand-in on port {port} did not start")


def make_fleet(tmp: Path, resources: int, port_of_site: dict[int, int], protocol: str) -> Path:
    root = tmp / "fleet"
    make_template(root, resources)
    for i, port in port_of_site.items():
        (root / "sites" / f"site-{i:03d}.yaml").write_text(
            f"template: bench\nodoo:\n  url: http://127.0.0.1:{port}\n  database: {database(i)}\n"
            f"  login: admin\n  password_env: {PASSWORD_ENV}\n  protocol: {protocol}\n")
    return root


def stop(servers: list[subprocess.Popen]) -> float:
    """Stop the servers; their CPU seconds (user + system), for comparison only."""
    cpu = 0.0
    for process in servers:
        process.terminate()
    for process in servers:
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped here
        cpu += usage.ru_utime + usage.ru_stime
    return cpu


def drift(root: Path, names: list[str], concurrency: int) -> Run:
    """One ``harmonizer drift`` in its own process: wall, its CPU (user + system), its report."""
    out = root / "report.json"
    env = dict(os.environ, PYTHONPATH=str(REPO), **{PASSWORD_ENV: "admin"})
    command = [sys.executable, "-m", "harmonizer.cli", "--project", str(root), "drift", "--format", "json",
               "--out", str(out), "--no-progress", "--concurrency", str(concurrency), *names]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2) or not out.exists():
        raise SystemExit(f"drift failed (exit {code}): {stderr.strip()}")
    report = json.loads(out.read_text())
    out.unlink()
    return Run(wall, usage.ru_utime + usage.ru_stime, report)


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
    parser.add_argument("--servers", type=int, default=2, help="server processes (groups of sites)")
    parser.add_argument("--concurrency", type=int, default=16, help="sites read at once by the client")
    parser.add_argument("--protocol", choices=["xmlrpc", "jsonrpc"], default="xmlrpc",
                        help="what the sites speak (xmlrpc is a site's default)")
    parser.add_argument("--standard-copies", type=int, default=10,
                        help="copies of each shipped site rendered for the standard-template figure")
    args = parser.parse_args()
    if args.sites < 2:
        parser.error("--sites must be at least 2 (the per-extra-site figure compares 1 and S sites)")
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as name:
        tmp = Path(name)
        started = time.perf_counter()
        seed_home = seed_database(tmp, args.resources)
        servers, ports = start_servers(tmp, seed_home, args.sites, min(args.servers, args.sites), args.latency)
        try:
            root = make_fleet(tmp, args.resources, ports, args.protocol)
            print(f"setup: {args.sites} sites x {args.resources} resources, {len(servers)} server processes, "
                  f"in {time.perf_counter() - started:.1f}s")
            single = drift(root, ["site=site-000"], 1)
            fleet = drift(root, ["all"], args.concurrency)
        finally:
            server_cpu = stop(servers)
    standard = standard_template_per_site(args.standard_copies)
    statuses = sorted({s["status"] for s in fleet.report["sites"]})
    trips = fleet.round_trips
    per_extra = (fleet.cpu - single.cpu) / (args.sites - 1)
    print(f"latency {args.latency * 1000:.0f} ms per round trip, {args.protocol}, client concurrency "
          f"{args.concurrency}; CPU seconds are user + system of the client process only (os.wait4)")
    print(f"fleet drift: {args.sites} sites, wall {fleet.wall:.2f} s, client CPU {fleet.cpu:.2f} s, "
          f"statuses {', '.join(statuses)}")
    print(f"client CPU per extra site: {per_extra * 1000:.1f} ms "
          f"({per_extra / args.resources * 1e6:.0f} us per resource)")
    print(f"round trips per site: {sum(trips) / len(trips):.1f} (min {min(trips)}, max {max(trips)})")
    print(f"single-site start-up: client CPU {single.cpu:.2f} s, wall {single.wall:.2f} s")
    print(f"server processes: {server_cpu:.2f} s CPU in all (both drifts; on the same cores as the client)")
    print(f"standard template per site: {standard * 1000:.1f} ms CPU (render + standard render, policies "
          "compiled)")


if __name__ == "__main__":
    main()
