"""Rendering: native types, site values vs defaults, undefined names, secrets, tracking, body checks."""

from __future__ import annotations

import pytest

from harmonizer.config import SecretText
from harmonizer.errors import ConfigErrors
from tests.config.conftest import TEMPLATE_DIR, ProjectDir

APPROVALS = "company_settings.purchase_approvals"
WEBHOOK = "server_action.notify_n8n_order_approved"


def _render_errors(project: ProjectDir, site: str = "wh1", env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigErrors) as info:
        project.load().render(site, env or {})
    return [str(e) for e in info.value.errors]


def test_single_expression_keeps_the_native_type(project: ProjectDir) -> None:
    body = project.load().render("wh1", {}).resources[APPROVALS].body
    assert body["po_double_validation_amount"] == 7500.0
    assert type(body["po_double_validation_amount"]) is float
    assert body["account_use_credit_limit"] is True


def test_other_strings_render_to_strings(project: ProjectDir) -> None:
    body = project.load().render("wh1", {}).resources["system_parameter.site_label"].body
    assert body == {"key": "harmonizer.site_label", "value": "distribution-standard 1.0.0"}


def test_site_value_wins_over_default_and_defaults_only_ignores_it(project: ProjectDir) -> None:
    loaded = project.load()
    assert loaded.render("wh1", {}).resources[APPROVALS].body["po_double_validation_amount"] == 7500.0
    assert loaded.render("wh2", {}).resources[APPROVALS].body["po_double_validation_amount"] == 5000.0
    standard = loaded.render("wh1", {}, defaults_only=True)
    assert standard.resources[APPROVALS].body["po_double_validation_amount"] == 5000.0


def test_desired_state_header_and_order(project: ProjectDir) -> None:
    state = project.load().render("wh1", {})
    assert (state.site, state.template, state.template_version) == ("wh1", "distribution-standard", "1.0.0")
    assert (state.scope.company, state.scope.warehouse) == ("Harmonia Distribution West", "WH1")
    # files in name order (approvals.yaml, automation.yaml), resources in file order
    assert list(state.resources) == [APPROVALS, "system_parameter.site_label", WEBHOOK,
                                     "automation.order_approved_event"]


def test_body_holds_only_what_the_template_wrote(project: ProjectDir) -> None:
    body = project.load().render("wh1", {}).resources["automation.order_approved_event"].body
    assert body == {"name": "[Harmonizer] Order approved", "model": "sale.order", "trigger": "on_state_set",
                    "actions": ["notify_n8n_order_approved"]}


def test_locations_per_key(project: ProjectDir) -> None:
    resource = project.load().render("wh1", {}).resources["automation.order_approved_event"]
    assert str(resource.location) == f"{TEMPLATE_DIR}/automation.yaml:8"
    assert str(resource.location_of("trigger")) == f"{TEMPLATE_DIR}/automation.yaml:11"


def test_variables_used_per_key_are_tracked(project: ProjectDir) -> None:
    resources = project.load().render("wh1", {}).resources
    assert resources[APPROVALS].variables == {"po_double_validation": ("approval_mode",),
                                              "po_double_validation_amount": ("po_approval_amount",),
                                              "account_use_credit_limit": ("credit_limit",)}
    assert resources[WEBHOOK].variables == {"webhook_url": ("n8n_base_url", "n8n_token")}
    # site/template context names are not template variables
    assert resources["system_parameter.site_label"].variables == {}


def test_secret_renders_in_memory_but_is_redacted_in_repr(project: ProjectDir) -> None:
    state = project.load().render("wh1", {"WH1_N8N_TOKEN": "tok-9f8e7d"})
    resource = state.resources[WEBHOOK]
    url = resource.body["webhook_url"]
    assert url == "https://n8n.example.com/webhook/order-approved?token=tok-9f8e7d"
    assert isinstance(url, SecretText)
    assert resource.secret_keys == frozenset({"webhook_url"})
    assert "tok-9f8e7d" not in repr(resource)
    assert "tok-9f8e7d" not in repr(state)


def test_site_without_secret_override_uses_the_template_env_name(project: ProjectDir) -> None:
    state = project.load().render("wh2", {"HARMONIZER_N8N_TOKEN": "abc", "WH1_N8N_TOKEN": "other"})
    assert state.resources[WEBHOOK].body["webhook_url"].endswith("token=abc")


def test_missing_optional_secret_renders_empty(project: ProjectDir) -> None:
    body = project.load().render("wh1", {}).resources[WEBHOOK].body
    assert body["webhook_url"].endswith("token=")


def test_missing_required_secret_is_located_at_the_site_override(project: ProjectDir) -> None:
    header = (project.root / TEMPLATE_DIR / "template.yaml").read_text()
    project.write(f"{TEMPLATE_DIR}/template.yaml", header.replace("required: false", "required: true"))
    assert _render_errors(project, "wh1") == [
        "sites/wh1.yaml:13: environment variable WH1_N8N_TOKEN is not set (secret variable n8n_token of site wh1)"]
    assert _render_errors(project, "wh2") == [
        f"{TEMPLATE_DIR}/template.yaml:27: environment variable HARMONIZER_N8N_TOKEN is not set "
        "(secret variable n8n_token of site wh2)"]
    # offline validation renders a placeholder instead
    assert project.validate() == []


