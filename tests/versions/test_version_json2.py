"""Odoo 19 over JSON-2 with an API key: connect (in-process and over HTTP), plan, apply, converge."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from versions_helpers import ENV

from harmonizer.errors import OdooAccessDenied
from harmonizer.odoo import connect
from harmonizer.odoo.settings import ConnectionSettings
from harmonizer.plan.live import LiveReader
from harmonizer.plan.model import Action
from harmonizer.plan.planner import plan_site
from harmonizer.project import Harmonizer
from harmonizer.sandbox.profile import SANDBOX_API_KEYS
from harmonizer.sandbox.serve import RunningSandbox, start
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire import WireApp

KEY_ENV = "HARMONIZER_SANDBOX_KEY"


@pytest.fixture()
def http19(tmp_path: Path) -> Iterator[RunningSandbox]:
    server = SandboxServer(tmp_path / "home", "19.0")
    server.ensure_database("harmonizer_demo", fixture="demo")
    with start(WireApp(server)) as running:
        yield running
    server.close()


def _settings(running: RunningSandbox, key: str) -> ConnectionSettings:
    return ConnectionSettings(url=f"http://{running.host}:{running.port}", database="harmonizer_demo", login="",
                              secret=key, protocol="json2")


def test_connect_over_http_with_an_api_key_and_plan(http19: RunningSandbox,
                                                    make_project: Callable[..., Path]) -> None:
    session = connect(_settings(http19, SANDBOX_API_KEYS["admin"]))
    try:
        assert (session.version.major, session.uid) == (19, 2)
        app = Harmonizer(make_project("19.0"), env=ENV)
        desired = app.render("warehouse-1")
        live = LiveReader(session.reader(), "warehouse-1", session.version.major).snapshot(desired)
        plan = plan_site(desired, live, url="http://stand-in", database="harmonizer_demo",
                         odoo_version=session.version.full)
        actions = {c.address: c.action for c in plan.changes}
        assert actions["automation.large_order_review"] is Action.CREATE
        assert actions["company_settings.purchase_approval"] is Action.UPDATE
        # only JSON-2 calls were made: every round trip is counted per (model, method)
        assert session.stats.round_trips > 0
    finally:
        session.close()


def test_a_password_is_not_an_api_key(http19: RunningSandbox) -> None:
    with pytest.raises(OdooAccessDenied):
        connect(_settings(http19, "admin"))


def test_the_clerk_key_is_a_restricted_user_with_uid_7(http19: RunningSandbox) -> None:
    session = connect(_settings(http19, SANDBOX_API_KEYS["clerk"]))
    try:
        assert session.uid == 7
    finally:
        session.close()


def _json2_sites(root: Path) -> None:
    for path in sorted((root / "sites").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^(odoo:\n)", rf"\1  protocol: json2\n  password_env: {KEY_ENV}\n", text, count=1)
        path.write_text(text, encoding="utf-8")


def test_sandbox_sites_converge_over_json2(make_project: Callable[..., Path]) -> None:
    root = make_project("19.0")
    _json2_sites(root)
    app = Harmonizer(root, env={**ENV, KEY_ENV: SANDBOX_API_KEYS["admin"]})
    plan = app.plan(["all"])
    assert not plan.failures, plan.failures
    assert all(r.ok for r in app.apply(plan))
    again = app.plan(["all"])
    assert [c.address for s in again.sites for c in s.changes if c.action is not Action.NOOP] == []


class _Collect(logging.Handler):
    """Keeps every record it is handed (attached straight to the logger under test)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_xmlrpc_on_19_logs_the_deprecation(http19: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # Deterministic whatever ran before: the handler sits on the emitting logger itself, so
    # neither an ancestor's ``propagate = False`` (the "odoo" logger once had it, set when an
    # in-process stand-in was created: the order dependence behind this test's flake), nor
    # handlers/levels changed on the root by another test or a ``logging.basicConfig``, nor a
    # ``dictConfig`` that disabled existing loggers can hide the record.
    logger = logging.getLogger("odoo.addons.rpc.controllers.xmlrpc")
    collect = _Collect()
    monkeypatch.setattr(logger, "disabled", False)
    monkeypatch.setattr(logger, "level", logging.WARNING)
    logging.getLogger().manager._clear_cache()  # isEnabledFor caches per logger
    logger.addHandler(collect)
    try:
        session = connect(ConnectionSettings(url=f"http://{http19.host}:{http19.port}", database="harmonizer_demo",
                                             login="admin", secret=SANDBOX_API_KEYS["admin"], protocol="xmlrpc"))
        session.close()
    finally:
        logger.removeHandler(collect)
        logging.getLogger().manager._clear_cache()
    records = [r for r in collect.records if r.name == "odoo.addons.rpc.controllers.xmlrpc"]
    assert records and "deprecated in Odoo 19" in records[0].getMessage()
