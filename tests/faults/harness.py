"""The fault-injection harness: one stand-in per scenario, a snapshot of its database, a clean
reference run, then for every request position N of that run and every fault mode: the run
with the fault at N, the rerun, the plan after it and the integrity checks.

Rules:
- A scenario is a project (the shipped template on one Odoo version and protocol), the
  stand-in's database before the run (an in-memory SQLite snapshot, restored for every case
  instead of seeding again) and the CLI arguments of the run (``apply site=warehouse-1``).
- The reference run (no fault) gives the number of request positions, what each request
  asked, and the database's signature after a clean apply: every case must end with the
  same signature (same number of records per managed model, same external IDs).
- Nothing here sleeps: the client's retry pauses are made instant and an injected hang
  raises the timeout at once (the in-process channel has no clock).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from forking import Family, family

from harmonizer import project as project_module
from harmonizer.cli import main
from harmonizer.kinds.registry import KINDS
from harmonizer.odoo import register_sandbox
from harmonizer.plan.live import LOCK_KEY, MODULE
from harmonizer.project import Harmonizer
from harmonizer.sandbox import exceptions as standin
from harmonizer.sandbox.profile import SANDBOX_API_KEYS
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire.app import WireApp
from harmonizer.sandbox.wire.levers import FaultKind, InjectedFault, Levers

REPO = Path(__file__).resolve().parents[2]
DATABASE = "harmonizer_demo"
SITE = "warehouse-1"
KEY_ENV = "HARMONIZER_FAULTS_KEY"
ENV = {"HARMONIZER_N8N_TOKEN": "n8n-faults-token"}

#: Fault modes: name -> how the stand-in's levers inject it at a call number.
MODES: dict[str, Callable[[int], InjectedFault]] = {
    "reset-before": lambda n: InjectedFault(n, FaultKind.RESET_BEFORE),
    "reset-after": lambda n: InjectedFault(n, FaultKind.RESET_AFTER),
    "http502": lambda n: InjectedFault(n, FaultKind.HTTP_502),
    "hang": lambda n: InjectedFault(n, FaultKind.TIMEOUT, seconds=0.05),
    # Odoo's two refusals: a ValidationError at odd positions, an AccessError at even ones.
    "odoo-error": lambda n: InjectedFault(n, FaultKind.ODOO_ERROR, error=(
        standin.ValidationError("Injected: invalid value") if n % 2 else standin.AccessError("Injected: not allowed"))),
    "cron-busy": lambda n: InjectedFault(n, FaultKind.CRON_BUSY),
}

#: (Odoo version, protocol): 17 over XML-RPC, 19 over JSON-2 with an API key.
VERSIONS = {"17": ("17.0", "xmlrpc"), "19": ("19.0", "json2")}
KINDS_OF_RUN = ("first", "update", "delete")

#: The update scenario: the site changes every variable it may vary that touches a record.
UPDATE_VARIABLES = {"po_approval_amount": "8200", "purchase_lead_days": "4", "fast_mover_min_qty": "55",
                    "fast_mover_max_qty": "260", "ground_rate": "24"}
#: The delete scenario: these template files are removed (their owned records are deleted).
DELETED_FILES = ("carriers.yaml", "routes.yaml", "activities.yaml")


def copy_project(root: Path, version: str, protocol: str) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    for path in sorted((root / "sites").glob("*.yaml")):
        text = re.sub(r'(?m)^  odoo_version: "[0-9.]+"\n', "", path.read_text(encoding="utf-8"))
        extra = f'  odoo_version: "{version}"\n'
        if protocol == "json2":
            extra += f"  protocol: json2\n  password_env: {KEY_ENV}\n"
        path.write_text(re.sub(r"(?m)^(odoo:\n)", rf"\1{extra}", text, count=1), encoding="utf-8")
    home = root / ".harmonizer" / "sandbox" / version
    home.mkdir(parents=True)
    for database in ("harmonizer_demo", "harmonizer_east"):
        (home / f"{database}.seeded").write_text("seeded by the fault harness\n")
    return root


@dataclass(frozen=True)
class Signature:
    """What a converged database holds: records per managed model and harmonizer's external IDs."""

    counts: tuple[tuple[str, int], ...]
    xmlids: tuple[tuple[str, str], ...]


