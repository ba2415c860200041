"""Policy blocks written in a template's YAML: compiled by config into located resources.

Uses the config tests' ``basic`` project (two sites, wh1 and wh2, sharing one database),
with a policy file added to its template.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from harmonizer.config.template import RawBlock
from harmonizer.render.desired import render_desired
from tests.config.conftest import BASIC, TEMPLATE_DIR, ProjectDir

POLICY = f"{TEMPLATE_DIR}/policy.yaml"
HEADER = f"{TEMPLATE_DIR}/template.yaml"

#: Declared under the basic template's variables (appended to its template.yaml).
VARIABLES = """
  discount_limit:
    type: float
    default: 15
    min: 0
    max: 50
    overridable: true
  approver_login:
    type: string
    default: admin
"""

#: Line numbers below refer to this text as written (line 1: ``approval_matrix:``).
MATRIX = """
approval_matrix:
  purchase:
    levels: "{{ approval_mode }}"
    amount: "{{ po_approval_amount }}"
  rules:
    pricing_deviation:
      exception: pricing_deviation
      threshold: "{{ discount_limit }}"
      action: block
    big_order:
      exception: order_value
      threshold: 20000
      action: approval
      approver: "{{ approver_login }}"
escalation:
  rules:
    big_order_stalled:
      approval: big_order
      after: 4
      escalate_to: admin
