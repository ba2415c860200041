"""Wall time, client CPU, logins and round trips of ``apply`` for one site of N system parameters.

What ``harmonizer apply site=S --auto-approve`` does, through the Python API (one
``Harmonizer`` per command, as the CLI): the first apply (plan + lock + creates + audit
record), an apply with nothing to change, then an apply deleting them all again (leaves
the database as it was). Against a real Odoo when the live suite's environment is set
(``HARMONIZER_LIVE_URL``, ``_DB``, ``_LOGIN``, ``_PASSWORD``, optionally ``_PROTOCOL``; use a
database of your own), else against the in-process stand-in. ``--repeat N`` runs the three
steps N times and prints the best and the spread. A script printing figures::

    python benchmarks/apply_bench.py [--resources 500] [--repeat 3]

Where the wall goes: every call's wait is timed (the server's time plus the wire's); calls
much slower than the trivial one are listed with the call before them. On a real Odoo 17
those are password checks: ``authenticate`` hashes the password, and so does the first
``execute_kw`` after Odoo's caches were cleared -- which every write to
``ir.config_parameter`` (system parameters, and harmonizer's lock) or ``unlink`` of
``ir.model.data`` does. ``tests/live/test_live_bench.py`` prints the same from the live suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harmonizer.odoo import connectors
from harmonizer.odoo import session as odoo_session
from harmonizer.odoo.json2 import Json2Connector
from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

PASSWORD_ENV = "APPLY_BENCH_PASSWORD"
LIVE = ("HARMONIZER_LIVE_URL", "HARMONIZER_LIVE_DB", "HARMONIZER_LIVE_LOGIN", "HARMONIZER_LIVE_PASSWORD")
STEPS = ("first apply", "no-change apply", "delete them again")
#: A call this many times slower than the trivial round trip (and >= SLOW_SECONDS) is listed.
SLOW_FACTOR = 5.0
SLOW_SECONDS = 0.15


class Calls:
    """Logins and calls made while a step runs (the client patched while ``watching()``): XML-RPC
    and JSON-RPC calls by service and method, JSON-2 calls by model and method."""

    def __init__(self) -> None:
        self.logins = 0
        self.calls: Counter[str] = Counter()
        #: Wall seconds spent waiting for each kind of call (the server's time plus the wire's).
        self.seconds: Counter[str] = Counter()
        #: (call, seconds) in the order sent.
        self.timeline: list[tuple[str, float]] = []

    @contextmanager
    def watching(self) -> Iterator[Calls]:
        real_connect, real_send = odoo_session.connect, connectors.RpcConnector.send

        def connect(settings: Any) -> Any:
            self.logins += 1
            return real_connect(settings)

        def send(connector: Any, service: str, method: str, *args: Any) -> Any:
            info = connectors.describe(service, method, args)
            return self._timed(f"{info.key[0]}.{info.key[1]}", lambda: real_send(connector, service, method, *args))

        real_json2_call, real_json2_version = Json2Connector.call, Json2Connector.version

        def json2_call(connector: Any, model: str, method: str, *args: Any) -> Any:
            return self._timed(f"{model}.{method}", lambda: real_json2_call(connector, model, method, *args))

        def json2_version(connector: Any) -> Any:
            return self._timed("json.version", lambda: real_json2_version(connector))

        odoo_session.connect = connect  # type: ignore[assignment]
        connectors.RpcConnector.send = send  # type: ignore[method-assign]
        Json2Connector.call = json2_call  # type: ignore[method-assign]
        Json2Connector.version = json2_version  # type: ignore[method-assign]
        try:
            yield self
        finally:
            odoo_session.connect = real_connect  # type: ignore[assignment]
            connectors.RpcConnector.send = real_send  # type: ignore[method-assign]
            Json2Connector.call = real_json2_call  # type: ignore[method-assign]
            Json2Connector.version = real_json2_version  # type: ignore[method-assign]

    def _timed(self, key: str, send: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            return send()
        finally:
            seconds = time.perf_counter() - start
            self.calls[key] += 1
            self.seconds[key] += seconds
            self.timeline.append((key, seconds))

    def reset(self) -> None:
        self.logins = 0
        self.calls.clear()
        self.seconds.clear()
        self.timeline.clear()


@dataclass(frozen=True)
class Step:
    """The figures of one ``apply`` command."""

    label: str
    wall: float
    cpu: float
    logins: int
    calls: Counter[str]
    seconds: Counter[str]
    timeline: list[tuple[str, float]]
    changes: dict[str, int]

    @property
    def round_trips(self) -> int:
        return sum(self.calls.values())

    def slow_calls(self, trivial: float) -> list[str]:
        """Calls far slower than ``trivial`` seconds, each with its number and the call before it."""
        limit = max(SLOW_SECONDS, SLOW_FACTOR * trivial)
        return [f"#{n} {key} {seconds:.2f} s (after {self.timeline[n - 2][0] if n > 1 else 'nothing'})"
                for n, (key, seconds) in enumerate(self.timeline, 1) if seconds >= limit]

    def lines(self, trivial: float | None = None) -> list[str]:
        top = ", ".join(f"{name} {n}" for name, n in self.calls.most_common())
        waits = ", ".join(f"{name} {seconds:.2f}" for name, seconds in self.seconds.most_common(6))
        out = [f"{self.label:<18} wall {self.wall:6.2f} s, client CPU {self.cpu:5.2f} s, logins {self.logins}, "
               f"round trips {self.round_trips} ({top}); changes {self.changes or 'none'}",
               f"{'':<18} waiting on the server {sum(self.seconds.values()):.2f} s: {waits}"]
        if trivial is not None:
            slow = self.slow_calls(trivial)
            out.append(f"{'':<18} slow calls: {'; '.join(slow) if slow else 'none'}")
        return out


def write_template(root: Path, resources: int) -> None:
    folder = root / "site_templates" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text('name: bench\nversion: "1.0.0"\nvariables: {}\n')
    lines = ["system_parameter:"] if resources else []
    for i in range(resources):
        lines += [f"  apply_{i:04d}:", f"    key: harmonizer.apply_bench.{i:04d}", f'    value: "value {i}"']
    (folder / "parameters.yaml").write_text("\n".join(lines) + "\n" if lines else "{}\n")


def write_site(root: Path, live: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """The site ``bench`` on the live suite's Odoo (``live``: its HARMONIZER_LIVE_* values, by
    default from the environment) or on the in-process stand-in; (description, env)."""
    (root / "sites").mkdir(exist_ok=True)
    if live is None and all(os.environ.get(name) for name in LIVE):
        live = {name: os.environ[name] for name in LIVE}
    if live:
        protocol = os.environ.get("HARMONIZER_LIVE_PROTOCOL", "xmlrpc")
        odoo = (f"  url: {live['HARMONIZER_LIVE_URL']}\n  database: {live['HARMONIZER_LIVE_DB']}\n"
                f"  login: {live['HARMONIZER_LIVE_LOGIN']}\n  password_env: {PASSWORD_ENV}\n"
                f"  protocol: {protocol}\n")
        target = f"{live['HARMONIZER_LIVE_URL']} database {live['HARMONIZER_LIVE_DB']} ({protocol})"
        env = {PASSWORD_ENV: live["HARMONIZER_LIVE_PASSWORD"]}
    else:
        odoo, target, env = "  url: sandbox://apply_bench\n", "the in-process stand-in", {}
    (root / "sites" / "bench.yaml").write_text(f"template: bench\nodoo:\n{odoo}")
    return target, env


def step(label: str, calls: Calls, root: Path, env: dict[str, str],
         check: Callable[[Any], None]) -> tuple[Step, Any]:
    """One ``apply`` command: plan, then apply what it shows; its figures and (plan, outcomes)."""
    calls.reset()
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    with Harmonizer(root, env=env) as app:
        plan = app.plan(["bench"])
        outcomes = app.apply(plan) if plan.has_changes else []
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    check((plan, outcomes))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    changes = Counter(c.action.value for s in plan.sites for c in s.changes if c.action is not Action.NOOP)
    figures = Step(label, wall, cpu, calls.logins, Counter(calls.calls), Counter(calls.seconds),
                   list(calls.timeline), dict(changes))
    return figures, (plan, outcomes)


def converged(result: Any) -> None:
    plan, outcomes = result
    if plan.failures or not all(o.ok for o in outcomes):
        raise SystemExit(f"apply failed: {plan.failures or [o.error for o in outcomes]}")


def server_round_trip(root: Path, env: dict[str, str]) -> float:
    """How long the server takes to answer a trivial call right now (seconds, median of 5)."""
    with Harmonizer(root, env=env) as app, app.session("bench") as session:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            session.execute("res.users", "search_count", [[]], {})
            times.append(time.perf_counter() - start)
    return sorted(times)[2]


@dataclass
class Rounds:
    """Every round of the three steps, and the trivial round trip measured after each."""

    steps: dict[str, list[Step]] = field(default_factory=lambda: {label: [] for label in STEPS})
    trivial: list[float] = field(default_factory=list)

    def summary(self, label: str) -> str:
        walls = [s.wall for s in self.steps[label]]
        trips = sorted({s.round_trips for s in self.steps[label]})
        spread = f", spread {min(walls):.2f}-{max(walls):.2f} s, median {statistics.median(walls):.2f} s"
        return (f"{label:<18} best wall {min(walls):.2f} s of {len(walls)}"
                f"{spread if len(walls) > 1 else ''}; round trips {'/'.join(map(str, trips))}")


def run(root: Path, resources: int, repeat: int, env: dict[str, str],
        out: Callable[[str], None] = print) -> Rounds:
    """``repeat`` rounds of first apply, no-change apply, deletion; each step's lines to ``out``."""
    rounds = Rounds()
    calls = Calls()
    with calls.watching():
        for number in range(1, repeat + 1):
            if repeat > 1:
                out(f"-- round {number}")
            write_template(root, resources)
            first, _ = step(STEPS[0], calls, root, env, converged)
            again, (plan, _) = step(STEPS[1], calls, root, env, converged)
            if plan.has_changes:
                raise SystemExit("the apply did not converge: the next plan still has changes")
            trivial = server_round_trip(root, env)
            rounds.trivial.append(trivial)
            write_template(root, 0)
            delete, _ = step(STEPS[2], calls, root, env, converged)
            for figures in (first, again, delete):
                rounds.steps[figures.label].append(figures)
                for line in figures.lines(trivial):
                    out(line)
            out(f"server round trip now: {trivial * 1000:.0f} ms (median of 5 search_count, after the login)")
    if repeat > 1:
        for label in STEPS:
            out(rounds.summary(label))
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the three steps (best and spread)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="apply-bench-") as tmp:
        root = Path(tmp)
        target, env = write_site(root)
        print(f"apply of {args.resources} system parameters on {target}; wall includes the login")
        run(root, args.resources, args.repeat, env)


if __name__ == "__main__":
    main()
