"""Domains checked as Odoo reads them, on the field sets of 16.0-19.0."""

from __future__ import annotations

import pytest

from harmonizer.checks.domains import check_domain
from harmonizer.checks.fieldindex import MAJORS, field_index
from harmonizer.checks.names import automation_domain_names


def _check(text: str, major: int, model: str = "sale.order") -> list[str]:
    return [f.message for f in check_domain(text, model, field_index(major), automation_domain_names(major))]


@pytest.mark.parametrize("major", MAJORS)
def test_the_shipped_domains_pass(major: int) -> None:
    assert _check("[('amount_total', '>', 25000), ('state', 'in', ['draft', 'sent'])]", major) == []
    assert _check("[('activity_ids.summary', '=', 'Review')]", major) == []
    assert _check("['|', ('user_id', '=', uid), '!', ('partner_id.name', 'ilike', 'x')]", major) == []
    assert _check("[('date_order', '<', (datetime.datetime.now() - "
                  "dateutil.relativedelta.relativedelta(days=3)).strftime('%Y-%m-%d'))]", major) == []


@pytest.mark.parametrize("major", MAJORS)
def test_a_malformed_domain_is_a_syntax_error(major: int) -> None:
    found = check_domain("[('amount_total'],, '>', 25000), ('state', 'in', ['draft', 'sent'])]", "sale.order",
                         field_index(major), automation_domain_names(major))
    assert len(found) == 1 and found[0].message.startswith("not a valid domain: Python syntax error")


@pytest.mark.parametrize("major", MAJORS)
def test_unknown_fields_and_paths(major: int) -> None:
    assert _check("[('amount_totl', '>', 25000)]", major) == [
        "unknown field 'amount_totl' on sale.order; did you mean 'amount_total'?"]
    assert _check("[('partner_id.no_such_field.name', '=', 'x')]", major) == [
        "unknown field 'no_such_field' on res.partner (reached through partner_id)"]
    assert _check("[('amount_total.currency_id', '=', 1)]", major) == [
        "amount_total is a monetary field of sale.order, not a relation: 'amount_total.currency_id' cannot go "
        "on to 'currency_id'"]


def test_fields_of_one_version_only() -> None:
    # po_lead is a res.company field up to 18.0 (19.0 dropped it)
    assert _check("[('po_lead', '>', 1)]", 18, "res.company") == []
    assert _check("[('po_lead', '>', 1)]", 19, "res.company")[0].startswith("unknown field 'po_lead'")


@pytest.mark.parametrize("text, message", [
    ("[('state', '=', 'sale'), '&']", "the domain is incomplete: 2 more term(s) expected"),
    ("['|', ('state', '=', 'sale')]", "the domain is incomplete: 1 more term(s) expected"),
    ("['!']", "the domain is incomplete"),
    ("[('state', '=>', 'sale')]", "unknown operator '=>'"),
    ("[('state', '=')]", "('state', '=') is not a condition"),
    ("['and', ('state', '=', 'sale')]", "'and' is not a domain operator"),
    ("[(state, '=', 'sale')]", "the field of condition (state, '=', 'sale') must be a field name in quotes"),
    ("('state', '=', 'sale')", "'state' is not a domain operator"),
    ("{'state': 'sale'}", "a domain is a list of conditions"),
    ("[('user_id', '=', os.getuid())]", "name 'os' is not available here"),
    ("[('user_id', '=', context_today())]", "name 'context_today' is not available here"),
    ("[('name', '=', user.__class__)]", "'__class__' is refused"),
])
def test_structure_operators_and_names(text: str, message: str) -> None:
    found = _check(text, 17)
    assert found and found[0].startswith(message), found


def test_prefix_operators_take_their_terms() -> None:
    assert _check("['&', '|', ('state', '=', 'sale'), ('state', '=', 'done'), ('amount_total', '>', 1)]", 17) == []
    assert _check("[(1, '=', 1)]", 17) == []
    assert _check("[]", 17) == []


def test_any_is_17_and_later() -> None:
    text = "[('order_line', 'any', [('product_id.default_code', '=', 'X')])]"
    found = _check(text, 16)
    assert found[0].startswith("unknown operator 'any' in condition ('order_line', 'any',")
    assert found[0].endswith("(this Odoo version does not have it)")
    assert _check(text, 17) == []
    assert _check("[('partner_id', 'any', [('no_field', '=', 1)])]", 17) == [
        "unknown field 'no_field' on res.partner"]


def test_model_is_an_automation_name_from_17() -> None:
    assert _check("[('id', 'in', model.search([]).ids)]", 17) == []
    assert _check("[('id', 'in', model.search([]).ids)]", 16)[0].startswith("name 'model' is not available")


def test_a_model_the_index_lacks_is_not_checked() -> None:
    assert _check("[('whatever', '=', 1)]", 17, "x.unknown.model") == []


def test_lines_within_a_multiline_domain() -> None:
    text = "\n[\n  ('state', '=', 'sale'),\n  ('amount_totl', '>', 1),\n]"
    found = check_domain(text, "sale.order", field_index(17), automation_domain_names(17))
    assert [f.line for f in found] == [4]
