"""The site lock: one apply per Odoo database at a time, refused with the holder's name."""

from __future__ import annotations

import json
import threading
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.errors import HarmonizerError
from harmonizer.plan.model import Change
from harmonizer.project import Harmonizer
from harmonizer.safety import lock
from harmonizer.sandbox.serve import RunningSandbox, start
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire.app import WireApp
from tests.safety.conftest import DATABASE, SITE, write_project

WRITES = {"create", "write", "unlink", "load"}


class RecordingApp(WireApp):
    """The stand-in's wire app, recording every model call that writes (model, method)."""

    def __init__(self, server: SandboxServer) -> None:
        super().__init__(server)
        self.writes: list[tuple[str, str]] = []
        self._guard = threading.Lock()

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> Any:
        if path.startswith("/xmlrpc/2/object") and body:
            params, name = xmlrpc.client.loads(body)
            if name == "execute_kw" and params[4] in WRITES:
                with self._guard:
                    self.writes.append((params[3], params[4]))
        return super().handle(method, path, headers, body)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[RunningSandbox, RecordingApp]]:
    server = SandboxServer(tmp_path / "odoo")
    server.ensure_database(DATABASE, fixture="demo-east")
    app = RecordingApp(server)
    with start(app) as running:
        yield running, app
    server.close()


def _http_project(tmp_path: Path, port: int) -> Path:
    site = (f"template: std\nodoo:\n  url: http://127.0.0.1:{port}\n  database: {DATABASE}\n  login: admin\n"
            "  password_env: EAST_PASSWORD\n  protocol: xmlrpc\n"
            "scope:\n  company: Harmonia Distribution East\n  warehouse: WH3\n")
    return write_project(tmp_path / "http-project", site_file=site)


def test_two_concurrent_applies_exactly_one_proceeds(tmp_path: Path, served, token: str) -> None:
    running, wire = served
    root = _http_project(tmp_path, running.port)
    results: dict[str, Any] = {}
    done = {"a": threading.Event(), "b": threading.Event()}
    start_line = threading.Barrier(2)

    def operator(name: str, other: str) -> None:
        app = Harmonizer(root, env={"EAST_PASSWORD": "admin", "SAFETY_N8N_TOKEN": token,
                                    "HARMONIZER_OPERATOR": f"operator-{name}"})
        plan = app.plan([SITE])

        def hold(event: str, _change: Change) -> None:
            # The winner keeps the lock until the other operator has finished trying.
            done[other].wait(timeout=60)

        start_line.wait(timeout=60)
        try:
            results[name] = app.apply_site(plan.sites[0], hold)
        except HarmonizerError as exc:
            results[name] = exc
        finally:
            done[name].set()

    threads = [threading.Thread(target=operator, args=("a", "b")), threading.Thread(target=operator, args=("b", "a"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    refused = [n for n, r in results.items() if isinstance(r, lock.LockHeld)]
    applied = [n for n, r in results.items() if not isinstance(r, Exception) and r.ok]
    assert len(refused) == 1 and len(applied) == 1, results
    winner = applied[0]
    assert f"locked by operator-{winner}" in str(results[refused[0]])
    # Every write that reached Odoo is the winner's: its apply, its audit record, the lock itself.
    assert results[winner].count("applied") == 5
    # Each planned write reached Odoo once (the loser's identical plan wrote nothing).
    for write in [("ir.config_parameter", "load"), ("ir.actions.server", "load"), ("base.automation", "load"),
                  ("res.company", "write")]:
        assert wire.writes.count(write) == 1, wire.writes
    lock_creates = [w for w in wire.writes if w == ("ir.config_parameter", "create")]
    assert len(lock_creates) == 2  # both tried to take the lock; only one create succeeded
    assert wire.writes.count(("mail.message", "create")) == 1
    with Harmonizer(root, env={"EAST_PASSWORD": "admin"}).session(SITE) as session:
        owned = session.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__")], ["name"])
        assert lock.read_lock(session.reader()) is None  # released
    assert len(owned) == len({o["name"] for o in owned}) == 4  # nothing created twice


def test_lock_refuses_with_holder_and_releases_only_its_own(app: Harmonizer) -> None:
    with app.session(SITE) as session:
        writer = session.writer()
        mine = lock.acquire(writer, SITE, "alice")
        with pytest.raises(lock.LockHeld, match="locked by alice on"):
            lock.acquire(writer, SITE, "bob")
        other = lock.LockInfo("bob", "h", "s", "e", "not-alices-token")
        assert not lock.release(writer, other)
        assert lock.read_lock(writer) is not None
        assert lock.release(writer, mine)
        assert lock.read_lock(writer) is None


def test_an_expired_lock_is_broken(app: Harmonizer) -> None:
    with app.session(SITE) as session:
        writer = session.writer()
        lock.acquire(writer, SITE, "ghost", ttl=-60)  # left behind by a killed run, already expired
        taken = lock.acquire(writer, SITE, "alice")
        assert json.loads(writer.search_read("ir.config_parameter", [("key", "=", lock.LOCK_KEY)],
                                             ["value"])[0]["value"])["owner"] == "alice"
        lock.release(writer, taken)


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_lock_is_released_on_error_and_ctrl_c(app: Harmonizer, failure: type[BaseException]) -> None:
    plan = app.plan([SITE]).sites[0]

    def boom(event: str, _change: Change) -> None:
        raise failure("stop")

    with pytest.raises(failure):
        app.apply_site(plan, boom)
    with app.session(SITE) as session:
        assert lock.read_lock(session.reader()) is None


def test_the_lock_never_shows_in_a_plan(app: Harmonizer) -> None:
    assert all(r.ok for r in app.apply(app.plan([SITE])))
    with app.session(SITE) as session:
        held = lock.acquire(session.writer(), SITE, "bob")
        plan = app.plan([SITE])
        assert not plan.failures and not plan.has_changes
        assert all("lock" not in c.address for c in plan.sites[0].changes)
        lock.release(session.writer(), held)


def test_unlock_breaks_a_lock_after_confirmation(app: Harmonizer, run) -> None:
    with app.session(SITE) as session:
        lock.acquire(session.writer(), SITE, "bob")
    refused = run("unlock", SITE)
    assert refused.exit_code == 1 and "locked by bob" in refused.output and "pass --yes" in refused.output
    assert run("unlock", SITE, "--yes").exit_code == 0
    with app.session(SITE) as session:
        assert lock.read_lock(session.reader()) is None
    assert "not locked" in run("unlock", SITE).output
