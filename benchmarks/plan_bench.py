"""Benchmark: round trips and wall time of one site's plan with N managed resources.

Builds a throw-away project with a template of N resources (system parameters, server
actions, automation rules linking them, scheduled actions), applies it once to a fresh
stand-in served over HTTP, then times the plan that follows (a converged site: the
steady-state cost a drift check or CI run pays) and a plan of the same site from scratch.

    python benchmarks/plan_bench.py [--resources 500] [--latency 0.005] [--protocol xmlrpc] [--repeat 3]

``--latency`` injects a round-trip delay in the stand-in, to show that a plan's cost is
its round trips (a constant number per plan, not per resource). Prints figures only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from harmonizer.plan.live import LiveReader
from harmonizer.plan.planner import plan_site
from harmonizer.project import Harmonizer
from harmonizer.sandbox.serve import start
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire.app import WireApp
from harmonizer.sandbox.wire.levers import Levers

TEMPLATE = """name: bench
version: "1.0.0"
variables:
  threshold: {type: int, default: 1000, overridable: true}
"""


def write_project(root: Path, resources: int, port: int, protocol: str) -> None:
    quarter = resources // 4
    params = resources - 3 * quarter
    folder = root / "site_templates" / "bench"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(TEMPLATE)
    lines = ["system_parameter:"]
    lines += [f"  p{i}:\n    key: bench.param.{i}\n    value: \"value {i}\"" for i in range(params)]
    lines.append("server_action:")
    lines += [f"  a{i}:\n    name: \"Bench action {i}\"\n    model: sale.order\n"
              f"    code: \"records.write({{}})  # {i}\"" for i in range(quarter)]
    lines.append("automation:")
    lines += [f"  r{i}:\n    name: \"Bench rule {i}\"\n    model: sale.order\n    trigger: on_create_or_write\n"
              f"    filter_domain: \"[('amount_total', '>', {{{{ threshold + {i} }}}})]\"\n    actions: [a{i}]"
              for i in range(quarter)]
    lines.append("scheduled_action:")
    lines += [f"  c{i}:\n    name: \"Bench cron {i}\"\n    model: sale.order\n    code: \"model.search([])\"\n"
              f"    interval_number: {1 + i % 12}\n    interval_type: hours" for i in range(quarter)]
    (folder / "resources.yaml").write_text("\n".join(lines) + "\n")
    (root / "sites").mkdir()
    (root / "sites" / "bench.yaml").write_text(
        "template: bench\n"
        f"odoo:\n  url: http://127.0.0.1:{port}\n  database: bench\n  login: admin\n"
        f"  password_env: BENCH_PASSWORD\n  protocol: {protocol}\n"
        "scope:\n  company: Harmonia Distribution East\n")


def timed_plan(app: Harmonizer) -> tuple[float, int, int, int]:
    desired = app.render("bench")
    started = time.perf_counter()
    with app.session("bench") as session:
        before = session.stats.round_trips
        live = LiveReader(session.reader(), "bench", session.version.major).snapshot(desired)
        site_plan = plan_site(desired, live, url="bench", database="bench", odoo_version=session.version.full)
        trips = session.stats.round_trips - before
        total = session.stats.round_trips
    return time.perf_counter() - started, trips, total, len(site_plan.pending)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.0, help="injected seconds per round trip")
    parser.add_argument("--protocol", choices=["xmlrpc", "jsonrpc"], default="xmlrpc")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SandboxServer(Path(tmp) / "odoo")
        server.ensure_database("bench", fixture="demo-east")
        levers = Levers()
        with start(WireApp(server, levers)) as running:
            write_project(Path(tmp), args.resources, running.port, args.protocol)
            app = Harmonizer(Path(tmp), env={"BENCH_PASSWORD": "admin"})
            seconds, trips, _total, pending = timed_plan(app)
            print(f"plan from scratch:  {args.resources} resources, {pending} changes, "
                  f"{trips} round trips (reads), {seconds:.3f} s")
            started = time.perf_counter()
            outcome = app.apply(app.plan(["bench"]))[0]
            print(f"apply:              {'ok' if outcome.ok else outcome.error}, {time.perf_counter() - started:.2f} s")
            levers.latency = args.latency
            runs = [timed_plan(app) for _ in range(args.repeat)]
            best = min(r[0] for r in runs)
            print(f"plan of converged site ({args.protocol}, latency {args.latency * 1000:.1f} ms/round trip): "
                  f"{runs[0][3]} changes, {runs[0][1]} round trips for the reads "
                  f"(+{runs[0][2] - runs[0][1]} to connect), best of {args.repeat}: {best:.3f} s")
        server.close()


if __name__ == "__main__":
    main()
