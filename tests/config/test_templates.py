"""Template rules: folder and name, resource files, variable declarations."""

from __future__ import annotations

from tests.config.conftest import TEMPLATE_DIR, ProjectDir

HEADER = f"{TEMPLATE_DIR}/template.yaml"


def test_site_naming_a_missing_template_folder(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        description: East
        template: distribution-premium
        odoo: {url: sandbox://harmonizer_demo}
    """)
    assert project.load_errors() == [
        "sites/wh2.yaml:2: template 'distribution-premium' not found: no site_templates/distribution-premium/ "
        "(known templates: distribution-standard)"]


def test_template_name_must_equal_its_folder(project: ProjectDir) -> None:
    text = (project.root / HEADER).read_text().replace("name: distribution-standard", "name: distribution-std")
    project.write(HEADER, text)
    assert project.load_errors() == [
        f"{HEADER}:1: name 'distribution-std' must equal the template folder name 'distribution-standard'"]


def test_template_folder_without_header(project: ProjectDir) -> None:
    project.write("site_templates/empty/notes.yaml", "{}\n")
    assert project.load_errors() == ["site_templates/empty: template folder has no template.yaml"]


def test_unknown_kind_names_the_known_ones(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/extra.yaml", """
        system_parameter:
          a_param: {key: a, value: b}
        mail_template:
          welcome: {name: Welcome}
    """)
    [error] = project.load_errors()
    assert error.startswith(f"{TEMPLATE_DIR}/extra.yaml:3: unknown resource kind 'mail_template' (known kinds: "
                            "automation, company_settings,")


def test_resource_name_pattern(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/extra.yaml", """
        system_parameter:
          Bad-Name: {key: a, value: b}
    """)
    assert project.load_errors() == [
        f"{TEMPLATE_DIR}/extra.yaml:2: system_parameter: resource name 'Bad-Name' must match "
        "^[a-z][a-z0-9]*(_[a-z0-9]+)*$"]


def test_resource_names_are_unique_per_kind_across_files(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        automation:
          other_rule:
            name: Other
            model: sale.order
            trigger: on_create
        server_action:
          notify_n8n_order_approved:
            name: Again
            model: sale.order
            code: pass
    """)
    assert project.load_errors() == [
        f"{TEMPLATE_DIR}/zz_more.yaml:7: server_action.notify_n8n_order_approved is declared twice "
        f"(first at {TEMPLATE_DIR}/automation.yaml:2)"]


def test_same_name_in_two_kinds_is_allowed(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        system_parameter:
          order_approved_event: {key: a, value: b}
    """)
    assert "system_parameter.order_approved_event" in project.load().render("wh1", {}).resources


def test_kind_value_must_be_a_mapping(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_more.yaml", """
        system_parameter:
          - key: a
    """)
    assert project.load_errors() == [
        f"{TEMPLATE_DIR}/zz_more.yaml:1: system_parameter: expected a mapping of resource names to bodies, "
        "found list"]


def _variables(project: ProjectDir, block: str) -> list[str]:
    project.write(HEADER, 'name: distribution-standard\nversion: "1.0.0"\nvariables:\n' + block)
    project.write(f"{TEMPLATE_DIR}/approvals.yaml", "{}\n")
    project.write(f"{TEMPLATE_DIR}/automation.yaml", "{}\n")
    for site in ("wh1", "wh2"):
        project.write(f"sites/{site}.yaml", f"template: distribution-standard\nodoo: {{url: sandbox://{site}}}\n")
    return project.load_errors()


def test_variable_needs_a_default(project: ProjectDir) -> None:
    assert _variables(project, "  amount:\n    type: int\n") == [
        f"{HEADER}:4: variables.amount: missing required key 'default' (only secrets may omit it)"]


def test_variable_default_must_fit_its_bounds(project: ProjectDir) -> None:
    block = "  amount:\n    type: float\n    min: 10\n    max: 20\n    default: 30\n"
    assert _variables(project, block) == [f"{HEADER}:8: variables.amount.default: 30.0 is above the maximum 20"]


def test_variable_default_must_have_its_type(project: ProjectDir) -> None:
    assert _variables(project, "  flag:\n    type: bool\n    default: 'yes'\n") == [
        f"{HEADER}:6: variables.flag.default: expected a bool value, got string"]


def test_variable_default_must_be_a_choice(project: ProjectDir) -> None:
    block = "  mode:\n    type: string\n    choices: [a, b]\n    default: c\n"
    assert _variables(project, block) == [
        f"{HEADER}:7: variables.mode.default: 'c' is not one of the choices ['a', 'b']"]


def test_bounds_only_for_numbers_and_pattern_only_for_strings(project: ProjectDir) -> None:
    block = ("  mode:\n    type: string\n    min: 1\n    default: a\n"
             "  n:\n    type: int\n    pattern: x\n    default: 1\n")
    assert _variables(project, block) == [
        f"{HEADER}:6: variables.mode: 'min' applies to int and float variables only",
        f"{HEADER}:10: variables.n: 'pattern' applies to string variables only"]


def test_invalid_pattern(project: ProjectDir) -> None:
    assert _variables(project, "  code:\n    type: string\n    pattern: '[a-'\n    default: a\n")[0].startswith(
        f"{HEADER}:6: variables.code: invalid regular expression:")


def test_secret_never_has_a_default_and_needs_env(project: ProjectDir) -> None:
    block = "  token:\n    type: secret\n    default: hunter2\n"
    errors = _variables(project, block)
    assert errors == [f"{HEADER}:6: variables.token: a secret takes no 'default'",
                      f"{HEADER}:5: variables.token: a secret needs 'env': the environment variable holding "
                      "its value"]
    assert not any("hunter2" in e for e in errors)


def test_only_secrets_take_env(project: ProjectDir) -> None:
    assert _variables(project, "  n:\n    type: int\n    default: 1\n    env: N\n") == [
        f"{HEADER}:7: variables.n: only secrets take 'env'"]


def test_reserved_variable_names(project: ProjectDir) -> None:
    assert _variables(project, "  site:\n    type: string\n    default: a\n") == [
        f"{HEADER}:4: variables: name 'site' is reserved"]


def test_unknown_variable_type(project: ProjectDir) -> None:
    [error] = _variables(project, "  n:\n    type: decimal\n    default: 1\n")
    assert error.startswith(f"{HEADER}:5: variables.n: type: Input should be 'string', 'int', 'float', ... "
                            "or 'list' (6 values), got 'decimal'")


def test_variable_missing_type_is_located_at_its_name(project: ProjectDir) -> None:
    assert _variables(project, "  amount:\n    default: 1\n") == [
        f"{HEADER}:4: variables.amount: missing required key 'type'"]


def test_variables_must_be_a_mapping(project: ProjectDir) -> None:
    project.write(HEADER, 'name: distribution-standard\nversion: "1.0.0"\nvariables: [a, b]\n')
    assert project.load_errors() == [f"{HEADER}:3: variables: Input should be a valid dictionary (got list)"]
