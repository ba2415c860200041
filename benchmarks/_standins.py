"""What the fleet benchmarks share: the generated template, converged stand-in databases, and
stand-ins served out of process (``harmonizer sandbox serve``). Not a benchmark itself.

One site is converged through the in-process stand-in, then its database file is copied for
every other site: seeding 50 databases costs one apply.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERSION = "17.0"


def write_template(root: Path, resources: int) -> None:
    """``site_templates/bench``: ``resources`` system parameters ``bench.param.NNNN``; an empty ``sites/``."""
    template = root / "site_templates" / "bench"
    template.mkdir(parents=True)
    (template / "template.yaml").write_text('name: bench\nversion: "1.0.0"\nvariables: {}\n')
    lines = ["system_parameter:"]
    for i in range(resources):
        lines += [f"  param_{i:04d}:", f"    key: bench.param.{i:04d}", f'    value: "value {i}"']
    (template / "parameters.yaml").write_text("\n".join(lines) + "\n")
    (root / "sites").mkdir()


def database_files(home: Path, name: str) -> list[Path]:
    """The files of stand-in database ``name`` in ``home`` (the database and its WAL, if any)."""
    return [p for p in home.iterdir() if p.name.startswith(f"{name}.") and not p.name.endswith(".seeded")]


def copy_database(home: Path, name: str, to_home: Path, to_name: str) -> None:
    for path in database_files(home, name):
        shutil.copy(path, to_home / path.name.replace(name, to_name, 1))


def converged_database(root: Path, resources: int, name: str = "fleet_seed") -> Path:
    """A project at ``root`` whose one site ``name`` (database ``name``, in-process stand-in) has
    been applied; returns the stand-in's home holding that database."""
    from harmonizer.project import Harmonizer

    write_template(root, resources)
    (root / "sites" / f"{name}.yaml").write_text(f"template: bench\nodoo:\n  url: sandbox://{name}\n")
    app = Harmonizer(root, env={})
    outcome = app.apply_site(app.plan_one(name))
    if not outcome.ok:
        raise SystemExit(f"seeding the stand-in failed: {outcome.error}")
    return root / ".harmonizer" / "sandbox" / VERSION


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen | None = None, timeout: float = 60.0) -> bool:
    """True once something listens on ``port``; False if ``process`` (the server meant to)
    ended first, e.g. because another process took the port after ``free_port`` let it go."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.05)
    raise SystemExit(f"the stand-in on port {port} did not start")


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) process ``pid`` has used so far (Linux /proc), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Served:
    """``harmonizer sandbox serve`` processes, each serving the databases of one group of sites."""

    processes: list[subprocess.Popen] = field(default_factory=list)
    port_of: dict[str, int] = field(default_factory=dict)

    def cpu(self) -> float | None:
        """CPU seconds the server processes have used so far (None where /proc is missing)."""
        readings = [process_cpu(p.pid) for p in self.processes]
        return None if any(r is None for r in readings) else sum(r for r in readings if r is not None)

    def stop(self) -> float:
        """Stop the servers; their CPU seconds in all (user + system, start-up included)."""
        cpu = 0.0
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            _, _, usage = os.wait4(process.pid, 0)
            process.returncode = 0  # reaped here
            cpu += usage.ru_utime + usage.ru_stime
        return cpu


def _serve_on(project: Path, home: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "harmonizer.cli", "--project", str(project), "sandbox", "serve",
                             "--home", str(home), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def serve(tmp: Path, project: Path, seed_home: Path, seed: str, databases: list[str], groups: int,
          latency: float) -> Served:
    """Start ``groups`` server processes (round-robin over ``databases``, each a copy of ``seed``),
    with ``latency`` seconds added to every request; returns once they all listen."""
    env = dict(os.environ, HARMONIZER_SANDBOX_LATENCY=str(latency), PYTHONPATH=str(REPO))
    served = Served()
    for group in range(groups):
        home = tmp / f"home-{group}"
        home.mkdir()
        members = databases[group::groups]
        for name in members:
            copy_database(seed_home, seed, home, name)
        served.processes.append(_serve_on(project, home, port := free_port(), env))
        served.port_of.update({name: port for name in members})
    for group in range(groups):  # all start at once, then each is waited for
        members = databases[group::groups]
        restarts = 0
        while not wait_for(served.port_of[members[0]], served.processes[group]):
            # it ended before listening: another process took the port after free_port let it go
            served.processes[group].wait()
            if restarts == 2:
                raise SystemExit(f"the stand-in of {', '.join(members)} ended before listening, three times")
            restarts += 1
            served.processes[group] = _serve_on(project, tmp / f"home-{group}", port := free_port(), env)
            served.port_of.update({name: port for name in members})
    return served
