"""Service layer: common/db/object dispatch, authentication and call-level errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harmonizer.sandbox import exceptions as exc
from harmonizer.sandbox.profile import load_profile
from harmonizer.sandbox.service import SandboxServer
from tests.sandbox.conftest import DB, Call


def test_common_version_is_the_profiles(server: SandboxServer) -> None:
    assert server.dispatch("common", "version", []) == load_profile("17.0").version_info
    assert server.dispatch("db", "server_version", []) == load_profile("17.0").server_version


def test_login_and_authenticate(server: SandboxServer) -> None:
    assert server.dispatch("common", "login", [DB, "admin", "admin"]) == 2
    assert server.dispatch("common", "authenticate", [DB, "clerk", "clerk", {}]) == 8
    assert server.dispatch("common", "login", [DB, "admin", "wrong"]) is False
    assert server.dispatch("common", "authenticate", [DB, "nobody", "x", {}]) is False


def test_unknown_database_is_an_operational_error(server: SandboxServer) -> None:
    with pytest.raises(exc.PythonError) as info:
        server.dispatch("common", "authenticate", ["no_such_db", "admin", "admin", {}])
    assert info.value.qualified_name == "psycopg2.OperationalError"
    assert 'database "no_such_db" does not exist' in info.value.message


def test_db_list_and_unknown_service(server: SandboxServer) -> None:
    assert server.dispatch("db", "list", []) == [DB]
    with pytest.raises(exc.PythonError) as info:
        server.dispatch("nosuch", "version", [])
    assert info.value.qualified_name == "builtins.KeyError"
    assert info.value.traceback_text == "'nosuch'"


def test_wrong_password_and_unknown_uid(call: Call) -> None:
    with pytest.raises(exc.AccessDenied):
        call("stock.warehouse", "search", [], password="wrong")
    with pytest.raises(exc.AccessDenied):
        call("res.partner", "search_count", [], uid=8, password="admin")
    with pytest.raises(exc.MissingError) as info:
        call("stock.warehouse", "search", [], uid=9999)
    assert info.value.message == ("Record does not exist or has been deleted.\n"
                                  "(Record: res.users(9999,), User: 9999)")


def test_unknown_model_method_and_private_method(call: Call) -> None:
    with pytest.raises(exc.UserError, match=re.escape("Object no.such.model doesn't exist")):
        call("no.such.model", "search", [])
    with pytest.raises(exc.PythonError) as info:
        call("res.partner", "no_such_method", [])
    assert info.value.qualified_name == "builtins.AttributeError"
    assert info.value.message == "The method 'no_such_method' does not exist on the model 'res.partner'"
    with pytest.raises(exc.AccessError, match=r"Private methods \(such as _read\) cannot be called remotely."):
        call("stock.warehouse", "_read", [1], ["name"])


def test_legacy_execute(server: SandboxServer) -> None:
    found = server.dispatch("object", "execute", [DB, 2, "admin", "res.country", "search", [["code", "=", "BE"]]])
    names = server.dispatch("object", "execute", [DB, 2, "admin", "res.country", "read", found, ["name"]])
    assert [n["name"] for n in names] == ["Belgium"]


def test_failed_call_rolls_back_and_none_result_commits(call: Call) -> None:
    before = call("ir.config_parameter", "search_count", [])
    with pytest.raises(exc.ValidationError):
        call("ir.config_parameter", "create", [{"key": "h.one", "value": "1"}, {"key": "h.one", "value": "2"}])
    assert call("ir.config_parameter", "search_count", []) == before
    route = call("stock.route", "search", [["name", "=", "Buy"]])
    assert call("stock.route", "action_archive", route) is None
    assert call("stock.route", "read", route, ["active"]) == [{"id": route[0], "active": False}]


def test_files_persist_across_servers(tmp_path: Path) -> None:
    first = SandboxServer(tmp_path, "17.0")
    first.ensure_database("east", fixture="demo-east")
    first.dispatch("object", "execute_kw", ["east", 2, "admin", "ir.config_parameter", "create",
                                            [{"key": "persist.me", "value": "yes"}]])
    first.close()
    second = SandboxServer(tmp_path, "17.0")
    rows = second.dispatch("object", "execute_kw", ["east", 2, "admin", "ir.config_parameter", "search_read",
                                                    [[["key", "=", "persist.me"]]], {"fields": ["value"]}])
    assert [r["value"] for r in rows] == ["yes"]
    companies = second.dispatch("object", "execute_kw", ["east", 2, "admin", "res.company", "search_read", [[]],
                                                         {"fields": ["name"]}])
    assert [c["name"] for c in companies] == ["Harmonia Distribution East"]
    warehouses = second.dispatch("object", "execute_kw", ["east", 2, "admin", "stock.warehouse", "search_read",
                                                          [[]], {"fields": ["code", "name"]}])
    assert [(w["code"], w["name"]) for w in warehouses] == [("WH3", "Columbus DC")]


def test_load_rows_inserts_explicit_ids(server: SandboxServer, call: Call) -> None:
    server.load_rows(DB, "res.partner.category", [{"id": 500, "name": "Loaded tag", "active": True,
                                                   "parent_id": False}])
    assert call("res.partner.category", "read", [500], ["name"]) == [{"id": 500, "name": "Loaded tag"}]


def test_clerk_access_errors(call: Call) -> None:
    clerk = {"uid": 8, "password": "clerk"}
    assert [w["name"] for w in call("stock.warehouse", "search_read", [], ["name"], **clerk)] == ["Reno Hub"]
    with pytest.raises(exc.AccessError) as info:
        call("stock.warehouse", "write", [1], {"sequence": 11}, **clerk)
    assert info.value.message == (
        "You are not allowed to modify 'Warehouse' (stock.warehouse) records.\n\nThis operation is allowed for "
        "the following groups:\n\t- Inventory/Administrator\n\nContact your administrator to request access "
        "if necessary.")
    with pytest.raises(exc.AccessError, match=r"'Inventory Routes' \(stock.route\)"):
        call("stock.warehouse", "write", [1], {"name": "Renamed"}, **clerk)
    with pytest.raises(exc.AccessError, match=r"(?s)'Companies' \(res.company\).*Administration/Access Rights"):
        call("res.company", "write", [1], {"po_double_validation": "two_step"}, **clerk)
    with pytest.raises(exc.AccessError, match=r"(?s)access 'Automation Rule'.*Administration/Settings"):
        call("base.automation", "search_read", [], ["name"], **clerk)
    assert call("stock.warehouse", "check_access_rights", "write", raise_exception=False, **clerk) is False
    assert call("stock.warehouse", "check_access_rights", "write", raise_exception=False) is True
