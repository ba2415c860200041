"""JSON-2 (Odoo 19): argument binding, every captured answer, and a whole session.

The local server answers with the exact bytes of ``19.0/transcripts/json2.json``; expected error
classes come from the answer's HTTP status and ``name``, as the 19.0 README documents them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from odoo_fakes import REFERENCE, Reply, Request, ScriptedServer, load_transcript, reply_of

from harmonizer.errors import (
    HarmonizerError,
    OdooAccessDenied,
    OdooAccessError,
    OdooError,
    OdooMissingError,
    OdooUserError,
    OdooValidationError,
    TransportError,
)
from harmonizer.odoo import ConnectionSettings, connect
from harmonizer.odoo.calls import RetryPolicy
from harmonizer.odoo.channels import HttpChannel
from harmonizer.odoo.json2 import Json2Connector, bind_arguments
from harmonizer.odoo.settings import parse_url

EXPECTED_BY_NAME: dict[str, type[OdooError]] = {
    "werkzeug.exceptions.Unauthorized": OdooAccessDenied,
    "odoo.exceptions.AccessError": OdooAccessError,
    "odoo.exceptions.MissingError": OdooMissingError,
    "odoo.exceptions.ValidationError": OdooValidationError,
    "odoo.exceptions.UserError": OdooUserError,
}
HEADERS = {"Authorization": "Bearer k", "Content-Type": "application/json; charset=utf-8",
           "X-Odoo-Database": "db"}


def _json2_entries() -> list[Any]:
    path = REFERENCE / "19.0" / "transcripts" / "json2.json"
    if not path.exists():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [pytest.param(entry, id=f"19.0-json2-{index:03d}") for index, entry in enumerate(entries)
            if entry["protocol"] == "json2" and entry["http_method"] == "POST"
            and entry["url_path"].count("/") == 4]


def _request(entry: dict[str, Any]) -> dict[str, Any]:
    try:
        body = json.loads(entry["request_body"] or "{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _json2_bodies(method: str) -> list[dict[str, Any]]:
    return [_request(e) for e in load_transcript("19.0", "json2")
            if e["protocol"] == "json2" and e["url_path"].endswith(f"/{method}") and e["http_status"] == 200]


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer(lambda request: Reply(500, "text/plain", b"no reply set")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def connector(server: ScriptedServer) -> Iterator[Json2Connector]:
    channel = HttpChannel(parse_url(server.url), connect_timeout=2, timeout=10)
    made = Json2Connector(channel, policy=RetryPolicy(retries=0, backoff=0, sleep=lambda _: None))
    yield made
    channel.close()


@pytest.mark.parametrize("entry", _json2_entries())
def test_json2_answer(entry: dict[str, Any], server: ScriptedServer, connector: Json2Connector) -> None:
    server.responder = lambda request: reply_of(entry)
    _, _, _, model, method = entry["url_path"].split("/")
    outcome: Any
    try:
        outcome = connector.call(model, method, _request(entry), HEADERS)
    except (OdooError, TransportError) as exc:
        outcome = exc
    sent = server.requests[-1]
    assert sent.path == entry["url_path"]
    assert sent.headers["Authorization"] == "Bearer k"
    assert sent.headers["X-Odoo-Database"] == "db"
    if entry["http_status"] == 200:
        assert outcome == json.loads(entry["response_body"])
        return
    if "json" not in entry["response_content_type"]:
        assert isinstance(outcome, TransportError)
        assert f"HTTP {entry['http_status']}" in str(outcome)
        assert not outcome.may_have_committed  # a 4xx page: the server refused before running
        return
    body = json.loads(entry["response_body"])
    expected = EXPECTED_BY_NAME.get(body["name"], OdooError)
    assert type(outcome) is expected
    assert outcome.message == body["message"]
    assert outcome.kind == body["name"].rsplit(".", 1)[-1]


@pytest.mark.parametrize(("model", "method", "args", "kwargs", "transcript_method"), [
    ("stock.warehouse", "search_read", [[["active", "=", True]]],
     {"fields": ["name", "code", "company_id", "reception_steps", "delivery_steps", "lot_stock_id", "route_ids",
                 "active", "write_date"], "order": "id", "context": {"lang": "en_US"}}, "search_read"),
    ("stock.warehouse", "read", [[1], ["name", "code", "company_id", "reception_steps", "delivery_steps",
                                       "lot_stock_id", "route_ids", "active", "write_date"]], {}, "read"),
    ("ir.config_parameter", "create", [{"key": "harmonizer.j2.one", "value": "1"}], {}, "create"),
    ("ir.config_parameter", "write", [[320, 321], {"value": "changed"}], {}, "write"),
    ("ir.config_parameter", "unlink", [[319, 320, 321]], {}, "unlink"),
    ("ir.model.data", "check_object_reference", ["stock", "warehouse0"], {}, "check_object_reference"),
    ("res.config.settings", "execute", [[8]], {}, "execute"),
    ("stock.route", "action_archive", [[12]], {}, "action_archive"),
    ("res.country", "name_search", ["Belg", [], "ilike", 3], {}, "name_search"),
])
def test_positional_calls_bind_to_the_bodies_odoo_accepted(model: str, method: str, args: list[Any],
                                                          kwargs: dict[str, Any], transcript_method: str) -> None:
    assert bind_arguments(model, method, args, kwargs) in _json2_bodies(transcript_method)


def test_load_is_a_model_method() -> None:
    """The executor creates records with their external ids through ``load(fields, data)``."""
    body = bind_arguments("stock.route", "load", [["id", "name"], [["__harmonizer__.r", "R"]]], {})
    assert body == {"fields": ["id", "name"], "data": [["__harmonizer__.r", "R"]]}


def test_unknown_method_with_several_positionals_is_refused_clearly() -> None:
    with pytest.raises(HarmonizerError, match="by keyword"):
        bind_arguments("sale.order", "action_custom", [[1], "x"], {})
    assert bind_arguments("sale.order", "action_custom", [[1]], {"mode": "x"}) == {"ids": [1], "mode": "x"}


def _json2_server(scripted: Callable[..., ScriptedServer], routes: dict[str, dict[str, Any]]) -> ScriptedServer:
    def respond(request: Request) -> Reply:
        entry = routes.get(request.path)
        return reply_of(entry) if entry else Reply(404, "text/html", b"<p>no route</p>")
    return scripted(respond)


def _by_title(name: str, fragment: str) -> dict[str, Any]:
    version = "19.0"
    return next(e for e in load_transcript(version, name) if fragment in e["title"])


def test_session_over_json2(scripted: Callable[..., ScriptedServer]) -> None:
    entries = load_transcript("19.0", "json2")
    routes = {
        "/json/version": _by_title("rpc_deprecation", "GET /json/version"),
        "/json/2/res.users/context_get": entries[22],
        "/json/2/stock.warehouse/search_read": entries[0],
        "/json/2/ir.config_parameter/create": entries[23],
    }
    server = _json2_server(scripted, routes)
    settings = ConnectionSettings(server.url, "harmonizer_ref19", "", "the-api-key-value", protocol="json2")
    with connect(settings) as session:
        assert (session.version.major, session.version.serie) == (19, "19.0")
        assert session.version.full == "19.0+e-20251227"
        assert session.uid == 2
        rows = session.reader().search_read("stock.warehouse", [("active", "=", True)], ["name"], order="id")
        assert [row["id"] for row in rows] == [1, 2]
        new_id = session.writer().create("ir.config_parameter", {"key": "harmonizer.j2.one", "value": "1"})
        assert new_id == 319  # JSON-2 answers [319]; every protocol gives an int for one dict
    assert server.connections == 1
    assert all(r.headers["Authorization"] == "Bearer the-api-key-value" for r in server.requests[1:])
    assert server.requests[-1].headers["X-Odoo-Database"] == "harmonizer_ref19"
    assert session.stats.round_trips == 4
    assert session.stats.count("stock.warehouse", "search_read") == 1


def test_json2_bad_key_is_access_denied_with_a_clear_message(scripted: Callable[..., ScriptedServer]) -> None:
    entries = load_transcript("19.0", "json2")
    routes = {
        "/json/version": _by_title("rpc_deprecation", "GET /json/version"),
        "/json/2/res.users/context_get": entries[73],  # 401 Invalid apikey
    }
    server = _json2_server(scripted, routes)
    settings = ConnectionSettings(server.url, "harmonizer_ref19", "robot", "wrong-key-123456", protocol="json2")
    with pytest.raises(OdooAccessDenied) as caught:
        connect(settings)
    assert str(caught.value) == (f"Odoo AccessDenied: login failed for robot on {server.url} "
                                 "database harmonizer_ref19")
    assert "wrong-key-123456" not in str(caught.value)