def test_undefined_name_is_an_error_at_the_scalars_line(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_params.yaml", """
        system_parameter:
          base_url:
            key: web.base.url
            value: "{{ n8n_base_url }}/{{ public_host }}"
    """)
    assert _render_errors(project) == [
        f"{TEMPLATE_DIR}/zz_params.yaml:4: system_parameter.base_url: value: undefined: 'public_host' is undefined"]


def test_undefined_single_expression_and_attribute(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_params.yaml", """
        system_parameter:
          one:
            key: a
            value: "{{ nope }}"
          two:
            key: b
            value: "{{ site.nope }}"
    """)
    errors = _render_errors(project)
    assert errors[0] == f"{TEMPLATE_DIR}/zz_params.yaml:4: system_parameter.one: value: undefined: 'nope' is undefined"
    assert errors[1].startswith(f"{TEMPLATE_DIR}/zz_params.yaml:7: system_parameter.two: value: undefined: ")
    assert "nope" in errors[1]


def test_jinja_syntax_error_is_located(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_params.yaml", """
        system_parameter:
          broken:
            key: a
            value: "{{ site.name "
    """)
    [error] = _render_errors(project)
    assert error.startswith(f"{TEMPLATE_DIR}/zz_params.yaml:4: system_parameter.broken: value: template syntax error:")


def test_site_context_and_native_lists(project: ProjectDir) -> None:
    header = (project.root / TEMPLATE_DIR / "template.yaml").read_text()
    watched = "  watched:\n    type: list\n    default: [state, amount_total]\n"
    project.write(f"{TEMPLATE_DIR}/template.yaml", header + watched)
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        system_parameter:
          who:
            key: harmonizer.site
            value: "{{ site.name }}@{{ site.company }}/{{ site.warehouse }} [{{ site.tags | join(',') }}]"
        automation:
          watch_orders:
            name: "Watch {{ site.name }}"
            model: sale.order
            trigger: on_write
            trigger_fields: "{{ watched }}"
    """)
    resources = project.load().render("wh1", {}).resources
    assert resources["system_parameter.who"].body["value"] == "wh1@Harmonia Distribution West/WH1 [pilot,west]"
    assert resources["automation.watch_orders"].body["trigger_fields"] == ["state", "amount_total"]
    assert resources["automation.watch_orders"].variables == {"trigger_fields": ("watched",)}


def test_keys_are_not_rendered(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        system_parameter:
          odd:
            "{{ key }}": a
            value: b
    """)
    assert _render_errors(project) == [
        f"{TEMPLATE_DIR}/zz_more.yaml:2: system_parameter.odd: missing required key 'key'",
        f"{TEMPLATE_DIR}/zz_more.yaml:3: system_parameter.odd: unknown key '{{{{ key }}}}' (allowed: key, value)"]


def test_body_validation_error_with_shortened_literal_list(project: ProjectDir) -> None:
    text = (project.root / TEMPLATE_DIR / "automation.yaml").read_text()
    project.write(f"{TEMPLATE_DIR}/automation.yaml", text.replace("on_state_set", "on_state_sett"))
    assert _render_errors(project) == [
        f"{TEMPLATE_DIR}/automation.yaml:11: automation.order_approved_event: trigger: Input should be "
        "'on_stage_set', 'on_user_set', 'on_tag_set', ... or 'on_webhook' (18 values), got 'on_state_sett'"]


def test_body_error_in_a_list_item_and_unknown_key(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        automation:
          other_rule:
            name: Other
            model: sale.order
            trigger: on_create
            actions:
              - notify_n8n_order_approved
              - 42
            colour: red
    """)
    errors = _render_errors(project)
    assert errors[0] == (f"{TEMPLATE_DIR}/zz_more.yaml:8: automation.other_rule: actions[1]: "
                         "Input should be a valid string (got integer)")
    assert errors[1].startswith(f"{TEMPLATE_DIR}/zz_more.yaml:9: automation.other_rule: unknown key 'colour' "
                                "(allowed: actions, active, date_field,")


def test_body_missing_key_and_model_rule_at_the_resource_line(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        server_action:
          hook:
            name: Hook
            model: sale.order
            type: webhook
          nameless:
            model: sale.order
            code: pass
    """)
    assert _render_errors(project) == [
        f"{TEMPLATE_DIR}/zz_more.yaml:2: server_action.hook: a webhook action needs 'webhook_url'",
        f"{TEMPLATE_DIR}/zz_more.yaml:6: server_action.nameless: missing required key 'name'",
    ]


def test_native_value_of_the_wrong_type_for_the_body(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        system_parameter:
          amount:
            key: purchase.amount
            value: "{{ po_approval_amount }}"
          amount_text:
            key: purchase.amount_text
            value: "{{ po_approval_amount }} EUR"
    """)
    errors = _render_errors(project)
    assert errors == [f"{TEMPLATE_DIR}/zz_more.yaml:4: system_parameter.amount: value: "
                      "Input should be a valid string (got float)"]


def test_secret_value_never_appears_in_a_body_error(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        company_settings:
          mode:
            po_double_validation: "{{ n8n_token }}"
    """)
    errors = _render_errors(project, env={"WH1_N8N_TOKEN": "tok-5a5a"})
    assert errors == [f"{TEMPLATE_DIR}/zz_more.yaml:3: company_settings.mode: po_double_validation: "
                      "Input should be 'one_step' or 'two_step'"]


def test_expression_results_keep_their_type(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        company_settings:
          doubled:
            po_double_validation_amount: "{{ po_approval_amount * 2 }}"
            po_lead: "{{ 3 if 'pilot' in site.tags else 1 }}"
    """)
    body = project.load().render("wh1", {}).resources["company_settings.doubled"].body
    assert body == {"po_double_validation_amount": 15000.0, "po_lead": 3.0}
