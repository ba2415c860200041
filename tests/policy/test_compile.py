"""Compiling policy blocks: matrix -> records, per-site variation within bounds, rejections."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from harmonizer.errors import ConfigErrors
from harmonizer.kinds.registry import KINDS
from harmonizer.policy import BLOCKS, CompiledResource, compile_blocks, describe_blocks, validate_blocks
from harmonizer.policy.events import CATALOGUE
from tests.policy.helpers import EXAMPLE, context, render, site_values


def compiled(overrides: str = "{}", secrets: dict[str, str] | None = None, site: str = "wh1",
             company: str = "Harmonia West") -> dict[str, CompiledResource]:
    values, errors = site_values(overrides)
    assert not errors, errors
    blocks, locations, nodes = render(EXAMPLE.read_text(), values, site=site, company=company, secrets=secrets)
    out = compile_blocks(blocks, context(site, company), locations, nodes, secrets=list((secrets or {}).values()))
    return {r.address: r for r in out}


def compile_text(text: str) -> list[CompiledResource]:
    blocks, locations, nodes = render(text, {})
    return compile_blocks(blocks, context(), locations, nodes)


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigErrors) as caught:
        compile_text(text)
    return [str(e) for e in caught.value.errors]


def test_example_compiles_to_valid_resources_of_existing_kinds() -> None:
    out = compiled()
    assert {r.kind for r in out.values()} == {"company_settings", "server_action", "automation", "default_value"}
    for resource in out.values():
        KINDS[resource.kind].body_model.model_validate(dict(resource.body))
    for resource in out.values():
        if resource.kind == "automation":
            for action in resource.body["actions"]:
                target = out[f"server_action.{action}"]
                assert target.body["model"] == resource.body["model"]
            for key in ("filter_domain", "filter_pre_domain"):
                if key in resource.body:
                    assert isinstance(ast.literal_eval(resource.body[key]), list)


def test_matrix_compiles_company_settings_block_and_approval() -> None:
    out = compiled()
    assert dict(out["company_settings.approval_company"].body) == {
        "po_double_validation": "two_step", "po_double_validation_amount": 5000.0, "po_lock": "lock",
        "account_use_credit_limit": True}

    block = out["automation.approval_pricing_deviation"].body
    assert block["trigger"] == "on_write" and block["trigger_fields"] == ["state"]
    assert ast.literal_eval(block["filter_pre_domain"]) == [("state", "in", ["draft", "sent"])]
    assert ast.literal_eval(block["filter_domain"]) == [("state", "=", "sale"), ("order_line.discount", ">", 15)]
    code = out["server_action.approval_pricing_deviation"].body["code"]
    assert "raise UserError(" in code and "has_group('sales_team.group_sale_manager')" in code
    compile(code, "<server action>", "exec")  # valid Python for Odoo's safe_eval

    approval = out["automation.approval_key_account_order"].body
    wanted = [("amount_total", ">", 50000), ("partner_id.category_id.name", "in", ["Key Account"]),
              ("state", "in", ["draft", "sent"])]
    summary = out["server_action.approval_key_account_order"].body["activity_summary"]
    # asked once: no open activity of this approval, first (real 16.0 reads it last)
    assert ast.literal_eval(approval["filter_domain"]) == ["!", ("activity_ids.summary", "=like", summary), *wanted]
    assert ast.literal_eval(approval["filter_pre_domain"]) == ["!", "&", "&", *wanted]
    action = out["server_action.approval_key_account_order"].body
    assert (action["type"], action["activity_user_type"], action["activity_user"]) == ("next_activity", "specific",
                                                                                      "admin")
    by_field = out["server_action.approval_large_order"].body
    assert (by_field["activity_user_type"], by_field["activity_user_field"]) == ("generic", "user_id")


def test_every_exception_type_compiles_on_its_model() -> None:
    out = compiled()
    models = {name: out[f"automation.approval_{name}"].body["model"] for name in (
        "large_order", "pricing_deviation", "credit_exposure", "stock_availability", "emergency_purchase",
        "stock_writeoff", "large_return", "vendor_master_change")}
    assert models == {"large_order": "sale.order", "pricing_deviation": "sale.order",
                      "credit_exposure": "sale.order", "stock_availability": "sale.order",
                      "emergency_purchase": "purchase.order", "stock_writeoff": "stock.move",
                      "large_return": "stock.picking", "vendor_master_change": "res.partner"}
    emergency = ast.literal_eval(out["automation.approval_emergency_purchase"].body["filter_domain"])
    assert ("origin", "=", False) in emergency and ("amount_total", ">", 2000) in emergency
    stock = out["server_action.approval_stock_availability"].body["code"]
    assert "free_qty" in stock
    compile(stock, "<server action>", "exec")


def test_per_site_values_within_bounds_change_only_their_rules() -> None:
    standard = compiled()
    site = compiled("{max_discount_percent: 20, po_approval_amount: 7500}")
    assert ("order_line.discount", ">", 20) in ast.literal_eval(
        site["automation.approval_pricing_deviation"].body["filter_domain"])
    assert site["company_settings.approval_company"].body["po_double_validation_amount"] == 7500.0
    changed = {a for a in standard if standard[a].body != site[a].body}
    assert changed == {"company_settings.approval_company", "automation.approval_pricing_deviation",
                       "server_action.approval_pricing_deviation"}


@pytest.mark.parametrize(("overrides", "expected"), [
    ("{max_discount_percent: 80}", "variables.max_discount_percent"),
    ("{emergency_purchase_threshold: 10}", "variables.emergency_purchase_threshold"),
    ("{shipment_delay_hours: 8}", "not overridable"),
])
def test_site_values_out_of_bounds_are_refused(overrides: str, expected: str) -> None:
    _, errors = site_values(overrides)
    assert len(errors) == 1 and expected in str(errors[0])


def test_sites_of_one_database_render_database_records_identically() -> None:
    # Database-level records must not depend on the site: only company-level ones may.
    one = compiled(site="wh1", company="Harmonia West")
    two = compiled(site="wh2", company="Harmonia Central")
    assert {a: r.body for a, r in one.items()} == {a: r.body for a, r in two.items()}


def test_event_token_is_secret_and_urls_follow_the_endpoint() -> None:
    out = compiled(secrets={"n8n_token": "tok-123"})
    action = out["server_action.event_order_approved"]
    assert action.body["webhook_url"] == "https://n8n.harmonia.example/webhook/order-approved?token=tok-123"
    assert action.secret_keys == {"webhook_url"}
    assert not out["automation.event_order_approved"].secret_keys
    plain = compiled()["server_action.event_shipment_dispatched"]
    assert plain.body["webhook_url"] == "https://n8n.harmonia.example/webhook/shipment-dispatched"
    assert not plain.secret_keys
    delayed = out["automation.event_shipment_delayed"].body
    assert (delayed["trigger"], delayed["date_field"], delayed["delay"], delayed["delay_unit"]) == (
        "on_time", "scheduled_date", 4, "hour")


def test_catalogue_payloads_carry_the_company() -> None:
    assert set(CATALOGUE) == {"order_approved", "stock_exception_raised", "shipment_dispatched",
                              "shipment_delayed", "invoice_blocked", "return_authorized", "backorder_created"}
    for spec in CATALOGUE.values():
        assert "company_id" in spec.fields


def test_escalation_waits_on_the_open_approval_activity() -> None:
    out = compiled()
    rule = out["automation.escalation_large_order_stalled"].body
    assert (rule["trigger"], rule["date_field"], rule["delay"], rule["delay_unit"]) == (
        "on_time_updated", "write_date", 24, "hour")
    summary = out["server_action.approval_large_order"].body["activity_summary"]
    assert ("activity_ids.summary", "=", summary) in ast.literal_eval(rule["filter_domain"])
    assert rule["actions"] == ["escalation_large_order_stalled", "escalation_large_order_stalled_event"]
    warehouse = out["automation.escalation_warehouse_exception_stalled"].body
    assert (warehouse["trigger"], warehouse["date_field"], warehouse["delay"]) == ("on_time", "scheduled_date", 8)


def test_finance_controls_compile_the_default_and_the_hold() -> None:
    out = compiled()
    assert dict(out["default_value.finance_bill_control"].body) == {
        "model": "product.template", "field": "purchase_method", "value": "receive"}
    hold = out["server_action.finance_invoice_hold"].body["code"]
    assert "PRICE_TOLERANCE = 2.0" in hold and "'to_check': True" in hold
    compile(hold, "<server action>", "exec")
    posting = out["automation.finance_hold_posting"].body
    assert ("to_check", "=", True) in ast.literal_eval(posting["filter_domain"])


def test_compilation_is_deterministic_and_names_are_stable() -> None:
    first, second = compiled(), compiled()
    assert list(first) == list(second)
    assert all(r.body == second[a].body for a, r in first.items())
    assert all(r.name.startswith(("approval_", "escalation_", "event_", "finance_")) for r in first.values())


@pytest.mark.parametrize(("text", "expected"), [
    ("approval_matrix:\n  rules:\n    a:\n      exception: order_value\n      threshold: 5\n"
     "      action: block\n      colour: red\n", "governance.yaml:7: approval_matrix: rules.a: unknown key 'colour'"),
    ("approval_matrix:\n  rules:\n    a:\n      exception: pricing_deviation\n      threshold: 120\n"
     "      action: block\n", "discount in percent"),
    ("approval_matrix:\n  rules:\n    a:\n      exception: order_value\n      threshold: -1\n"
     "      action: block\n", "governance.yaml:5:"),
    ("approval_matrix:\n  rules:\n    a:\n      exception: order_value\n      action: block\n",
     "needs 'threshold'"),
    ("approval_matrix:\n  rules:\n    a:\n      exception: stock_writeoff\n      threshold: 5\n"
     "      action: approval\n      approver: admin\n", "supports action 'block' only"),
    ("approval_matrix:\n  rules:\n    a:\n      exception: order_value\n      threshold: 5\n"
     "      action: approval\n", "exactly one of 'approver'"),
    ("approval_matrix:\n  rules:\n    Bad-Name:\n      exception: order_value\n      threshold: 5\n"
     "      action: block\n", "governance.yaml:3: approval_matrix: rules: rule name 'Bad-Name'"),
    ("escalation:\n  rules:\n    late:\n      approval: nope\n      after: 2\n      escalate_to: admin\n",
     "governance.yaml:4: escalation: escalation late: approval 'nope' is not a rule"),
    ("business_events:\n  endpoint: ftp://x\n  events: [order_approved]\n", "governance.yaml:2:"),
    ("business_events:\n  endpoint: https://x\n  events: [order_shipped]\n", "governance.yaml:3:"),
    ("approval_rules:\n  x: 1\n", "unknown policy block 'approval_rules'"),
])
def test_invalid_blocks_are_refused_at_their_line(text: str, expected: str) -> None:
    assert any(expected in message for message in errors_of(text)), errors_of(text)


def test_describe_shows_the_matrix_and_what_it_compiles_to() -> None:
    values, _ = site_values()
    blocks, locations, nodes = render(EXAMPLE.read_text(), values)
    out = compile_blocks(blocks, context(), locations, nodes)
    text = "\n".join(describe_blocks(validate_blocks(blocks, locations, nodes), out))
    assert "purchase orders: two_step above 5000, confirmed orders locked" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("pricing_deviation "))
    assert "a line discount (%) above 15" in row and "block (unless sales_team.group_sale_manager)" in row
    for resource in out:
        assert resource.address in text


def test_blocks_registry_names_the_six_blocks() -> None:
    assert list(BLOCKS) == ["approval_matrix", "escalation", "business_events", "finance_controls", "access_policy",
                            "health"]


def _body(out: list[CompiledResource], address: str) -> dict[str, Any]:
    return dict(next(r for r in out if r.address == address).body)


def test_block_rule_on_a_vendor_change_watches_identity_fields() -> None:
    out = compile_text("approval_matrix:\n  rules:\n    vendor:\n      exception: vendor_master_change\n"
                       "      action: block\n")
    body = _body(out, "automation.approval_vendor")
    assert body["trigger"] == "on_write" and "bank_ids" in body["trigger_fields"]
    assert ast.literal_eval(body["filter_domain"]) == [("supplier_rank", ">", 0)]
    assert "filter_pre_domain" not in body
