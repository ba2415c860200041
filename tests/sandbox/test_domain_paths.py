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
    assert call("sale.order", "search_count", [("order_line.discount", ">", 10)]) == 0
    assert call("sale.order", "search_count", [("activity_ids.summary", "=", "no such activity")]) == 0
    assert call("sale.order", "search_count", []) > 0


def test_related_and_searchable_non_stored_fields(call) -> None:
    incoming = call("stock.picking.type", "search", [("code", "=", "incoming")])
    assert incoming
    assert call("stock.picking", "search_count", [("picking_type_code", "=", "incoming")]) == call(
        "stock.picking", "search_count", [("picking_type_id.code", "=", "incoming")])
    # no journal items in the stand-in: no partner has a receivable balance
    assert call("res.partner", "search_count", [("credit", ">", 0)]) == 0
    assert call("res.partner", "search_count", [("credit", "<", 1)]) == 0
