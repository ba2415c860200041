"""Sites sharing one Odoo database: scopes and database-level resources."""

from __future__ import annotations

from tests.config.conftest import TEMPLATE_DIR, ProjectDir


def test_same_database_needs_different_scopes(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://harmonizer_demo
          database: harmonizer_demo
        scope:
          company: Harmonia Distribution West
          warehouse: WH1
    """)
    assert project.validate() == [
        "sites/wh2.yaml:5: sites wh1 and wh2 share database 'harmonizer_demo' at sandbox://harmonizer_demo with "
        "the same scope (company 'Harmonia Distribution West', warehouse 'WH1'): each site must manage its own "
        "company/warehouse"]


def test_same_scope_in_different_databases_is_fine(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://harmonizer_demo
          database: other_db
        scope:
          company: Harmonia Distribution West
          warehouse: WH1
    """)
    assert project.validate() == []


def test_database_level_resource_rendered_differently(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://harmonizer_demo
        scope:
          company: Harmonia Distribution East
        variables:
          n8n_base_url: https://n8n.east.example.com
    """)
    assert project.validate() == [
        "sites/wh2.yaml:7: sites wh1 and wh2 share database 'harmonizer_demo' at sandbox://harmonizer_demo, but "
        "render server_action.notify_n8n_order_approved differently: webhook_url (from a secret)"]


def test_company_level_resources_may_differ(project: ProjectDir) -> None:
    # wh1 sets po_approval_amount 7500, wh2 keeps 5000: company_settings is per company.
    loaded = project.load()
    assert loaded.render("wh1", {}).resources["company_settings.purchase_approvals"].body != \
        loaded.render("wh2", {}).resources["company_settings.purchase_approvals"].body
    assert loaded.validate({}) == []


def test_difference_shows_values_and_locates_the_template_when_no_site_variable(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/zz_params.yaml", """
        system_parameter:
          site_marker:
            key: harmonizer.marker
            value: "{{ site.name }}"
    """)
    assert project.validate() == [
        f"{TEMPLATE_DIR}/zz_params.yaml:4: sites wh1 and wh2 share database 'harmonizer_demo' at "
        "sandbox://harmonizer_demo, but render system_parameter.site_marker differently: value 'wh1' vs 'wh2'"]


def test_sites_on_one_database_must_declare_the_same_database_level_set(project: ProjectDir) -> None:
    project.write("site_templates/lean/template.yaml", 'name: lean\nversion: "0.1.0"\n')
    project.write("site_templates/lean/params.yaml", """
        system_parameter:
          site_label:
            key: harmonizer.site_label
            value: lean 0.1.0
    """)
    project.write("sites/wh2.yaml", """
        template: lean
        odoo:
          url: sandbox://harmonizer_demo
        scope:
          company: Harmonia Distribution East
    """)
    assert project.validate() == [
        "sites/wh2.yaml:1: sites wh1 and wh2 share database 'harmonizer_demo' at sandbox://harmonizer_demo, but "
        "only wh1 declares server_action.notify_n8n_order_approved",
        "sites/wh2.yaml:1: sites wh1 and wh2 share database 'harmonizer_demo' at sandbox://harmonizer_demo, but "
        "only wh1 declares automation.order_approved_event",
        "site_templates/lean/params.yaml:4: sites wh1 and wh2 share database 'harmonizer_demo' at "
        "sandbox://harmonizer_demo, but render system_parameter.site_label differently: "
        "value 'distribution-standard 1.0.0' vs 'lean 0.1.0'",
    ]


def test_unknown_secrets_are_not_compared_but_known_ones_are(project: ProjectDir) -> None:
    # wh1 reads WH1_N8N_TOKEN, wh2 the template's HARMONIZER_N8N_TOKEN
    assert project.validate({}) == []
    assert project.validate({"WH1_N8N_TOKEN": "a"}) == []
    assert project.validate({"WH1_N8N_TOKEN": "a", "HARMONIZER_N8N_TOKEN": "a"}) == []
    errors = project.validate({"WH1_N8N_TOKEN": "a", "HARMONIZER_N8N_TOKEN": "b"})
    assert errors == [
        f"{TEMPLATE_DIR}/automation.yaml:6: sites wh1 and wh2 share database 'harmonizer_demo' at "
        "sandbox://harmonizer_demo, but render server_action.notify_n8n_order_approved differently: "
        "webhook_url (from a secret)"]


def test_real_servers_are_grouped_by_url_and_database(project: ProjectDir) -> None:
    for name, url in (("wh1", "https://ERP.example.com/"), ("wh2", "https://erp.example.com")):
        project.write(f"sites/{name}.yaml", f"""
            template: distribution-standard
            odoo:
              url: {url}
              database: prod
              login: harmonizer
              password_env: ODOO_PASSWORD
            scope:
              company: Harmonia
        """)
    [error] = project.validate()
    assert error.startswith("sites/wh2.yaml:7: sites wh1 and wh2 share database 'prod' at https://erp.example.com "
                            "with the same scope (company 'Harmonia')")
