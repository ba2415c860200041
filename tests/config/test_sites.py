"""Site rules: variable overrides, template pin, scope, Odoo settings, waivers, the password."""

from __future__ import annotations

import datetime as dt

import pytest

from harmonizer.errors import ConfigError
from tests.config.conftest import TEMPLATE_DIR, ProjectDir

SITE_HEAD = """
template: distribution-standard
odoo:
  url: sandbox://wh3
scope:
  company: South
variables:
"""


def _site_errors(project: ProjectDir, variables: str) -> list[str]:
    project.write("sites/wh3.yaml", SITE_HEAD + variables)
    return project.load_errors()


def test_undeclared_variable(project: ProjectDir) -> None:
    [error] = _site_errors(project, "  po_amount: 1\n")
    assert error.startswith("sites/wh3.yaml:7: variables.po_amount: template distribution-standard declares no "
                            "such variable (declared: approval_mode, credit_limit,")


def test_variable_that_is_not_overridable(project: ProjectDir) -> None:
    assert _site_errors(project, "  credit_limit: false\n") == [
        "sites/wh3.yaml:7: variables.credit_limit: not overridable: template distribution-standard fixes "
        "this variable"]


def test_variable_of_the_wrong_type(project: ProjectDir) -> None:
    assert _site_errors(project, "  po_approval_amount: lots\n") == [
        "sites/wh3.yaml:7: variables.po_approval_amount: expected a float value, got string"]


def test_boolean_is_not_a_number(project: ProjectDir) -> None:
    assert _site_errors(project, "  po_approval_amount: true\n") == [
        "sites/wh3.yaml:7: variables.po_approval_amount: expected a float value, got boolean"]


def test_variable_outside_min_and_max(project: ProjectDir) -> None:
    assert _site_errors(project, "  po_approval_amount: 999\n") == [
        "sites/wh3.yaml:7: variables.po_approval_amount: 999.0 is below the minimum 1000"]
    assert _site_errors(project, "  po_approval_amount: 25000.5\n") == [
        "sites/wh3.yaml:7: variables.po_approval_amount: 25000.5 is above the maximum 25000"]


