"""Links between resources: dangling references and actions on another Odoo model."""

from __future__ import annotations

import pytest

from harmonizer.errors import ConfigErrors
from tests.config.conftest import TEMPLATE_DIR, ProjectDir

AUTOMATION_FILE = f"{TEMPLATE_DIR}/automation.yaml"


def _errors(project: ProjectDir) -> list[str]:
    with pytest.raises(ConfigErrors) as info:
        project.load().render("wh1", {})
    return [str(e) for e in info.value.errors]


def test_dangling_reference_is_located_at_the_list_item(project: ProjectDir) -> None:
    text = (project.root / AUTOMATION_FILE).read_text()
    project.write(AUTOMATION_FILE, text + "      - notify_slack\n")
    assert _errors(project) == [
        f"{AUTOMATION_FILE}:14: automation.order_approved_event: actions: refers to server_action.notify_slack, "
        "which the template does not declare"]
    # validate reports the same problem for every site using the template
    assert [e.split(":")[1] for e in project.validate()] == ["14", "14"]


def test_reference_to_a_resource_that_failed_to_render_is_not_reported_twice(project: ProjectDir) -> None:
    text = (project.root / AUTOMATION_FILE).read_text()
    project.write(AUTOMATION_FILE, text.replace("type: webhook", "type: telegram"))
    errors = _errors(project)
    assert len(errors) == 1
    assert errors[0].startswith(f"{AUTOMATION_FILE}:5: server_action.notify_n8n_order_approved: type:")


def test_automation_action_on_another_model(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/purchase.yaml", """
        server_action:
          purchase_note:
            name: Note
            model: purchase.order
            code: pass
        automation:
          mixed_rule:
            name: Mixed
            model: sale.order
            trigger: on_create
            actions: [notify_n8n_order_approved, purchase_note]
    """)
    assert _errors(project) == [
        f"{TEMPLATE_DIR}/purchase.yaml:11: automation.mixed_rule: actions: server_action.purchase_note is on model "
        "'purchase.order' but automation.mixed_rule is on 'sale.order' (Odoo only links records of one model)"]


def test_same_model_links_are_accepted(project: ProjectDir) -> None:
    state = project.load().render("wh1", {})
    assert state.resources["automation.order_approved_event"].body["actions"] == ["notify_n8n_order_approved"]
