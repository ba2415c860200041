"""Per-site overrides beyond variables: exclusions (governed by ``mandatory``) and site-local resources."""

from __future__ import annotations

import datetime as dt

import pytest

from harmonizer.errors import ConfigErrors
from tests.config.conftest import TEMPLATE_DIR, ProjectDir

WH1 = """
    template: distribution-standard
    template_version: "1.0.0"
    odoo:
      url: sandbox://harmonizer_demo
    scope:
      company: Harmonia Distribution West
      warehouse: WH1
    exclude:
"""


def _exclude(project: ProjectDir, entries: str, site: str = "wh1") -> None:
    project.write(f"sites/{site}.yaml", WH1 + entries.lstrip("\n"))


def _allow_local(project: ProjectDir, kinds: str = "[system_parameter, delivery_carrier, server_action]") -> None:
    """The template header with ``local_kinds: kinds`` (line 3)."""
    lines = [line for line in (project.root / TEMPLATE_DIR / "template.yaml").read_text().splitlines()
             if not line.startswith("local_kinds:")]
    lines.insert(lines.index('version: "1.0.0"') + 1, f"local_kinds: {kinds}")
    project.write(f"{TEMPLATE_DIR}/template.yaml", "\n".join(lines) + "\n")


def test_an_excluded_resource_is_left_out_of_the_desired_state(project: ProjectDir) -> None:
    _exclude(project, """
          - address: automation.order_approved_event
            owner: ops@example.com
            reason: this depot has no n8n yet
            expires: 2099-01-31
          - address: server_action.notify_n8n_order_approved
            owner: ops@example.com
            reason: this depot has no n8n yet
    """)
    # wh2 shares the database: database-level records are shared, so it must exclude them too.
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://other_db
        scope:
          company: Harmonia Distribution East
    """)
    state = project.load().render("wh1", {})
    assert "automation.order_approved_event" not in state.resources
    assert "company_settings.purchase_approvals" in state.resources
    entry = state.excluded["automation.order_approved_event"]
    assert (entry.owner, entry.reason, entry.expires, str(entry.location)) == (
        "ops@example.com", "this depot has no n8n yet", "2099-01-31", "sites/wh1.yaml:9")
    assert state.excluded["server_action.notify_n8n_order_approved"].expires is None


def test_excluding_a_mandatory_resource_is_refused_at_the_site_line(project: ProjectDir) -> None:
    body = (project.root / TEMPLATE_DIR / "approvals.yaml").read_text()
    project.write(f"{TEMPLATE_DIR}/approvals.yaml", body.replace("  purchase_approvals:\n",
                                                                 "  purchase_approvals:\n    mandatory: true\n"))
    _exclude(project, """
          - address: company_settings.purchase_approvals
            owner: ops@example.com
            reason: we approve by phone
    """)
    assert project.load_errors() == [
        "sites/wh1.yaml:9: exclude: company_settings.purchase_approvals is mandatory in template "
        f"distribution-standard ({TEMPLATE_DIR}/approvals.yaml:2): no site may exclude it"]
    # mandatory is a meta key: a site that does not exclude it renders it as before
    project.write("sites/wh1.yaml", WH1.replace("    exclude:\n", ""))
    body = project.load().render("wh1", {}).resources["company_settings.purchase_approvals"].body
    assert "mandatory" not in body


def test_excluding_a_referenced_resource_names_who_uses_it(project: ProjectDir) -> None:
    _exclude(project, """
          - address: server_action.notify_n8n_order_approved
            owner: ops@example.com
            reason: no n8n here
    """)
    errors = project.validate()
    assert errors[0] == ("sites/wh1.yaml:9: exclude: server_action.notify_n8n_order_approved is still used by "
                         "automation.order_approved_event: exclude it too, or keep "
                         "server_action.notify_n8n_order_approved")


def test_exclusions_name_what_the_template_declares(project: ProjectDir) -> None:
    _exclude(project, """
          - address: automation.nope
            owner: a
            reason: b
          - address: approval_matrix.nope
            owner: a
            reason: b
          - address: colour.red
            owner: a
            reason: b
    """)
    errors = project.load_errors()
    assert errors[0].startswith("sites/wh1.yaml:15: exclude[2].address: 'colour.red' is neither a resource "
                                "address (kind.name, kinds: ")
    assert errors[1:] == [
        "sites/wh1.yaml:9: exclude: template distribution-standard 1.0.0 declares no automation.nope",
        "sites/wh1.yaml:12: exclude: template distribution-standard 1.0.0 has no policy rule approval_matrix.nope "
        "(rules: none)"]


def test_an_expired_exclusion_fails_the_render_for_a_plan(project: ProjectDir) -> None:
    _exclude(project, """
          - address: automation.order_approved_event
            owner: ops@example.com
            reason: temporary
            expires: 2020-01-31
    """)
    loaded = project.load()
    with pytest.raises(ConfigErrors) as info:
        loaded.render("wh1", {})
    assert [str(e) for e in info.value.errors] == [
        "sites/wh1.yaml:9: exclude: the exclusion of automation.order_approved_event expired on 2020-01-31 "
        "(owner ops@example.com): renew it with a new date or remove it"]
    # drift reads it anyway (and reports it), and the day of expiry itself still counts
    assert "automation.order_approved_event" in loaded.render("wh1", {}, allow_expired=True).excluded
    assert loaded.render("wh1", {}, today="2020-01-31").excluded
    assert dt.date.today().isoformat() > "2020-01-31"


def test_local_resources_need_the_template_to_allow_their_kind(project: ProjectDir) -> None:
    project.write("sites/wh1/extra.yaml", """
        system_parameter:
          reno_only:
            key: harmonizer.reno_only
            value: "{{ site.name }}"
    """)
    assert project.load_errors() == [
        "sites/wh1/extra.yaml:2: system_parameter.reno_only: template distribution-standard does not let a site "
        "declare system_parameter resources of its own (its local_kinds: none)"]
    _allow_local(project)
    state = project.load().render("wh1", {})
    resource = state.resources["system_parameter.reno_only"]
    assert resource.local and resource.body["value"] == "wh1"
    assert str(resource.location) == "sites/wh1/extra.yaml:2"
    assert not state.resources["system_parameter.site_label"].local


def test_a_local_resource_never_takes_a_template_name(project: ProjectDir) -> None:
    _allow_local(project)
    project.write("sites/wh1/extra.yaml", """
        system_parameter:
          site_label:
            key: harmonizer.mine
            value: x
    """)
    assert project.load_errors() == [
        "sites/wh1/extra.yaml:2: system_parameter.site_label: template distribution-standard already declares it "
        f"({TEMPLATE_DIR}/approvals.yaml:7): a site-local resource takes a name of its own (or exclude the "
        "template's and declare yours)"]


def test_local_may_refer_to_template_but_not_the_other_way(project: ProjectDir) -> None:
    _allow_local(project)
    project.write("sites/wh1/extra.yaml", """
        server_action:
          reno_note:
            name: "Reno note"
            model: sale.order
            type: code
            code: "pass"
        automation:
          reno_event:
            name: "Reno event"
            model: sale.order
            trigger: on_create
            actions: [notify_n8n_order_approved, reno_note]
    """)
    # automation is not a local kind here
    assert project.load_errors() == [
        "sites/wh1/extra.yaml:8: automation.reno_event: template distribution-standard does not let a site "
        "declare automation resources of its own (its local_kinds: system_parameter, delivery_carrier, "
        "server_action)"]
    _allow_local(project, "[server_action, automation]")
    state = project.load().render("wh1", {})
    assert state.resources["automation.reno_event"].local
    # a template resource naming a local one is refused
    auto = (project.root / TEMPLATE_DIR / "automation.yaml").read_text()
    listed = "      - notify_n8n_order_approved"
    project.write(f"{TEMPLATE_DIR}/automation.yaml", auto.replace(listed, f"{listed}\n      - reno_note"))
    errors = project.validate()
    assert ("automation.order_approved_event: actions: refers to server_action.reno_note, which only site wh1 "
            "declares (sites/wh1/extra.yaml:2): template resources may not refer to site-local ones") in errors[0]


def test_sites_sharing_a_database_may_not_hold_one_record_twice(project: ProjectDir) -> None:
    _allow_local(project)
    for site in ("wh1", "wh2"):
        project.write(f"sites/{site}/extra.yaml", """
            system_parameter:
              own_label:
                key: harmonizer.own_label
                value: x
        """)
    assert project.validate() == [
        "sites/wh2/extra.yaml:2: wh2's local system_parameter.own_label and wh1's local system_parameter.own_label "
        "would be one record in database 'harmonizer_demo' at sandbox://harmonizer_demo (same key "
        "'harmonizer.own_label'): rename or exclude one of them"]
    # the same local name with distinct keys is fine: each site's record has its own external ID
    project.write("sites/wh2/extra.yaml", """
        system_parameter:
          own_label:
            key: harmonizer.own_label_wh2
            value: x
    """)
    assert project.validate() == []
    # a local record clashing with a template one
    project.write("sites/wh2/extra.yaml", """
        system_parameter:
          own_label_two:
            key: harmonizer.site_label
            value: x
    """)
    [error] = project.validate()
    assert "wh2's local system_parameter.own_label_two and the template's system_parameter.site_label" in error


def test_a_site_folder_needs_its_site_file(project: ProjectDir) -> None:
    project.write("sites/wh9/extra.yaml", "system_parameter: {}\n")
    assert project.load_errors() == [
        "sites/wh9: site folder wh9/ has no site file wh9.yaml beside it (a site's own resources live next to "
        "its site file)"]


def test_local_kinds_name_kinds_or_blocks(project: ProjectDir) -> None:
    _allow_local(project, "[delivery_carrier, colour]")
    [error] = project.load_errors()
    assert error.startswith(f"{TEMPLATE_DIR}/template.yaml:3: local_kinds[1]: 'colour' is neither a resource kind "
                            "nor a policy block")


def test_sites_of_one_database_need_names_their_records_tell_apart(project: ProjectDir) -> None:
    text = (project.root / "sites" / "wh2.yaml").read_text()
    project.remove("sites/wh2.yaml")
    project.write("sites/WH1.yaml", text)
    [error] = project.validate()
    assert error.startswith("sites/wh1.yaml:1: sites WH1 and wh1 share database 'harmonizer_demo' at "
                            "sandbox://harmonizer_demo and their names differ only in case or punctuation")