def test_variable_bounds_are_inclusive(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", SITE_HEAD + "  po_approval_amount: 25000\n")
    body = project.load().render("wh3", {}).resources["company_settings.purchase_approvals"].body
    assert body["po_double_validation_amount"] == 25000.0


def test_variable_not_in_choices(project: ProjectDir) -> None:
    assert _site_errors(project, "  approval_mode: three_step\n") == [
        "sites/wh3.yaml:7: variables.approval_mode: 'three_step' is not one of the choices "
        "['one_step', 'two_step']"]


def test_variable_not_matching_pattern(project: ProjectDir) -> None:
    assert _site_errors(project, "  n8n_base_url: http://n8n.local\n") == [
        "sites/wh3.yaml:7: variables.n8n_base_url: 'http://n8n.local' does not match the pattern 'https://.*'"]


def test_literal_value_for_a_secret_is_refused_and_not_echoed(project: ProjectDir) -> None:
    errors = _site_errors(project, "  n8n_token: s3cr3t-value\n")
    assert errors == ["sites/wh3.yaml:7: variables.n8n_token: a secret is never written literally: give "
                      "{env: ENV_VAR_NAME}"]
    assert "s3cr3t" not in errors[0]


def test_secret_env_name_must_be_a_name(project: ProjectDir) -> None:
    assert _site_errors(project, "  n8n_token: {env: 'not a name'}\n") == [
        "sites/wh3.yaml:7: variables.n8n_token: 'not a name' is not an environment variable name"]


def test_template_version_pin(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", 'template: distribution-standard\ntemplate_version: "2.0.0"\n'
                  "odoo: {url: sandbox://wh3}\nscope: {company: South}\n")
    assert project.load_errors() == [
        "sites/wh3.yaml:2: template_version '2.0.0' does not match template distribution-standard "
        "version '1.0.0'"]


def test_company_scope_required_for_company_level_resources(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", "odoo: {url: sandbox://wh3}\ntemplate: distribution-standard\n")
    assert project.load_errors() == [
        "sites/wh3.yaml:2: scope.company is required: template distribution-standard manages company-level "
        "resources"]


def test_company_scope_not_required_for_database_level_only(project: ProjectDir) -> None:
    project.remove(f"{TEMPLATE_DIR}/approvals.yaml")
    project.write("sites/wh3.yaml", "odoo: {url: sandbox://wh3}\ntemplate: distribution-standard\n")
    assert project.load().sites["wh3"].scope.company is None


def test_warehouse_needs_company(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", "template: distribution-standard\nodoo: {url: sandbox://wh3}\n"
                  "scope:\n  warehouse: WH3\n")
    errors = project.load_errors()
    assert "sites/wh3.yaml:3: scope: a warehouse needs its 'company'" in errors


def test_odoo_url_is_checked(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", "template: distribution-standard\nscope: {company: S}\nodoo:\n"
                  "  url: http://erp.example.com\n  database: prod\n  login: admin\n  password_env: PW\n")
    [error] = project.load_errors()
    assert error.startswith("sites/wh3.yaml:4: odoo.url: refusing plaintext http to http://erp.example.com")


def test_real_server_needs_database_login_and_password_env(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", "template: distribution-standard\nscope: {company: S}\nodoo:\n"
                  "  url: https://erp.example.com\n  odoo_version: '17.0'\n")
    assert project.load_errors() == [
        "sites/wh3.yaml:3: odoo: missing required key 'database' (required for https://erp.example.com)",
        "sites/wh3.yaml:3: odoo: missing required key 'login' (required for https://erp.example.com)",
        "sites/wh3.yaml:3: odoo: missing required key 'password_env' (required for https://erp.example.com)",
        "sites/wh3.yaml:5: odoo.odoo_version: only sandbox:// sites set it (a real server's version is detected)",
    ]


def test_sandbox_defaults(project: ProjectDir) -> None:
    odoo = project.load().sites["wh2"].odoo
    assert (odoo.database, odoo.login, odoo.odoo_version, odoo.password_env) == (
        "harmonizer_demo", "admin", "17.0", None)


def _real_site(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", """
        template: distribution-standard
        scope: {company: South}
        odoo:
          url: https://erp.example.com:8443
          database: prod
          login: harmonizer
          password_env: WH3_ODOO_PASSWORD
          protocol: jsonrpc
          timeout: 30
    """)


def test_secret_reads_the_password_from_env(project: ProjectDir) -> None:
    _real_site(project)
    site = project.load().sites["wh3"]
    assert site.secret({"WH3_ODOO_PASSWORD": "pw"}) == "pw"
    settings = site.connection_settings({"WH3_ODOO_PASSWORD": "pw"})
    assert (settings.url, settings.database, settings.protocol, settings.timeout) == (
        "https://erp.example.com:8443", "prod", "jsonrpc", 30.0)
    assert "pw" not in repr(settings)


def test_secret_missing_env_is_located_at_password_env(project: ProjectDir) -> None:
    _real_site(project)
    site = project.load().sites["wh3"]
    with pytest.raises(ConfigError) as info:
        site.secret({})
    assert str(info.value) == ("sites/wh3.yaml:7: environment variable WH3_ODOO_PASSWORD is not set "
                               "(password for site wh3)")


def test_secret_is_none_for_a_sandbox_without_password_env(project: ProjectDir) -> None:
    assert project.load().sites["wh2"].secret({}) is None


def test_site_location_by_dotted_key(project: ProjectDir) -> None:
    site = project.load().sites["wh1"]
    assert str(site.location("variables.n8n_token")) == "sites/wh1.yaml:13"
    assert str(site.location("odoo.url")) == "sites/wh1.yaml:6"


def test_waivers_are_validated_and_exposed(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", SITE_HEAD.replace("variables:\n", "") + """
waivers:
  - address: company_settings.purchase_approvals
    field: po_double_validation_amount
    owner: ops@example.com
    reason: Seasonal peak
    expires: 2031-01-31
""")
    [waiver] = project.load().sites["wh3"].waivers
    assert waiver.expires == dt.date(2031, 1, 31)
    assert (waiver.address, waiver.owner, str(waiver.location)) == (
        "company_settings.purchase_approvals", "ops@example.com", "sites/wh3.yaml:8")


def test_waiver_errors(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", SITE_HEAD.replace("variables:\n", "") + """
waivers:
  - address: no-such-thing
    field: x
    owner: ops
    reason: r
    expires: someday
""")
    assert project.load_errors() == [
        "sites/wh3.yaml:12: waivers[0].expires: Input should be a valid date or datetime, input is too short "
        "(got string)"]


def test_waiver_address_must_name_a_kind(project: ProjectDir) -> None:
    project.write("sites/wh3.yaml", SITE_HEAD.replace("variables:\n", "") + """
waivers:
  - address: mail_template.welcome
    field: x
    owner: ops
    reason: r
    expires: 2031-01-31
""")
    [error] = project.load_errors()
    assert error.startswith("sites/wh3.yaml:8: waivers[0].address: 'mail_template.welcome' is not a resource "
                            "address (kind.name, kinds: automation,")
