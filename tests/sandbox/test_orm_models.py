"""Model hooks: x2many commands, automations/actions/crons, stock, xmlids and settings."""

from __future__ import annotations

import re

import pytest

from harmonizer.sandbox import exceptions as exc
from tests.sandbox.conftest import Call


def _model_id(call: Call, model: str) -> int:
    return call("ir.model", "search_read", [["model", "=", model]], ["id"])[0]["id"]


def test_many2many_commands(call: Call) -> None:
    carrier = call("delivery.carrier", "search", [])[0]
    be, fr, us = (call("res.country", "search", [["code", "=", c]])[0] for c in ("BE", "FR", "US"))
    call("delivery.carrier", "write", [carrier], {"country_ids": [(6, 0, [be, fr])]})
    call("delivery.carrier", "write", [carrier], {"country_ids": [[4, us], [3, fr]]})
    assert sorted(call("delivery.carrier", "read", [carrier], ["country_ids"])[0]["country_ids"]) == sorted([be, us])
    call("delivery.carrier", "write", [carrier], {"country_ids": [[5, 0, 0]]})
    call("delivery.carrier", "write", [carrier], {"country_ids": [be]})
    assert call("delivery.carrier", "read", [carrier], ["country_ids"])[0]["country_ids"] == [be]


def test_one2many_commands_and_the_replace_trap(call: Call) -> None:
    types = call("stock.picking.type", "search", [["code", "=", "outgoing"]], limit=1)
    locs = call("stock.location", "search", [["complete_name", "in", ["WH1/Stock", "Partners/Customers"]]])
    rule = {"action": "pull", "procure_method": "make_to_stock", "picking_type_id": types[0],
            "location_src_id": locs[0], "location_dest_id": locs[1]}
    route = call("stock.route", "create", {"name": "Test route", "rule_ids": [
        (0, 0, {**rule, "name": "A"}), (0, 0, {**rule, "name": "B"})]})
    first, second = call("stock.route", "read", [route], ["rule_ids"])[0]["rule_ids"]
    call("stock.route", "write", [route], {"rule_ids": [(6, 0, [first])]})
    assert call("stock.rule", "search", [["id", "in", [first, second]]], context={"active_test": False}) == [first]
    call("stock.route", "write", [route], {"rule_ids": [(1, first, {"procure_method": "make_to_order"}),
                                                        (0, 0, {**rule, "name": "C"})]})
    call("stock.route", "write", [route], {"rule_ids": [(2, first)]})
    rules = call("stock.rule", "search_read", [["route_id", "=", route]], ["name"])
    assert [r["name"] for r in rules] == ["C"]


def test_route_archive_cascades_only_through_action_archive(call: Call) -> None:
    route = call("stock.route", "search", [["name", "like", "Deliver in 1 step"]], limit=1)
    rules = call("stock.rule", "search", [["route_id", "in", route]])
    call("stock.route", "write", route, {"active": False})
    assert call("stock.rule", "search", [["id", "in", rules]]) == rules
    call("stock.route", "write", route, {"active": True})
    assert call("stock.route", "action_archive", route) is None
    assert call("stock.rule", "search", [["id", "in", rules]]) == []
    assert call("stock.route", "action_unarchive", route) is None
    assert call("stock.rule", "search", [["id", "in", rules]]) == rules


def test_automation_three_ways_and_checks(call: Call) -> None:
    sale = _model_id(call, "sale.order")
    action = call("ir.actions.server", "create", {"name": "Mine", "model_id": sale, "state": "code", "code": "pass"})
    rule = call("base.automation", "create", {"name": "R1", "model_id": sale, "trigger": "on_create_or_write",
                                              "action_server_ids": [(6, 0, [action])]})
    [linked] = call("ir.actions.server", "read", [action], ["name", "usage", "base_automation_id"])
    assert (linked["name"], linked["usage"]) == ("Mine", "ir_actions_server")
    assert linked["base_automation_id"] == [rule, "R1"]
    inline = call("base.automation", "create", {"name": "R2", "model_id": sale, "trigger": "on_create",
                                                "action_server_ids": [(0, 0, {"name": "x", "model_id": sale,
                                                                              "state": "code", "code": "pass"})]})
    [made] = call("ir.actions.server", "search_read", [["base_automation_id", "=", inline]], ["name", "usage"])
    assert (made["name"], made["usage"]) == ("Execute Code", "base_automation")
    with pytest.raises(exc.PythonError, match=re.escape("Invalid field 'state' on model 'base.automation'")):
        call("base.automation", "create", {"name": "old", "model_id": sale, "trigger": "on_create", "state": "code"})
    with pytest.raises(exc.PythonError,
                       match=re.escape("Wrong value for base.automation.trigger: 'on_create_or_write_x'")):
        call("base.automation", "create", {"name": "bad", "model_id": sale, "trigger": "on_create_or_write_x"})
    other = call("ir.actions.server", "create", {"name": "Partner action", "model_id": _model_id(call, "res.partner"),
                                                 "state": "code", "code": "pass"})
    with pytest.raises(exc.ValidationError,
                       match=r"^Model of action Partner action should match the one from automated rule Mismatch.$"):
        call("base.automation", "create", {"name": "Mismatch", "model_id": sale, "trigger": "on_create",
                                           "action_server_ids": [(6, 0, [other])]})
    with pytest.raises(exc.ValidationError) as info:
        call("ir.actions.server", "create", {"name": "bad", "model_id": sale, "state": "code", "code": "def (:"})
    assert info.value.message == "SyntaxError : invalid syntax at line 1\ndef (:\n"
    assert call("base.automation", "write", [999999], {"name": "x"}) is True


