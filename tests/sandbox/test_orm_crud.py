"""ORM: create/read/write/unlink, value shapes, validation messages and domains."""

from __future__ import annotations

import re

import pytest

from harmonizer.sandbox import exceptions as exc
from tests.sandbox.conftest import Call

MANDATORY = ("The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
             "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n")


def test_create_shapes_and_write_unlink(call: Call) -> None:
    one = call("ir.config_parameter", "create", {"key": "h.one", "value": "1"})
    assert isinstance(one, int)
    assert len(call("ir.config_parameter", "create", [{"key": "h.single", "value": "s"}])) == 1
    assert call("ir.config_parameter", "write", [one], {"value": "2"}) is True
    assert call("ir.config_parameter", "read", [one, 999999], ["value"]) == [{"id": one, "value": "2"}]
    assert call("ir.config_parameter", "unlink", [one]) is True
    with pytest.raises(exc.MissingError) as info:
        call("ir.config_parameter", "unlink", [one])
    assert info.value.message.endswith(f"(Record: ir.config_parameter({one},), User: 2)")
    assert call("ir.config_parameter", "write", [one], {"value": "3"}) is True  # no MissingError here


def test_read_values(call: Call) -> None:
    [row] = call("stock.warehouse", "read", [1], ["company_id", "lot_stock_id", "route_ids", "create_date",
                                                  "crossdock_route_id", "resupply_wh_ids"])
    assert row["company_id"] == [1, "Harmonia Distribution West"]
    assert row["lot_stock_id"][1] == "WH1/Stock"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["create_date"])
    assert row["resupply_wh_ids"] == []
    assert all(isinstance(i, int) for i in row["route_ids"])
    partner = call("res.partner", "search_read", [["name", "=", "Keller Werkzeuge GmbH"]], ["email", "parent_id"])
    assert partner[0]["email"] is False and partner[0]["parent_id"] is False


def test_validation_messages(call: Call) -> None:
    with pytest.raises(exc.PythonError, match=re.escape("Invalid field 'no_such_field' on model 'stock.warehouse'")):
        call("stock.warehouse", "write", [1], {"no_such_field": 1})
    with pytest.raises(exc.PythonError, match=re.escape("invalid literal for int() with base 10: 'abc'")):
        call("stock.warehouse", "write", [1], {"sequence": "abc"})
    with pytest.raises(exc.PythonError,
                       match=re.escape("Wrong value for stock.warehouse.reception_steps: 'four_steps'")):
        call("stock.warehouse", "write", [1], {"reception_steps": "four_steps"})
    with pytest.raises(exc.MissingError, match=re.escape("(Record: res.partner(999999,), User: 2)")):
        call("stock.warehouse", "write", [1], {"partner_id": 999999})
    with pytest.raises(exc.MissingError, match=re.escape("(Record: stock.warehouse(999999,), User: 2)")):
        call("stock.warehouse", "write", [999999], {"name": "x"})
    with pytest.raises(exc.ValidationError) as info:
        call("ir.config_parameter", "create", {"key": "h.novalue"})
    assert info.value.message == MANDATORY + "Model: System Parameter (ir.config_parameter)\nField: Value (value)\n"
    with pytest.raises(exc.ValidationError) as info:
        call("stock.warehouse", "create", {"name": "No code"})
    assert info.value.message == (MANDATORY + "Model: Inventory Locations (stock.location)\n"
                                  "Field: Location Name (name)\n")


def test_unique_and_check_constraints(call: Call) -> None:
    call("ir.config_parameter", "create", {"key": "h.dup", "value": "1"})
    with pytest.raises(exc.ValidationError, match=r"^The operation cannot be completed: Key must be unique.$"):
        call("ir.config_parameter", "create", {"key": "h.dup", "value": "2"})
    with pytest.raises(exc.ValidationError, match=re.escape("short name of the warehouse must be unique per company!")):
        call("stock.warehouse", "create", {"name": "Another", "code": "WH1"})
    carrier = call("delivery.carrier", "search", [])[0]
    with pytest.raises(exc.ValidationError, match=re.escape("Margin cannot be lower than -100%")):
        call("delivery.carrier", "write", [carrier], {"margin": -5})