@dataclass
class Integrity:
    duplicates: list[str] = field(default_factory=list)
    xmlid_problems: list[str] = field(default_factory=list)
    locks: int = 0


def managed_models() -> list[str]:
    models = {kind.model for kind in KINDS.values()} | {"ir.model.data", "ir.config_parameter",
                                                       "ir.actions.server", "delivery.zip.prefix"}
    return sorted(models)


def inspect(server: SandboxServer) -> tuple[Signature, Integrity]:
    """The scenario database's signature and its integrity problems."""
    return inspect_database(server, DATABASE)


def inspect_database(server: SandboxServer, database: str) -> tuple[Signature, Integrity]:
    """A database's signature and its integrity problems (read straight from the stand-in)."""
    problems = Integrity()
    with server.env(database) as env:
        counts = []
        for model in managed_models():
            if model in env:
                table = env.spec(model).table
                # A lock left is counted once, as a lock (below), not also as an extra parameter.
                where, args = ("WHERE key != ?", (LOCK_KEY,)) if model == "ir.config_parameter" else ("", ())
                counts.append((model, int(env.store.conn.execute(f"SELECT COUNT(*) FROM {table} {where}",
                                                                 args).fetchone()[0])))
        rows = env.store.conn.execute("SELECT name, model, res_id FROM ir_model_data WHERE module = ?",
                                      (MODULE,)).fetchall()
        names = Counter(row["name"] for row in rows)
        targets = Counter((row["model"], row["res_id"]) for row in rows)
        problems.xmlid_problems += [f"external ID {MODULE}.{name} twice" for name, n in names.items() if n > 1]
        problems.xmlid_problems += [f"{model} #{res_id} has {n} external IDs"
                                    for (model, res_id), n in targets.items() if n > 1]
        for row in rows:
            if row["model"] in env and not env.store.existing(env.spec(row["model"]), [row["res_id"]]):
                problems.xmlid_problems.append(f"{MODULE}.{row['name']} points at a missing {row['model']}")
        problems.locks = int(env.store.conn.execute(
            "SELECT COUNT(*) FROM ir_config_parameter WHERE key = ?", (LOCK_KEY,)).fetchone()[0])
    signature = Signature(tuple(counts), tuple(sorted((row["name"], row["model"]) for row in rows)))
    return signature, problems


def compare(expected: Signature, got: Signature, integrity: Integrity) -> list[str]:
    """Duplicates: any managed model with more records than after a clean run."""
    out = []
    want = dict(expected.counts)
    for model, count in got.counts:
        if count > want.get(model, 0):
            out.append(f"{count - want.get(model, 0)} duplicate {model} record(s)")
            integrity.duplicates.append(model)
        elif count < want.get(model, 0):
            out.append(f"{want.get(model, 0) - count} {model} record(s) missing")
    missing = set(expected.xmlids) - set(got.xmlids)
    extra = set(got.xmlids) - set(expected.xmlids)
    if missing or extra:
        out.append(f"external IDs differ from a clean run: missing {sorted(missing)[:3]}, extra {sorted(extra)[:3]}")
    return out


@dataclass
class Run:
    code: int
    output: str


@dataclass
class Scenario:
    """One run to break: a project, a stand-in with its database snapshot, a reference run."""

    name: str
    root: Path
    server: SandboxServer
    wire: WireApp
    snapshot: bytes
    args: tuple[str, ...]
    env: dict[str, str]
    positions: int = 0
    log: dict[int, str] = field(default_factory=dict)
    reference: Signature | None = None

    def cli(self, *args: str) -> Run:
        result = CliRunner().invoke(main, ["--project", str(self.root), *args], env=self.env)
        return Run(result.exit_code, result.output)

    def reset(self, faults: list[InjectedFault]) -> Levers:
        self.server.restore(DATABASE, self.snapshot)
        levers = Levers(faults=faults)
        self.wire.levers = levers
        (self.root / ".harmonizer" / "audit.log").unlink(missing_ok=True)
        return levers

    def audit_records(self) -> int:
        path = self.root / ".harmonizer" / "audit.log"
        return len(path.read_text().splitlines()) if path.exists() else 0


