"""Wall time, client CPU, logins and round trips of ``apply`` for one site of N system parameters.

What ``harmonizer apply site=S --auto-approve`` does, through the Python API (one
``Harmonizer`` per command, as the CLI): the first apply (plan + lock + creates + audit
record), an apply with nothing to change, then an apply deleting them all again (leaves
the database as it was). Against a real Odoo when the live suite's environment is set
(``HARMONIZER_LIVE_URL``, ``_DB``, ``_LOGIN``, ``_PASSWORD``, optionally ``_PROTOCOL``; use a
database of your own), else against the in-process stand-in. A script printing figures::

    python benchmarks/apply_bench.py [--resources 500]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harmonizer.odoo import connectors
from harmonizer.odoo import session as odoo_session
from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

PASSWORD_ENV = "APPLY_BENCH_PASSWORD"
LIVE = ("HARMONIZER_LIVE_URL", "HARMONIZER_LIVE_DB", "HARMONIZER_LIVE_LOGIN", "HARMONIZER_LIVE_PASSWORD")


class Calls:
    """Logins and RPC calls made while a step runs (patched into the client for this script)."""

    def __init__(self) -> None:
        self.logins = 0
        self.calls: Counter[str] = Counter()
        real_connect, real_send = odoo_session.connect, connectors.RpcConnector.send

        def connect(settings: Any) -> Any:
            self.logins += 1
            return real_connect(settings)

        def send(connector: Any, service: str, method: str, *args: Any) -> Any:
            info = connectors.describe(service, method, args)
            self.calls[f"{info.key[0]}.{info.key[1]}"] += 1
            return real_send(connector, service, method, *args)

        odoo_session.connect = connect  # type: ignore[assignment]
        connectors.RpcConnector.send = send  # type: ignore[method-assign]

    def reset(self) -> None:
        self.logins = 0
        self.calls.clear()


def write_template(root: Path, resources: int) -> None:
    folder = root / "site_templates" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text('name: bench\nversion: "1.0.0"\nvariables: {}\n')
    lines = ["system_parameter:"] if resources else []
    for i in range(resources):
        lines += [f"  apply_{i:04d}:", f"    key: harmonizer.apply_bench.{i:04d}", f'    value: "value {i}"']
    (folder / "parameters.yaml").write_text("\n".join(lines) + "\n" if lines else "{}\n")


def write_site(root: Path) -> tuple[str, dict[str, str]]:
    (root / "sites").mkdir(exist_ok=True)
    if all(os.environ.get(name) for name in LIVE):
        protocol = os.environ.get("HARMONIZER_LIVE_PROTOCOL", "xmlrpc")
        odoo = (f"  url: {os.environ['HARMONIZER_LIVE_URL']}\n  database: {os.environ['HARMONIZER_LIVE_DB']}\n"
                f"  login: {os.environ['HARMONIZER_LIVE_LOGIN']}\n  password_env: {PASSWORD_ENV}\n"
                f"  protocol: {protocol}\n")
        target = f"{os.environ['HARMONIZER_LIVE_URL']} database {os.environ['HARMONIZER_LIVE_DB']} ({protocol})"
        env = {PASSWORD_ENV: os.environ["HARMONIZER_LIVE_PASSWORD"]}
    else:
        odoo, target, env = "  url: sandbox://apply_bench\n", "the in-process stand-in", {}
    (root / "sites" / "bench.yaml").write_text(f"template: bench\nodoo:\n{odoo}")
    return target, env


def step(calls: Calls, root: Path, env: dict[str, str], check: Callable[[Any], None]) -> tuple[float, float, Any]:
    """One ``apply`` command: plan, then apply what it shows; (wall s, client CPU s, result)."""
    calls.reset()
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    with Harmonizer(root, env=env) as app:
        plan = app.plan(["bench"])
        outcomes = app.apply(plan) if plan.has_changes else []
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    check((plan, outcomes))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, (plan, outcomes)


def converged(result: Any) -> None:
    plan, outcomes = result
    if plan.failures or not all(o.ok for o in outcomes):
        raise SystemExit(f"apply failed: {plan.failures or [o.error for o in outcomes]}")


def report(label: str, calls: Calls, wall: float, cpu: float, plan: Any) -> None:
    changes = Counter(c.action.value for s in plan.sites for c in s.changes if c.action is not Action.NOOP)
    top = ", ".join(f"{name} {n}" for name, n in calls.calls.most_common())
    print(f"{label:<18} wall {wall:6.2f} s, client CPU {cpu:5.2f} s, logins {calls.logins}, "
          f"round trips {sum(calls.calls.values())} ({top}); changes {dict(changes) or 'none'}")


def server_round_trip(root: Path, env: dict[str, str]) -> float:
    """How long the server takes to answer a trivial call right now (seconds, median of 5)."""
    with Harmonizer(root, env=env) as app, app.session("bench") as session:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            session.execute("res.users", "search_count", [[]], {})
            times.append(time.perf_counter() - start)
    return sorted(times)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=500)
    args = parser.parse_args()
    calls = Calls()
    with tempfile.TemporaryDirectory(prefix="apply-bench-") as tmp:
        root = Path(tmp)
        write_template(root, args.resources)
        target, env = write_site(root)
        print(f"apply of {args.resources} system parameters on {target}; wall includes the login")
        wall, cpu, (plan, _) = step(calls, root, env, converged)
        report("first apply", calls, wall, cpu, plan)
        wall, cpu, (plan, _) = step(calls, root, env, converged)
        if plan.has_changes:
            raise SystemExit("the apply did not converge: the next plan still has changes")
        report("no-change apply", calls, wall, cpu, plan)
        print(f"server round trip now: {server_round_trip(root, env) * 1000:.0f} ms (median of 5 search_count, "
              "after the login; the walls above are mostly the server's)")
        write_template(root, 0)
        wall, cpu, (plan, _) = step(calls, root, env, converged)
        report("delete them again", calls, wall, cpu, plan)


if __name__ == "__main__":
    main()
