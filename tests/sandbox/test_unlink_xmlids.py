"""Unlink drops the records' external IDs, as Odoo 17 does (checked on a real server,
docs/odoo-behaviour.md); a cron's own server action, left behind, keeps its own."""

from __future__ import annotations

from typing import Any

from harmonizer.sandbox.service import SandboxServer


def _call(server: SandboxServer, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    return server.dispatch("object", "execute_kw", ["d", 2, "admin", model, method, list(args), kwargs])


def _xmlids(server: SandboxServer) -> dict[str, tuple[str, int]]:
    rows = _call(server, "ir.model.data", "search_read", [("module", "=", "__harmonizer__")],
                 fields=["name", "model", "res_id"])
    return {r["name"]: (r["model"], r["res_id"]) for r in rows}


def test_unlink_removes_the_external_ids_of_the_records() -> None:
    server = SandboxServer(None)
    server.ensure_database("d", fixture="demo")
    loaded = _call(server, "ir.config_parameter", "load", ["id", "key", "value"],
                   [["__harmonizer__.system_parameter__x", "harmonizer.x", "v"]])
    assert "system_parameter__x" in _xmlids(server)
    assert _call(server, "ir.config_parameter", "unlink", loaded["ids"]) is True
    assert "system_parameter__x" not in _xmlids(server)
    server.close()


def test_a_cron_unlinked_leaves_its_action_and_that_actions_external_id() -> None:
    server = SandboxServer(None)
    server.ensure_database("d", fixture="demo")
    [model_id] = _call(server, "ir.model", "search", [("model", "=", "res.partner")])
    loaded = _call(server, "ir.cron", "load", ["id", "name", "model_id/.id", "state", "code"],
                   [["__harmonizer__.scheduled_action__c", "C", str(model_id), "code", "pass"]])
    _call(server, "ir.cron", "unlink", loaded["ids"])
    names = _xmlids(server)
    assert "scheduled_action__c" not in names
    model, action_id = names["scheduled_action__c_ir_actions_server"]
    assert model == "ir.actions.server"
    assert _call(server, "ir.actions.server", "read", [action_id], fields=["usage"])[0]["usage"] == "ir_cron"
    server.close()
