"""Harmonizer over the real wire protocols (HTTP XML-RPC and JSON-RPC against `sandbox serve`),
its round trips, and an apply interrupted part way and rerun."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harmonizer.apply.rights import needed_rights
from harmonizer.errors import HarmonizerError
from harmonizer.kinds.registry import KINDS
from harmonizer.plan.live import LiveReader
from harmonizer.project import Harmonizer
from harmonizer.sandbox.serve import RunningSandbox, start
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire.app import WireApp
from harmonizer.sandbox.wire.levers import Levers


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[RunningSandbox, Levers, SandboxServer]]:
    server = SandboxServer(tmp_path / "odoo")
    server.ensure_database("harmonizer_east", fixture="demo-east")
    levers = Levers()
    with start(WireApp(server, levers)) as running:
        yield running, levers, server
    server.close()


def _http_site(project: Path, port: int, protocol: str) -> None:
    (project / "sites" / "remote.yaml").write_text(
        "template: distribution-standard\n"
        f"odoo:\n  url: http://127.0.0.1:{port}\n  database: harmonizer_east\n  login: admin\n"
        f"  password_env: REMOTE_PASSWORD\n  protocol: {protocol}\n"
        "scope:\n  company: Harmonia Distribution East\n  warehouse: WH3\n")


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_plan_apply_converge_over_http(project: Path, served, protocol: str) -> None:
    running, _levers, _server = served
    _http_site(project, running.port, protocol)
    app = Harmonizer(project, env={"REMOTE_PASSWORD": "admin"})
    plan = app.plan(["remote"])
    assert not plan.failures, plan.failures
    owned = [r for r in app.render("remote") if KINDS[r.kind].owned]
    assert plan.sites[0].counts.create == len(owned)
    assert app.apply(plan)[0].ok
    assert not app.plan(["remote"]).has_changes


def test_a_plan_reads_each_model_once_in_bulk(project: Path, served) -> None:
    running, _levers, _server = served
    _http_site(project, running.port, "xmlrpc")
    app = Harmonizer(project, env={"REMOTE_PASSWORD": "admin"})
    app.apply(app.plan(["remote"]))
    desired = app.render("remote")
    with app.session("remote") as session:
        before = dict(session.stats.calls)
        LiveReader(session.reader(), "remote", session.version.major).snapshot(desired)
        calls = {key: n - before.get(key, 0) for key, n in session.stats.calls.items() if n - before.get(key, 0)}
    # One search_read per model, never a read per record, whatever the number of resources.
    assert all(method == "search_read" for _model, method in calls), calls
    assert all(n == 1 for n in calls.values()), str(sorted(calls.items()))
    models = {model for model, _method in calls}
    assert {"ir.model.data", "base.automation", "ir.actions.server", "ir.cron", "ir.config_parameter",
            "res.company"} <= models
    assert len(calls) <= 25


def test_interrupted_apply_reruns_without_duplicates(project: Path, served) -> None:
    running, levers, server = served
    _http_site(project, running.port, "xmlrpc")
    app = Harmonizer(project, env={"REMOTE_PASSWORD": "admin"})
    plan = app.plan(["remote"])
    # The connection drops after the server committed the 8th request of the apply after its
    # rights preflight (one check per model and operation): the answer of a create is lost.
    # Apply stops and says so; nothing is retried blindly.
    checks = len(needed_rights(plan.sites[0], 17))
    levers.inject(levers.calls + 8 + checks, "reset-after")
    outcome = app.apply(plan)[0]
    assert not outcome.ok
    assert outcome.error and "not attempted" in outcome.error
    rerun = app.plan(["remote"])
    assert rerun.has_changes
    assert app.apply(rerun)[0].ok
    assert not app.plan(["remote"]).has_changes
    with server.env("harmonizer_east") as env:
        names = [r["name"] for r in env["ir.actions.server"].search_read([("name", "like", "[Harmonizer]")], ["name"])]
    assert len(names) == len(set(names)), f"duplicated records: {sorted(names)}"


def test_wrong_password_over_http_is_one_clean_error(project: Path, served) -> None:
    running, _levers, _server = served
    _http_site(project, running.port, "jsonrpc")
    app = Harmonizer(project, env={"REMOTE_PASSWORD": "wrong-password-123"})
    with pytest.raises(HarmonizerError, match="login failed for admin") as caught:
        app.plan_one("remote")
    assert "wrong-password-123" not in str(caught.value)
