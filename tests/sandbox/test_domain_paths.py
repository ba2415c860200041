"""Domains over related fields answered as Odoo answers them: a leaf on a path keeps the
records linked to a related record that satisfies it (negative operators included), an
empty related match is no match (not "has no lines"), related and searchable non-stored
fields are searched through what they stand for."""

from __future__ import annotations

import pytest

from harmonizer.sandbox.service import SandboxServer


@pytest.fixture(scope="module")
def call():
    server = SandboxServer(None, "17.0")
    server.ensure_database("d", fixture="demo")

    def run(model: str, method: str, *args: object) -> object:
        return server.dispatch("object", "execute_kw", ["d", 2, "admin", model, method, list(args), {}])
    return run


def test_negative_operator_on_a_path_is_existential(call) -> None:
    names = call("res.partner", "search_read", [("parent_id", "!=", False)], ["name", "parent_id"])
    assert names, "the demo data has contacts with a parent company"
    with_parent = call("res.partner", "search_count", [("parent_id", "!=", False)])
    # contacts whose parent's name is not Boltworks: only partners that have a parent count
    other = call("res.partner", "search_count", [("parent_id.name", "!=", "Boltworks Supply Co.")])
    boltworks = call("res.partner", "search_count", [("parent_id.name", "=", "Boltworks Supply Co.")])
    assert other + boltworks == with_parent


def test_an_empty_related_match_matches_nothing(call) -> None:
    company = call("res.company", "search", [])[0]
    partner = call("res.partner", "search", [("is_company", "=", True)])[0]
    warehouse = call("stock.warehouse", "search", [("company_id", "=", company)])[0]
    order = call("sale.order", "create", {
        "name": "S-PATH", "company_id": company, "partner_id": partner, "partner_invoice_id": partner,
        "partner_shipping_id": partner, "warehouse_id": warehouse, "picking_policy": "direct",
        "date_order": "2026-01-05 10:00:00"})
    call("sale.order.line", "create", {"order_id": order, "name": "Bolts", "product_uom_qty": 1, "price_unit": 9,
                                       "discount": 5, "company_id": company})
    assert call("sale.order", "search", [("order_line.discount", ">", 1)]) == [order]
    assert call("sale.order", "search_count", [("order_line.discount", ">", 10)]) == 0
    assert call("sale.order", "search_count", [("activity_ids.summary", "=", "no such activity")]) == 0
    # a value no line holds matches no order (not "orders without lines")
    assert call("sale.order", "search_count", [("order_line.discount", "=", False)]) == 0


def test_related_and_searchable_non_stored_fields(call) -> None:
    incoming = call("stock.picking.type", "search", [("code", "=", "incoming")])
    assert incoming
    assert call("stock.picking", "search_count", [("picking_type_code", "=", "incoming")]) == call(
        "stock.picking", "search_count", [("picking_type_id.code", "=", "incoming")])
    # no journal items in the stand-in: no partner has a receivable balance
    assert call("res.partner", "search_count", [("credit", ">", 0)]) == 0
    assert call("res.partner", "search_count", [("credit", "<", 1)]) == 0
