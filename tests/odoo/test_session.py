"""Session behaviour: settings validation, login errors, secrets, None results, reader/writer API."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from odoo_fakes import FakeOdoo, ScriptedServer

from harmonizer.errors import HarmonizerError, OdooAccessDenied, OdooError
from harmonizer.odoo import ConnectionSettings, OdooReader, connect
from harmonizer.odoo.settings import parse_url

Make = Callable[..., ScriptedServer]
PASSWORD = "s3cret-Pa55word"


def _settings(url: str, protocol: str = "xmlrpc", password: str = PASSWORD) -> ConnectionSettings:
    return ConnectionSettings(url, "db", "admin", password, protocol=protocol, retry_backoff=0.0)  # type: ignore[arg-type]


def test_settings_repr_never_shows_the_secret() -> None:
    settings = ConnectionSettings("https://erp.example.com", "prod", "admin", PASSWORD)
    assert PASSWORD not in repr(settings)
    assert "***" in repr(settings)
    assert settings.effective_protocol == "xmlrpc"
    assert ConnectionSettings("sandbox://demo", "d", "admin", "x").effective_protocol == "jsonrpc"


@pytest.mark.parametrize("url", ["http://erp.example.com", "http://10.0.0.5:8069", "http://[2001:db8::1]:8069"])
def test_plaintext_http_is_refused_off_loopback(url: str) -> None:
    with pytest.raises(HarmonizerError, match="refusing plaintext http"):
        ConnectionSettings(url, "db", "admin", PASSWORD).validate()
    assert ConnectionSettings(url, "db", "admin", PASSWORD, insecure=True).validate().scheme == "http"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8069", "http://localhost:8069", "http://[::1]:8069",
                                 "https://erp.example.com/odoo"])
def test_loopback_and_tls_urls_are_accepted(url: str) -> None:
    endpoint = ConnectionSettings(url, "db", "admin", PASSWORD).validate()
    assert endpoint.display == url


@pytest.mark.parametrize(("url", "message"), [
    ("https://admin:pw@erp.example.com", "must not contain credentials"),
    ("ftp://erp.example.com", "unsupported URL"),
    ("sandbox://", "needs a name"),
])
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(HarmonizerError, match=message):
        parse_url(url)


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_wrong_password(scripted: Make, protocol: str) -> None:
    server = scripted(FakeOdoo(password=PASSWORD))
    with pytest.raises(OdooAccessDenied) as caught:
        connect(_settings(server.url, protocol, password="Wr0ng-password-42"))
    assert str(caught.value) == f"Odoo AccessDenied: login failed for admin on {server.url} database db"


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_the_password_never_reaches_logs_or_errors(scripted: Make, protocol: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeOdoo(password=PASSWORD)
    # a server that echoes the password in its fault (as a careless traceback could)
    fake.fault_for["action_confirm"] = (1, f"Traceback (most recent call last):\nValueError: bad {PASSWORD}\n")
    server = scripted(fake)
    caplog.set_level(logging.DEBUG)
    with connect(_settings(server.url, protocol)) as session:
        writer = session.writer()
        new_id = writer.create("res.partner", {"name": "A", "ref": "R1"})
        writer.search_read("res.partner", [("name", "=", "A")], ["name"])
        with pytest.raises(OdooError) as caught:
            writer.call("sale.order", "action_confirm", [new_id])
    assert PASSWORD not in str(caught.value)
    assert "bad ***" in str(caught.value)
    assert "res.partner.create args=[{name: str, ref: str}×1]" in caplog.text
    assert "res.partner.search_read" in caplog.text
    assert "'A'" not in caplog.text and "R1" not in caplog.text  # shapes, not values
    assert PASSWORD not in caplog.text
    assert all(PASSWORD not in str(record.args) for record in caplog.records)


def test_methods_returning_none(scripted: Make) -> None:
    fake = FakeOdoo(password=PASSWORD)
    fake.records["stock.route"] = {1: {"id": 1, "active": True}}
    server = scripted(fake)
    for protocol in ("xmlrpc", "jsonrpc"):
        with connect(_settings(server.url, protocol)) as session:
            assert session.writer().call("stock.route", "action_archive", [1]) is None
    with connect(_settings(server.url, "xmlrpc")) as session, pytest.raises(OdooError, match="marshal None"):
        # not known to return None: the fault is not swallowed
        session.writer().call("res.partner", "flush_model")
    with connect(_settings(server.url, "jsonrpc")) as session:
        assert session.writer().call("res.partner", "flush_model") is None


def test_reader_is_read_only(scripted: Make) -> None:
    server = scripted(FakeOdoo(password=PASSWORD))
    with connect(_settings(server.url)) as session:
        reader = session.reader()
        assert type(reader) is OdooReader
        for name in ("create", "write", "unlink", "call"):
            assert not hasattr(reader, name)
        with pytest.raises(HarmonizerError, match="not a read method"):
            reader.call_read("res.partner", "unlink", [1])
        with pytest.raises(HarmonizerError, match="private"):
            session.writer().call("res.partner", "_read", [1])


def test_writer_create_shapes_and_helpers(scripted: Make) -> None:
    fake = FakeOdoo(password=PASSWORD)
    fake.records["ir.module.module"] = {1: {"id": 1, "name": "stock", "state": "installed"},
                                        2: {"id": 2, "name": "sale", "state": "uninstalled"},
                                        3: {"id": 3, "name": "base", "state": "installed"}}
    fake.records["ir.model.data"] = {
        7: {"id": 7, "module": "__harmonizer__", "name": "route__x", "model": "stock.route", "res_id": 4},
        8: {"id": 8, "module": "__harmonizer__", "name": "wh__y", "model": "stock.warehouse", "res_id": 2},
        9: {"id": 9, "module": "stock", "name": "warehouse0", "model": "stock.warehouse", "res_id": 1}}
    server = scripted(fake)
    with connect(_settings(server.url)) as session:
        writer = session.writer()
        one = writer.create("res.partner", {"name": "A"})
        many = writer.create("res.partner", [{"name": "B"}])
        assert isinstance(one, int) and isinstance(many, list) and len(many) == 1
        assert writer.create("res.partner", []) == []
        assert session.installed_modules() == frozenset({"stock", "base"})
        assert session.installed_modules() == frozenset({"stock", "base"})
        assert session.stats.count("ir.module.module", "search_read") == 1  # cached
        assert writer.xmlids("__harmonizer__") == {"route__x": ("stock.route", 4), "wh__y": ("stock.warehouse", 2)}
        assert writer.xmlids("__harmonizer__", "stock.route") == {"route__x": ("stock.route", 4)}
        assert writer.read("res.partner", []) == []
        assert session.stats.count("res.partner", "read") == 0  # no round trip for nothing