def build_scenario(base: Path, version_key: str, kind: str) -> Scenario:
    version, protocol = VERSIONS[version_key]
    name = f"{kind} apply on {version_key}"
    root = copy_project(base / f"{kind}-{version_key}", version, protocol)
    env = dict(ENV)
    if protocol == "json2":
        env[KEY_ENV] = SANDBOX_API_KEYS["admin"]
    server = SandboxServer(None, version)
    server.ensure_database(DATABASE, fixture="demo")
    wire = WireApp(server, Levers())
    register_sandbox(DATABASE, wire)
    # The reference run of ``run_every_position`` waits for its case processes while it plans:
    # the impact counts' time budget (wall clock) must not cut its requests short.
    args: tuple[str, ...] = ("apply", f"site={SITE}", "--auto-approve", "--impact-timeout", "86400")
    if kind != "first":
        app = Harmonizer(root, env=env)
        outcome = app.apply(app.plan([SITE]))[0]
        assert outcome.ok, outcome.error
        if kind == "update":
            path = root / "sites" / f"{SITE}.yaml"
            text = path.read_text()
            for variable, value in UPDATE_VARIABLES.items():
                text, count = re.subn(rf"(?m)^  {variable}: .*$", f"  {variable}: {value}", text)
                assert count == 1, variable
            path.write_text(text)
        else:
            for file in DELETED_FILES:
                (root / "site_templates" / "distribution-standard" / file).unlink()
            args += ("--allow-delete",)
    scenario = Scenario(name, root, server, wire, server.snapshot(DATABASE), args, env)
    levers = scenario.reset([])
    clean = scenario.cli(*args)
    assert clean.code == 0, clean.output
    scenario.positions, scenario.log = levers.calls, dict(levers.log)
    scenario.reference, integrity = inspect(server)
    assert not integrity.xmlid_problems and not integrity.locks, integrity
    after = scenario.cli("plan", f"site={SITE}", "--detailed-exitcode")
    assert after.code == 0, after.output
    return scenario


@dataclass
class CaseResult:
    position: int
    mode: str
    call: str
    problems: list[str]
    recovered_in_run: bool
    duplicates: int = 0
    locks: int = 0


ONE_LINE_HINTS = ("may have", "nothing was written", "before writing anything", "not attempted",
                  "applied before", "retry later", "nothing was changed")


def run_case(scenario: Scenario, mode: str, position: int) -> CaseResult:
    """Break request ``position`` with ``mode``, rerun, plan, and check what the brief requires."""
    scenario.reset([MODES[mode](position)])
    return finish_case(scenario, mode, position, scenario.cli(*scenario.args))


def finish_case(scenario: Scenario, mode: str, position: int, first: Run) -> CaseResult:
    """The checks of a faulted run (``first``), then the next apply, the plan after it and the
    database's integrity."""
    problems: list[str] = []
    call = scenario.log.get(position, "?")
    if "Traceback" in first.output or first.code not in (0, 1):
        problems.append(f"faulted run: exit {first.code}, traceback or internal error: {first.output[-300:]!r}")
    elif first.code == 1:
        errors = [line for line in first.output.splitlines() if line.startswith(("Error:", "✗", "Apply failed"))]
        if not errors:
            problems.append(f"faulted run exits 1 without an error line: {first.output[-300:]!r}")
        elif not any(hint in first.output for hint in ONE_LINE_HINTS):
            problems.append(f"faulted run does not say what may have been written: {errors[0]!r}")
        if "internal error" in first.output:
            problems.append(f"faulted run: internal error: {errors[0]!r}")
    problems += [f"the faulted run's output holds the value of ${name}" for name, value in scenario.env.items()
                 if len(value) >= 8 and value in first.output]
    audits_first = scenario.audit_records()
    scenario.wire.levers = Levers()
    app = Harmonizer(scenario.root, env=scenario.env)
    rerun_wrote = False
    if first.code == 0:  # finished by itself: the next apply must have nothing to do
        if app.plan([SITE]).has_changes:
            problems.append("the run exited 0 but the plan after it is not empty")
    else:  # the next apply (what `harmonizer apply` runs: plan, then apply that plan)
        plan = app.plan([SITE])
        if plan.failures:
            problems.append(f"rerun: the plan fails: {plan.failures[0].error}")
        elif plan.has_changes:
            rerun_wrote = True
            outcome = app.apply(plan)[0]
            if not outcome.ok:
                problems.append(f"rerun fails: {outcome.error}")
            elif app.plan([SITE]).has_changes:
                problems.append("the plan after the rerun is not empty")
    signature, integrity = inspect(scenario.server)
    assert scenario.reference is not None
    problems += compare(scenario.reference, signature, integrity)
    problems += integrity.xmlid_problems
    if integrity.locks:
        problems.append(f"{integrity.locks} lock(s) left")
    audits = scenario.audit_records()
    if audits < audits_first + (1 if rerun_wrote else 0):
        problems.append(f"audit trail holds {audits} record(s) for the two runs")
    return CaseResult(position, mode, call, problems, recovered_in_run=first.code == 0,
                      duplicates=len(integrity.duplicates), locks=integrity.locks)