def test_cron_delegates_to_its_action(call: Call) -> None:
    sale = _model_id(call, "sale.order")
    cron = call("ir.cron", "create", {"name": "My cron", "model_id": sale, "state": "code", "code": "pass",
                                      "interval_number": 0, "interval_type": "hours", "active": False})
    [row] = call("ir.cron", "read", [cron], ["name", "ir_actions_server_id", "usage", "model_id", "cron_name",
                                             "user_id", "nextcall"])
    assert row["usage"] == "ir_cron" and row["cron_name"] == "My cron" and row["user_id"][0] == 2
    assert row["ir_actions_server_id"][1] == "My cron" and row["model_id"][0] == sale
    call("ir.cron", "write", [cron], {"name": "Renamed"})
    assert call("ir.actions.server", "read", [row["ir_actions_server_id"][0]], ["name"])[0]["name"] == "Renamed"
    with pytest.raises(exc.PythonError, match=re.escape("Wrong value for ir.cron.interval_type: 'seconds'")):
        call("ir.cron", "create", {"name": "x", "model_id": sale, "code": "pass", "interval_type": "seconds"})
    with pytest.raises(exc.MissingError):
        call("ir.cron", "write", [999999], {"name": "x"})


def test_xmlids(call: Call) -> None:
    call("ir.model.data", "create", {"module": "__harmonizer__", "name": "wh", "model": "stock.warehouse",
                                     "res_id": 1})
    assert call("ir.model.data", "check_object_reference", "__harmonizer__", "wh") == ["stock.warehouse", 1]
    with pytest.raises(exc.ValidationError) as info:
        call("ir.model.data", "create", {"module": "__harmonizer__", "name": "wh", "model": "x", "res_id": 2})
    assert info.value.message == (
        'The operation cannot be completed: duplicate key value violates unique constraint '
        '"ir_model_data_module_name_uniq_index"\nDETAIL:  Key (module, name)=(__harmonizer__, wh) already exists.\n')
    with pytest.raises(exc.PythonError, match=re.escape("External ID not found in the system: __harmonizer__.nope")):
        call("ir.model.data", "check_object_reference", "__harmonizer__", "nope")
    assert call("stock.warehouse", "get_external_id", [1])[1] in ("harmonia_demo.warehouse_west", "__harmonizer__.wh")
    [row] = call("ir.model.data", "search_read", [["module", "=", "__harmonizer__"]], ["complete_name", "noupdate"])
    assert row["complete_name"] == "__harmonizer__.wh" and row["noupdate"] is False


def test_warehouse_creation_and_steps(call: Call) -> None:
    wh = call("stock.warehouse", "create", {"name": "Spare", "code": "SP"})
    [row] = call("stock.warehouse", "read", [wh], ["view_location_id", "lot_stock_id", "reception_route_id",
                                                   "delivery_route_id", "in_type_id", "company_id"])
    assert row["view_location_id"][1] == "SP" and row["lot_stock_id"][1] == "SP/Stock"
    assert row["reception_route_id"][1] == "Spare: Receive in 1 step (stock)"
    assert row["in_type_id"][1] == "Spare: Receipts" and row["company_id"][0] == 1
    call("stock.warehouse", "write", [wh], {"reception_steps": "two_steps", "delivery_steps": "pick_ship"})
    route = call("stock.route", "read", [row["delivery_route_id"][0]], ["name"])[0]["name"]
    assert route == "Spare: Deliver in 2 steps (pick + ship)"
    assert call("stock.location", "search", [["complete_name", "=", "SP/Input"]])


def test_company_settings_mapping(call: Call) -> None:
    call("res.company", "write", [1], {"po_double_validation": "two_step", "po_lock": "lock"})
    defaults = call("res.config.settings", "default_get", ["po_order_approval", "lock_confirmed_po"])
    assert (defaults["po_order_approval"], defaults["lock_confirmed_po"]) == (True, True)
    wizard = call("res.config.settings", "create", {"po_order_approval": False, "lock_confirmed_po": False})
    assert call("res.config.settings", "execute", [wizard]) == {"type": "ir.actions.client", "tag": "reload"}
    [company] = call("res.company", "read", [1], ["po_double_validation", "po_lock"])
    assert (company["po_double_validation"], company["po_lock"]) == ("one_step", "edit")
    with pytest.raises(exc.PythonError,
                       match=re.escape("Wrong value for res.company.po_double_validation: 'three_step'")):
        call("res.company", "write", [1], {"po_double_validation": "three_step"})


def test_context_get_and_meta_rows(call: Call) -> None:
    assert call("res.users", "context_get")["lang"] == "en_US"
    assert call("ir.module.module", "search_count", [["name", "=", "stock"], ["state", "=", "installed"]]) == 1
    field = call("ir.model.fields", "search_read", [["model", "=", "stock.warehouse"], ["name", "=", "code"]],
                 ["ttype", "field_description"])
    assert field[0]["ttype"] == "char" and field[0]["field_description"] == "Short Name"
    keys = call("ir.model.fields.selection", "search_read", [["field_id", "=", call(
        "ir.model.fields", "search", [["model", "=", "stock.warehouse"], ["name", "=", "reception_steps"]])[0]]],
        ["value"])
    assert [k["value"] for k in keys] == ["one_step", "two_steps", "three_steps"]
