"""The stand-in's version differences that 19.0's replay relies on, checked directly on 17.0 vs 19.0.

Each test asserts both sides (what 17.0 does and what 19.0 does instead), so a profile flag
wired to the wrong version fails here, not only deep inside the transcript replay.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.sandbox import exceptions as exc
from harmonizer.sandbox.service import SandboxServer

DB = "harmonizer_demo"


@pytest.fixture(params=["17.0", "19.0"])
def stand_in(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    server = SandboxServer(tmp_path / "home", request.param)
    server.ensure_database(DB)

    def call(model: str, method: str, *args: Any, uid: int = 2, password: str = "admin", **kwargs: Any) -> Any:
        return server.dispatch("object", "execute_kw", [DB, uid, password, model, method, list(args), kwargs])
    yield request.param, call
    server.close()


def test_name_search_domain_keyword(stand_in: tuple[str, Any]) -> None:
    version, call = stand_in
    own, other = ("domain", "args") if version == "19.0" else ("args", "domain")
    assert call("res.country", "name_search", name="Belg", limit=3, **{own: []})[0][1] == "Belgium"
    with pytest.raises(exc.ServerException, match=rf"ResCountry.name_search\(\) got an unexpected keyword "
                                                  rf"argument '{other}'"):
        call("res.country", "name_search", name="Belg", **{other: []})
    assert call("res.country", "name_search", "Belg", [["code", "=", "BE"]])[0][1] == "Belgium"


def test_formatted_read_group_and_has_access_are_19_only(stand_in: tuple[str, Any]) -> None:
    version, call = stand_in
    if version != "19.0":
        for method, args in (("formatted_read_group", ([], ["usage"], ["__count"])), ("has_access", ([], "read"))):
            with pytest.raises(exc.ServerException, match="does not exist"):
                call("stock.location", method, *args)
        return
    groups = call("stock.location", "formatted_read_group", [], ["usage"], ["__count"],
                  context={"active_test": False})
    counted = call("stock.location", "search_count", [], context={"active_test": False})
    assert sum(g["__count"] for g in groups) == counted
    assert all(list(g) == ["usage", "__extra_domain", "__count"] for g in groups)
    assert groups[0]["__extra_domain"] == [["usage", "=", groups[0]["usage"]]]
    assert call("stock.warehouse", "has_access", [], "write") is True
    assert call("stock.warehouse", "has_access", [], "write", uid=7, password="clerk") is False


def test_domain_and_required_field_wording(stand_in: tuple[str, Any]) -> None:
    version, call = stand_in
    new = version == "19.0"
    with pytest.raises(exc.ServerException, match="in condition" if new else "in leaf"):
        call("stock.warehouse", "search", [["nope", "=", 1]])
    with pytest.raises(exc.ServerException, match="Invalid operator in condition" if new else "Invalid leaf"):
        call("stock.warehouse", "search", [["name", "like like", "x"]])
    with pytest.raises(exc.ServerException, match=r"Missing required value for the field 'Value' \(value\)"
                       if new else r"Field: Value \(value\)"):
        call("ir.config_parameter", "create", {"key": "harmonizer.no_value"})


def test_route_archived_by_write_archives_its_rules_on_19(stand_in: tuple[str, Any]) -> None:
    version, call = stand_in
    route = call("stock.route", "search", [["rule_ids", "!=", False]], limit=1)[0]
    rules = call("stock.route", "read", [route], ["rule_ids"])[0]["rule_ids"]
    call("stock.route", "write", [route], {"active": False})
    states = {r["active"] for r in call("stock.rule", "read", rules, ["active"])}
    assert states == ({False} if version == "19.0" else {True})


def test_default_get_keyword_and_removed_settings(stand_in: tuple[str, Any]) -> None:
    version, call = stand_in
    keyword = "fields" if version == "19.0" else "fields_list"
    assert call("ir.cron", "default_get", **{keyword: ["priority"]}) == {"priority": 5}
    answer = call("res.config.settings", "default_get", ["po_order_approval"])
    assert ("auth_totp_enforce" in answer) is (version == "19.0")
    if version == "19.0":
        with pytest.raises(exc.ServerException, match="use_po_lead"):
            call("res.config.settings", "default_get", ["use_po_lead"])


def test_product_templates_search_in_their_version_order(stand_in: tuple[str, Any]) -> None:
    _version, call = stand_in
    assert call("product.template", "search", [], limit=1)  # 18.0+ order by is_favorite, not priority


def test_api_key_rows_never_show_the_key(stand_in: tuple[str, Any]) -> None:
    version, call = stand_in
    if version != "19.0":
        with pytest.raises(exc.ServerException):
            call("res.users.apikeys", "search_read", [])
        return
    rows = call("res.users.apikeys", "search_read", [], ["name", "user_id", "scope", "expiration_date"])
    assert sorted(r["user_id"][0] for r in rows) == [2, 7]
    assert all(r["scope"] is False and r["expiration_date"] is False for r in rows)
    assert "key" not in call("res.users.apikeys", "fields_get")
    wizard = call("res.users.apikeys.description", "create", {"name": "probe", "duration": "1"})
    action = call("res.users.apikeys.description", "make_key", [wizard])
    assert (action["type"], action["res_model"]) == ("ir.actions.act_window", "res.users.identitycheck")
    assert len(call("res.users.apikeys", "search", [])) == 2  # no key was minted
    own = call("res.users.apikeys", "search_read", [], ["user_id"], uid=7, password="clerk")
    assert [r["user_id"][0] for r in own] == [7]  # a user sees their own keys only


def test_json2_binds_the_19_only_methods(tmp_path: Path) -> None:
    """formatted_read_group is api.model over JSON-2 (ids refused); has_access takes ids and operation."""
    import json

    from harmonizer.sandbox.profile import SANDBOX_API_KEYS
    from harmonizer.sandbox.wire import WireApp

    server = SandboxServer(tmp_path / "home", "19.0")
    server.ensure_database(DB)
    app = WireApp(server)

    def post(path: str, body: dict[str, Any], login: str = "admin") -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {SANDBOX_API_KEYS[login]}", "Content-Type": "application/json"}
        answer = app.handle("POST", path, headers, json.dumps(body).encode())
        return answer.status, json.loads(answer.body)

    try:
        status, groups = post("/json/2/stock.location/formatted_read_group",
                              {"domain": [], "groupby": ["usage"], "aggregates": ["__count"]})
        assert status == 200 and {"usage", "__extra_domain", "__count"} == set(groups[0])
        status, error = post("/json/2/stock.location/formatted_read_group", {"ids": [1], "domain": []})
        assert (status, error["message"]) == (422, "cannot call stock.location.formatted_read_group with ids")
        assert post("/json/2/stock.warehouse/has_access", {"operation": "write"}, "clerk") == (200, False)
        assert post("/json/2/stock.warehouse/has_access", {"operation": "write"}) == (200, True)
    finally:
        server.close()


def test_product_variant_display_name_carries_its_code_once(stand_in: tuple[str, Any]) -> None:
    _version, call = stand_in
    rows = call("product.product", "search_read", [["default_code", "!=", False]], ["display_name", "default_code"])
    assert rows and all(r["display_name"].startswith(f"[{r['default_code']}] ") for r in rows)
    assert all(r["display_name"].count(f"[{r['default_code']}]") == 1 for r in rows)