def test_unique_keys_of_several_written_records(call: Call) -> None:
    """A write of several records checks each one's key against every other row, and reports
    the first collision in id order; keys holding a NULL never collide."""
    first, second, third = (call("ir.config_parameter", "create", {"key": f"h.multi{n}", "value": "1"})
                            for n in range(3))
    call("ir.config_parameter", "write", [first], {"key": "h.moved"})
    call("ir.config_parameter", "write", [first], {"key": "h.moved"})  # its own key again: no collision
    with pytest.raises(exc.ValidationError, match=r"^The operation cannot be completed: Key must be unique.$"):
        call("ir.config_parameter", "write", [second, third], {"key": "h.same"})
    assert call("ir.config_parameter", "search_count", [["key", "=", "h.same"]]) == 0  # rolled back
    with pytest.raises(exc.ValidationError, match=r"^The operation cannot be completed: Key must be unique.$"):
        call("ir.config_parameter", "write", [third], {"key": "h.moved"})
    with pytest.raises(exc.ValidationError, match=re.escape("The name of the warehouse must be unique per company!")):
        call("stock.warehouse", "write", [1], {"name": call("stock.warehouse", "read", [2], ["name"])[0]["name"],
                                               "company_id": call("stock.warehouse", "read", [2], ["company_id"])[0][
                                                   "company_id"][0]})


def test_many2one_list_shape_stores_null(call: Call) -> None:
    carrier = call("delivery.carrier", "search", [])[0]
    call("delivery.carrier", "write", [carrier], {"company_id": [1, "Harmonia Distribution West"]})
    assert call("delivery.carrier", "read", [carrier], ["company_id"])[0]["company_id"] is False
    cron = call("ir.cron", "search", [], context={"active_test": False})[0]
    with pytest.raises(exc.ValidationError, match=re.escape("Model: Scheduled Actions (ir.cron)\nField: Scheduler")):
        call("ir.cron", "write", [cron], {"user_id": [2, "Mitchell Admin"]})


def test_domains(call: Call) -> None:
    with pytest.raises(exc.PythonError) as info:
        call("stock.warehouse", "search", [["no_such_field", "=", 1]])
    assert info.value.message == "Invalid field stock.warehouse.no_such_field in leaf ('no_such_field', '=', 1)"
    with pytest.raises(exc.PythonError, match=re.escape("Invalid leaf ('name', 'like like', 'x')")):
        call("stock.warehouse", "search", [["name", "like like", "x"]])
    west = call("res.partner", "search", [["country_id.code", "=", "DE"]])
    assert [p["name"] for p in call("res.partner", "read", west, ["name"])] == ["Keller Werkzeuge GmbH"]
    either = call("res.country", "search", ["|", ["code", "=", "BE"], ["code", "=", "FR"]], order="code desc")
    assert [c["code"] for c in call("res.country", "read", either, ["code"])] == ["FR", "BE"]
    total = len(call("res.country", "search", []))  # Odoo's countries of the version (250 on 17.0)
    assert total > 2 and call("res.country", "search_count", ["!", ["code", "in", ["BE", "FR"]]]) == total - 2
    data = call("ir.model.data", "search_count", [["complete_name", "=", "nothing.matches"]])
    assert data == call("ir.model.data", "search_count", [])  # non-stored leaf is dropped
    stock = call("stock.location", "search", [["complete_name", "=", "WH1/Stock"]])
    assert call("stock.location", "search", [["id", "child_of", stock]]) == stock
    view = call("stock.location", "search", [["complete_name", "=", "WH1"]])
    assert set(stock) <= set(call("stock.location", "search", [["id", "child_of", view]]))
    assert call("res.partner", "search_count", [["parent_id", "=", None]]) == call(
        "res.partner", "search_count", [["parent_id", "=", False]])


def test_active_test_order_limit_offset(call: Call) -> None:
    active = call("stock.route", "search", [])
    everything = call("stock.route", "search", [], context={"active_test": False})
    assert set(active) < set(everything)
    archived = call("stock.route", "search", [["active", "=", False]])
    assert set(archived) == set(everything) - set(active)
    page = call("res.country", "search_read", [], ["name"], limit=2, offset=1, order="name")
    names = [c["name"] for c in call("res.country", "search_read", [], ["name"], order="name")]
    assert [p["name"] for p in page] == names[1:3]


def test_name_search_and_read_group(call: Call) -> None:
    assert call("stock.warehouse", "name_search", "Dallas", limit=5) == [[2, "Dallas DC"]]
    assert call("res.country", "name_search", name="Belg", args=[], operator="ilike", limit=3)[0][1] == "Belgium"
    groups = call("stock.location", "read_group", [], ["usage"], ["usage"], lazy=False,
                  context={"active_test": False})
    total = call("stock.location", "search_count", [], context={"active_test": False})
    assert sum(g["__count"] for g in groups) == total
    assert [g["usage"] for g in groups] == sorted(g["usage"] for g in groups)
    assert groups[0]["__domain"] == [["usage", "=", groups[0]["usage"]]]


def test_unlink_default_category_is_refused(call: Call) -> None:
    root = call("ir.model.data", "check_object_reference", "product", "product_category_all")
    with pytest.raises(exc.UserError, match=re.escape("default generic category")):
        call("product.category", "unlink", [root[1]])
