"""End to end against the project's Odoo stand-in: over HTTP (XML-RPC, JSON-RPC) and in-process.

The in-process ``sandbox://`` connector sends the very bytes the HTTP one sends, through the
same ``WireApp.handle``, so every test runs on the four (transport, protocol) pairs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harmonizer.errors import (
    OdooAccessDenied,
    OdooError,
    OdooMissingError,
    OdooUserError,
    OdooValidationError,
    TransportError,
)
from harmonizer.odoo import ConnectionSettings, OdooSession, connect, register_sandbox, unregister_sandbox

try:
    from harmonizer.sandbox import serve as sandbox_serve
    from harmonizer.sandbox.service import SandboxServer
    from harmonizer.sandbox.wire import Levers, WireApp
except ImportError as exc:  # pragma: no cover - only while the stand-in is being built
    pytest.skip(f"the stand-in does not exist yet ({exc})", allow_module_level=True)

DB = "harmonizer_demo"
_names = itertools.count(1)


@dataclass
class StandIn:
    settings: ConnectionSettings
    levers: Levers

    def session(self, **changes: Any) -> OdooSession:
        from dataclasses import replace

        return connect(replace(self.settings, **changes))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    server = SandboxServer(Path(tmp_path_factory.mktemp("standin")), "17.0")
    server.ensure_database(DB)
    yield server
    server.close()


@pytest.fixture(params=["xmlrpc-http", "jsonrpc-http", "xmlrpc-inprocess", "jsonrpc-inprocess"])
def standin(request: pytest.FixtureRequest, sandbox: SandboxServer) -> Iterator[StandIn]:
    protocol, transport = request.param.split("-")
    levers = Levers()
    app = WireApp(sandbox, levers)
    common = {"database": DB, "login": "admin", "secret": "admin", "protocol": protocol,
              "retry_backoff": 0.0, "timeout": 5.0}
    if transport == "http":
        with sandbox_serve.start(app) as running:
            yield StandIn(ConnectionSettings(running.url, **common), levers)
        return
    name = f"client-test-{next(_names)}"
    register_sandbox(name, app)
    try:
        yield StandIn(ConnectionSettings(f"sandbox://{name}", **common), levers)
    finally:
        unregister_sandbox(name)


def test_login_search_read_create_write(standin: StandIn) -> None:
    with standin.session() as session:
        assert session.version.major == 17 and session.version.serie == "17.0"
        assert session.uid == 2
        writer = session.writer()
        companies = {row["name"] for row in writer.search_read("res.company", [], ["name"])}
        assert "Harmonia Distribution West" in companies
        key = f"harmonizer.client.{standin.settings.protocol}.{next(_names)}"
        new_id = writer.create("ir.config_parameter", {"key": key, "value": "1"})
        assert isinstance(new_id, int)
        assert writer.write("ir.config_parameter", [new_id], {"value": "2"}) is True
        rows = writer.read("ir.config_parameter", [new_id], ["key", "value"])
        assert rows == [{"id": new_id, "key": key, "value": "2"}]
        batch = writer.create("ir.config_parameter", [{"key": key + ".b", "value": "x"}])
        assert isinstance(batch, list) and len(batch) == 1
        assert writer.search_count("ir.config_parameter", [("key", "=like", key + "%")]) == 2
        assert writer.unlink("ir.config_parameter", [new_id, *batch]) is True
        assert "stock" in session.installed_modules()
        opened = getattr(session._channel, "connections_opened", None)  # HTTP only
        assert opened in (None, 1)  # one kept-alive connection for the whole session


def test_errors_from_the_stand_in(standin: StandIn) -> None:
    with standin.session() as session:
        writer = session.writer()
        key = f"harmonizer.dup.{next(_names)}"
        writer.create("ir.config_parameter", {"key": key, "value": "1"})
        with pytest.raises(OdooValidationError, match="Key must be unique"):
            writer.create("ir.config_parameter", {"key": key, "value": "2"})
        with pytest.raises(OdooMissingError, match="Record does not exist"):
            writer.write("stock.warehouse", [999999], {"name": "x"})
        with pytest.raises(OdooUserError, match=r"Object no\.such\.model doesn't exist"):
            writer.search("no.such.model")
    with pytest.raises(OdooAccessDenied, match="login failed for admin"):
        standin.session(secret="not-the-password")


def test_archive_returns_none_on_every_protocol(standin: StandIn) -> None:
    with standin.session() as session:
        writer = session.writer()
        route_id = writer.search("stock.route", [("name", "=", "Buy")])[0]
        assert writer.call("stock.route", "action_archive", [route_id]) is None
        assert writer.search("stock.route", [("id", "=", route_id)]) == []
        assert writer.call("stock.route", "action_unarchive", [route_id]) is None
        assert writer.search("stock.route", [("id", "=", route_id)]) == [route_id]


def test_a_lost_create_answer_is_reported_and_committed_once(standin: StandIn) -> None:
    with standin.session() as session:
        writer = session.writer()
        key = f"harmonizer.lost.{next(_names)}"
        standin.levers.inject(standin.levers.calls + 1, "reset-after")
        with pytest.raises(TransportError) as caught:
            writer.create("ir.config_parameter", {"key": key, "value": "1"})
        assert caught.value.may_have_committed
        assert writer.search_count("ir.config_parameter", [("key", "=", key)]) == 1


def test_reads_survive_injected_faults(standin: StandIn) -> None:
    with standin.session() as session:
        reader = session.reader()
        standin.levers.inject(standin.levers.calls + 1, "reset-before")
        standin.levers.inject(standin.levers.calls + 2, "http502")
        assert reader.search_count("res.company") == 2
        assert session.stats.retries == 2


def test_sandbox_urls_share_one_stand_in_per_name(tmp_path: Path) -> None:
    from harmonizer.odoo.sandbox_link import sandbox_app

    name = f"client-auto-{next(_names)}"
    app = sandbox_app(name, tmp_path, "17.0")
    try:
        app.server.ensure_database(DB)
        settings = ConnectionSettings(f"sandbox://{name}", DB, "admin", "admin", sandbox_home=tmp_path)
        key = f"harmonizer.shared.{next(_names)}"
        with connect(settings) as first:
            first.writer().create("ir.config_parameter", {"key": key, "value": "1"})
        with connect(settings) as second:
            assert second.reader().search_count("ir.config_parameter", [("key", "=", key)]) == 1
        assert sandbox_app(name, tmp_path, "17.0") is app
        assert sandbox_app(name, tmp_path / "other", "17.0") is not app
    finally:
        unregister_sandbox(name)


def test_unknown_database_names_the_database(standin: StandIn) -> None:
    with pytest.raises(OdooError, match="cannot log in to database no_such_db"):
        standin.session(database="no_such_db")