"""


@pytest.fixture
def project(tmp_path: Path) -> ProjectDir:
    root = tmp_path / "project"
    shutil.copytree(BASIC, root)
    return ProjectDir(root)


@pytest.fixture
def policy(project: ProjectDir) -> ProjectDir:
    """The basic project with the matrix above; its own purchase settings give way to the matrix."""
    project.write(HEADER, (project.root / HEADER).read_text() + VARIABLES.lstrip("\n"))
    project.remove(f"{TEMPLATE_DIR}/approvals.yaml")
    project.write(POLICY, MATRIX)
    return project


def _site_variables(project: ProjectDir, site: str, text: str) -> None:
    path = project.root / "sites" / f"{site}.yaml"
    body = path.read_text()
    if "variables:\n" not in body:
        body += "variables:\n"
    project.write(f"sites/{site}.yaml", body + text)


def test_blocks_compile_into_the_desired_state_at_their_lines(policy: ProjectDir) -> None:
    state = policy.load().render("wh1", {})
    compiled = [r for r in state if r.block is not None]
    assert [r.address for r in compiled] == [
        "company_settings.approval_company",
        "server_action.approval_pricing_deviation", "automation.approval_pricing_deviation",
        "server_action.approval_big_order", "automation.approval_big_order",
        "server_action.escalation_big_order_stalled", "automation.escalation_big_order_stalled"]
    # Hand-written resources come first, then the compiled ones.
    assert [r.block is None for r in state] == [True] * (len(state.resources) - len(compiled)) + [False] * len(compiled)
    assert {"automation.order_approved_event", "server_action.notify_n8n_order_approved"} <= set(state.resources)
    by_address = {r.address: r for r in compiled}
    company = by_address["company_settings.approval_company"]
    assert (company.block, company.rule, str(company.location)) == ("approval_matrix", None, f"{POLICY}:1")
    assert dict(company.body) == {"po_double_validation": "two_step", "po_double_validation_amount": 7500.0}
    block = by_address["automation.approval_pricing_deviation"]
    assert (block.block, block.rule, str(block.location)) == ("approval_matrix", "pricing_deviation", f"{POLICY}:6")
    assert str(block.location_of("filter_domain")) == f"{POLICY}:6"
    assert ("order_line.discount", ">", 15) in ast.literal_eval(block.body["filter_domain"])
    assert block.variables["filter_domain"] == ("discount_limit",)
    escalation = by_address["automation.escalation_big_order_stalled"]
    assert str(escalation.location) == f"{POLICY}:17"
    # An escalation on a matrix approval depends on that rule's variables too.
    assert escalation.variables["filter_domain"] == ("approver_login",)
    assert escalation.body["actions"] == ["escalation_big_order_stalled"]


def test_site_value_within_bounds_changes_only_its_rule(policy: ProjectDir) -> None:
    _site_variables(policy, "wh1", "  discount_limit: 10\n")
    _site_variables(policy, "wh2", "  discount_limit: 10\n")
    loaded = policy.load()
    assert loaded.validate({}) == []
    standard = loaded.render("wh1", {}, defaults_only=True)
    site = loaded.render("wh1", {})
    changed = [a for a in site.resources if site.resources[a].body != standard.resources[a].body]
    assert changed == ["company_settings.approval_company", "server_action.approval_pricing_deviation",
                       "automation.approval_pricing_deviation"]
    assert ("order_line.discount", ">", 10) in ast.literal_eval(
        site.resources["automation.approval_pricing_deviation"].body["filter_domain"])


def test_site_value_out_of_bounds_is_refused_at_the_sites_line(policy: ProjectDir) -> None:
    _site_variables(policy, "wh1", "  discount_limit: 80\n")
    [error] = policy.load_errors()
    assert error.startswith("sites/wh1.yaml:14: variables.discount_limit: ")
    assert "above the maximum 50" in error


def test_sites_sharing_a_database_must_render_compiled_rules_alike(policy: ProjectDir) -> None:
    _site_variables(policy, "wh2", "  discount_limit: 12\n")
    errors = policy.validate()
    shared = "sites/wh2.yaml:9: sites wh1 and wh2 share database 'harmonizer_demo' at sandbox://harmonizer_demo, "
    assert [e[:len(shared)] for e in errors] == [shared, shared]  # at the site's own variable line
    assert "render server_action.approval_pricing_deviation differently: code " in errors[0]
    assert "render automation.approval_pricing_deviation differently: filter_domain " in errors[1]
    # The company-level settings may differ per site: not reported (wh1 has 7500, wh2 5000).


def test_a_fixed_variable_cannot_be_set_by_a_site(policy: ProjectDir) -> None:
    _site_variables(policy, "wh1", "  approver_login: someone\n")
    [error] = policy.load_errors()
    assert error.startswith("sites/wh1.yaml:14: variables.approver_login: not overridable")


def test_render_output_shows_the_blocks_and_what_they_compile_to(policy: ProjectDir) -> None:
    state = policy.load().render("wh1", {})
    [data] = json.loads(render_desired([state], "json"))
    resources = data["resources"]
    assert resources["automation.approval_big_order"]["block"] == "approval_matrix"
    assert resources["automation.approval_big_order"]["rule"] == "big_order"
    assert resources["automation.approval_big_order"]["source"] == f"{POLICY}:10"
    assert "block" not in resources["automation.order_approved_event"]
    matrix = data["policies"]["approval_matrix"]
    assert matrix["source"] == f"{POLICY}:1"
    assert matrix["settings"] == {"purchase": {"levels": "two_step", "amount": 7500.0}}
    assert matrix["compiles_to"] == ["company_settings.approval_company"]
    rule = matrix["rules"]["big_order"]
    assert (rule["document"], rule["when"], rule["then"]) == ("Sales order", "order total above 20000",
                                                              "approval by admin")
    assert rule["rule"] == {"exception": "order_value", "threshold": 20000.0, "action": "approval",
                            "approver": "admin"}
    assert rule["compiles_to"] == ["server_action.approval_big_order", "automation.approval_big_order"]
    assert rule["source"] == f"{POLICY}:10"
    stalled = data["policies"]["escalation"]["rules"]["big_order_stalled"]
    assert stalled["compiles_to"] == ["server_action.escalation_big_order_stalled",
                                      "automation.escalation_big_order_stalled"]
    text = render_desired([state], "yaml")
    assert "policies:" in text and "then: approval by admin" in text


def test_event_token_is_redacted_in_render_output(policy: ProjectDir) -> None:
    policy.write(f"{TEMPLATE_DIR}/events.yaml", """
        business_events:
          endpoint: "{{ n8n_base_url }}"
          token: "{{ n8n_token }}"
          events: [order_approved]
    """)
    state = policy.load().render("wh1", {"WH1_N8N_TOKEN": "tok-s3cr3t-value"})
    action = state.resources["server_action.event_order_approved"]
    assert action.body["webhook_url"] == "https://n8n.example.com/webhook/order-approved?token=tok-s3cr3t-value"
    assert action.secret_keys == frozenset({"webhook_url"})
    assert "tok-s3cr3t-value" not in repr(action.body)
    for fmt in ("json", "yaml"):
        shown = render_desired([state], fmt)
        assert "tok-s3cr3t-value" not in shown
        assert "event_order_approved" in shown
    [data] = json.loads(render_desired([state], "json"))
    assert data["policies"]["business_events"]["settings"]["token"] == "(sensitive value)"
    assert data["policies"]["business_events"]["events"]["order_approved"]["compiles_to"] == [
        "server_action.event_order_approved", "automation.event_order_approved"]


def test_a_secret_set_for_one_site_only_is_not_compared_offline(policy: ProjectDir) -> None:
    policy.write(f"{TEMPLATE_DIR}/events.yaml", """
        business_events:
          endpoint: "{{ n8n_base_url }}"
          token: "{{ n8n_token }}"
          events: [order_approved]
    """)
    assert policy.validate({"WH1_N8N_TOKEN": "one"}) == []
    errors = policy.validate({"WH1_N8N_TOKEN": "one", "HARMONIZER_N8N_TOKEN": "two"})
    assert [e for e in errors if "server_action.event_order_approved differently: webhook_url (from a secret)" in e]


@pytest.mark.parametrize(("text", "expected"), [
    ("approval_matrix:\n  rules:\n    x:\n      exception: order_value\n      threshold: \"{{ nope }}\"\n"
     "      action: block\n",
     f"{POLICY}:5: approval_matrix: rules.x.threshold: undefined: 'nope' is undefined"),
    ("approval_matrix:\n  rules:\n    x:\n      exception: order_value\n      threshold: 5\n"
     "      action: block\n      colour: red\n",
     f"{POLICY}:7: approval_matrix: rules.x: unknown key 'colour'"),
    ("escalation:\n  rules:\n    late:\n      approval: missing\n      after: 2\n      escalate_to: admin\n",
     f"{POLICY}:4: escalation: escalation late: approval 'missing' is not a rule of the approval matrix "
     "(rules: none)"),
    ("approval_matrix: [a, b]\n",
     f"{POLICY}:1: approval_matrix: expected a mapping (the policy block's body), found list"),
])
def test_block_errors_are_located_at_their_line(project: ProjectDir, text: str, expected: str) -> None:
    project.write(POLICY, text)
    errors = [str(e) for e in project.load().validate({})] if "[a, b]" not in text else project.load_errors()
    assert [e for e in errors if e.startswith(expected)], errors


def test_a_block_is_declared_once_per_template(policy: ProjectDir) -> None:
    policy.write(f"{TEMPLATE_DIR}/zz_more.yaml", "escalation:\n  rules: {}\n")
    assert policy.load_errors() == [
        f"{TEMPLATE_DIR}/zz_more.yaml:1: policy block escalation is declared twice (first at {POLICY}:15): keep one"]


def test_a_compiled_address_taken_by_hand_is_an_error_at_the_rule(policy: ProjectDir) -> None:
    policy.write(f"{TEMPLATE_DIR}/zz_hand.yaml", """
        server_action:
          approval_big_order:
            name: By hand
            model: sale.order
            type: code
            code: "pass"
    """)
    errors = policy.validate()
    assert errors == [
        f"{POLICY}:10: server_action.approval_big_order: compiled from policy block approval_matrix rule big_order, "
        f"but also declared by hand at {TEMPLATE_DIR}/zz_hand.yaml:2: keep one (two resources would manage one "
        "record)"] * 2  # once per site


def test_hand_written_resources_may_use_compiled_ones_of_their_model(policy: ProjectDir) -> None:
    policy.write(f"{TEMPLATE_DIR}/zz_hand.yaml", """
        automation:
          also_on_purchase:
            name: Purchase
            model: purchase.order
            trigger: on_create
            actions: [approval_big_order]
          also_on_sale:
            name: Sale
            model: sale.order
            trigger: on_create
            actions: [approval_big_order]
    """)
    errors = policy.validate()
    assert errors == [
        f"{TEMPLATE_DIR}/zz_hand.yaml:6: automation.also_on_purchase: actions: server_action.approval_big_order "
        "is on model 'sale.order' but automation.also_on_purchase is on 'purchase.order' (Odoo only links records "
        "of one model)"] * 2


def test_template_levels_count_what_blocks_compile_to(policy: ProjectDir) -> None:
    template = policy.load().templates["distribution-standard"]
    assert [b.key for b in template.blocks] == ["approval_matrix", "escalation"]
    assert all(isinstance(b, RawBlock) for b in template.blocks)
    assert {"database", "company"} <= template.levels
    policy.write(POLICY, MATRIX.replace('  purchase:\n    levels: "{{ approval_mode }}"\n'
                                        '    amount: "{{ po_approval_amount }}"\n', ""))
    # Without purchase/credit settings the blocks compile to database-level records only.
    assert policy.load().templates["distribution-standard"].levels == {"database"}