def describe(results: list[CaseResult]) -> str:
    failing = [r for r in results if r.problems]
    return "\n".join(f"  position {r.position} ({r.call}), {r.mode}: {'; '.join(r.problems)}" for r in failing[:25])


def positions_of(scenario: Scenario) -> range:
    return range(1, scenario.positions + 1)


WORKERS_ENV = "HARMONIZER_FAULT_WORKERS"


def workers() -> int:
    """Case processes at once: ``$HARMONIZER_FAULT_WORKERS``, else one per CPU."""
    if os.environ.get(WORKERS_ENV):
        return max(1, int(os.environ[WORKERS_ENV]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ForkingLevers(Levers):
    """The reference run's levers: just before each request position is served, one case
    process per mode is forked (``forking``); in it, that request gets the mode's fault and
    the process goes on as the faulted run. No fault is ever served to the parent."""

    def __init__(self, modes: list[str], cases: Family) -> None:
        super().__init__()
        self.modes = modes
        self.cases = cases

    def next_call(self) -> tuple[int, InjectedFault | None]:
        number, fault = super().next_call()
        if self.cases.case is not None:  # a case process: its own fault was served already
            return number, fault
        for mode in self.modes:
            if self.cases.fork(number, mode):
                return number, MODES[mode](number)
        return number, fault


def _relative_root(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """``find_root`` keeping a relative ``--project`` relative (each case process has its own)."""
    assert explicit is not None and not Path(explicit).is_absolute(), explicit
    return Path(explicit)


def cpu_seconds() -> float:
    """CPU seconds of this process and of its ended (waited for) child processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_every_position(scenario: Scenario, modes: list[str]) -> list[CaseResult]:
    """Every (request position, mode) case of ``scenario``, forked from one reference run
    (``forking``), at most ``workers()`` at a time; sorted by position, then mode."""
    if not hasattr(os, "fork"):
        return [run_case(scenario, mode, n) for n in positions_of(scenario) for mode in modes]
    root = scenario.root
    outbox = root.with_name(f"{root.name}-cases")
    shutil.rmtree(outbox, ignore_errors=True)
    scenario.reset([])
    try:
        with pytest.MonkeyPatch.context() as patch, family(workers(), root, outbox) as cases:
            patch.setattr(project_module, "find_root", _relative_root)
            scenario.root = Path(root.name)
            # Every case's rerun plans with its own project object (the project is reached by
            # that path now): parsed, rendered and checked once here, not once per case process.
            with Harmonizer(scenario.root, env=scenario.env) as warm:
                assert not warm.plan([SITE]).failures
            levers = ForkingLevers(modes, cases)
            scenario.wire.levers = levers
            clean = scenario.cli(*scenario.args)
            if cases.case is not None:  # a case process: its rerun and checks, then it exits
                position, mode = cases.case
                cases.finish(lambda: finish_case(scenario, mode, position, clean))
            assert clean.code == 0, clean.output
            assert levers.calls == scenario.positions, (levers.calls, scenario.positions)
    finally:
        scenario.root = root
    found = cases.results()
    out = []
    for position in positions_of(scenario):
        for mode in modes:
            result = found.get((position, mode), "it was never forked")
            if not isinstance(result, CaseResult):
                result = CaseResult(position, mode, scenario.log.get(position, "?"),
                                    [f"the case's process failed: {result}"], recovered_in_run=False)
            out.append(result)
    shutil.rmtree(outbox, ignore_errors=True)
    return out
