"""Value types: canonical forms make a converged site show no difference."""

from __future__ import annotations

import pytest

from harmonizer.kinds.refs import FieldRefs, ModelRef, RecordRef, ResourceRefs, UnresolvedReference
from harmonizer.kinds.values import Boolean, Float, Html, Integer, Selection, Text, same
from harmonizer.plan.resolve import Resolver


@pytest.fixture()
def resolver() -> Resolver:
    r = Resolver()
    r.add("ir.model", "model", "sale.order", 42, "Sales Order")
    r.add("res.users", "login", "admin", 2, "Mitchell Admin")
    r.add("ir.model.fields", "model.name", "sale.order.state", 900, "state")
    r.add("ir.model.fields", "model.name", "sale.order.amount_total", 901, "amount_total")
    r.own("server_action.a", "ir.actions.server", 10)
    return r


def test_empty_text_and_odoo_false_are_the_same(resolver: Resolver) -> None:
    assert Text().desired("", resolver, {}) == Text().live(False, resolver) is None
    assert Text().to_odoo(None, "x", {}) is False


def test_numbers_compare_like_odoo_stores_them(resolver: Resolver) -> None:
    assert Float(2).desired(7500, resolver, {}) == Float(2).live(7500.0, resolver)
    assert Float(2).desired(0.1 + 0.2, resolver, {}) == Float(2).live(0.3, resolver)
    assert Integer().live(False, resolver) == 0
    assert Boolean().desired(1, resolver, {}) is True


def test_selection_false_is_unset(resolver: Resolver) -> None:
    assert Selection().live(False, resolver) is None
    assert Selection().desired("two_step", resolver, {}) == "two_step"


def test_html_plain_text_is_compared_as_odoo_stores_it(resolver: Resolver) -> None:
    desired = Html().desired("Amount > 5 & rising", resolver, {})
    assert desired == "<p>Amount &gt; 5 &amp; rising</p>"
    assert same(desired, Html().live("<p>Amount &gt; 5 &amp; rising</p>", resolver))
    assert Html().desired("<p>already html</p>", resolver, {}) == "<p>already html</p>"


def test_many2one_read_shape_equals_template_key(resolver: Resolver) -> None:
    desired = ModelRef().desired("sale.order", resolver, {})
    live = ModelRef().live([42, "Sales Order"], resolver)
    assert same(desired, live)
    assert ModelRef().to_odoo(desired, live, {}) == 42  # written as an int, never [id, name]
    assert not same(desired, ModelRef().live([43, "Purchase Order"], resolver))


def test_unknown_natural_key_is_a_located_error(resolver: Resolver) -> None:
    with pytest.raises(UnresolvedReference, match=r"no res\.users with login = 'nobody'"):
        RecordRef("res.users", "login").desired("nobody", resolver, {})


def test_field_refs_are_a_set_of_the_model_fields(resolver: Resolver) -> None:
    body = {"model": "sale.order"}
    desired = FieldRefs().desired(["state", "amount_total"], resolver, body)
    assert same(desired, FieldRefs().live([901, 900], resolver))
    assert FieldRefs().to_load(desired, {}) == ("/.id", "900,901")
    with pytest.raises(UnresolvedReference, match="has no field 'nope'"):
        FieldRefs().desired(["nope"], resolver, body)


def test_resource_refs_write_only_the_difference(resolver: Resolver) -> None:
    refs = ResourceRefs("server_action", "ir.actions.server")
    desired = refs.desired(["a", "b"], resolver, {})
    live = refs.live([10, 77], resolver)  # 77 is someone else's action
    assert not same(desired, live)
    commands = refs.to_odoo(desired, live, {"server_action.b": 11})
    assert commands == [(4, 11), (3, 77)]  # link the new one, unlink the stray: never (6, 0, ids)
    assert refs.depends_on(["a", "b"]) == ["server_action.a", "server_action.b"]


def test_a_user_groups_value_is_satisfied_by_any_list_holding_its_groups() -> None:
    """The *includes* comparison belongs to the group value type; plain ``same`` stays equality."""
    from harmonizer.kinds.user_groups import INCLUDES, GroupsIncluded
    from harmonizer.kinds.values import ref

    groups = GroupsIncluded()
    sales, stock, other = (ref("res.groups", i, f"g{i}") for i in (11, 12, 13))
    wanted = {INCLUDES: [sales, stock]}
    assert groups.same(wanted, [other, stock, sales])
    assert groups.same([stock, sales, other], wanted)
    assert not groups.same(wanted, [sales, other])
    assert groups.same(wanted, {INCLUDES: [stock, sales]})
    assert not groups.same([sales], [sales, stock])
    assert not same(wanted, [other, stock, sales])
