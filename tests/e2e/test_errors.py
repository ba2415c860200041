"""Bad input: one line naming the file and line (or site and resource), exit 1, no traceback,
and nothing written that should not be."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

TEMPLATE = Path("site_templates/distribution-standard")


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:") or line.startswith("✗")]
    assert lines, result.output
    return lines[0]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, text: str) -> int:
    """The 1-based line of ``path`` holding ``text`` (site files move as they grow)."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_malformed_yaml_names_file_and_line(run, project: Path) -> None:
    (project / "sites" / "warehouse-2.yaml").write_text("template: distribution-standard\nodoo: [unclosed\n")
    line = _one_line_error(run("validate"))
    assert "sites/warehouse-2.yaml:" in line


def test_unknown_key_in_a_resource(run, project: Path) -> None:
    _edit(project / TEMPLATE / "automation.yaml", "    trigger: on_time\n", "    trigger: on_time\n    colour: blue\n")
    line = _one_line_error(run("plan", "site=warehouse-3"))
    assert "automation.yaml:" in line and "colour" in line


def test_wrong_type_of_a_site_variable(run, project: Path) -> None:
    _edit(project / "sites" / "warehouse-1.yaml", "po_approval_amount: 7500", "po_approval_amount: lots")
    line = _one_line_error(run("validate"))
    where = _line_of(project / "sites" / "warehouse-1.yaml", "po_approval_amount: lots")
    assert f"sites/warehouse-1.yaml:{where}" in line and "po_approval_amount" in line


def test_site_may_not_vary_what_the_template_fixes(run, project: Path) -> None:
    _edit(project / "sites" / "warehouse-1.yaml", "  purchase_lead_days: 3", "  po_lock: edit")
    line = _one_line_error(run("plan", "site=warehouse-1"))
    where = _line_of(project / "sites" / "warehouse-1.yaml", "po_lock: edit")
    assert f"sites/warehouse-1.yaml:{where}" in line and "po_lock" in line


def test_out_of_bounds_value(run, project: Path) -> None:
    _edit(project / "sites" / "warehouse-1.yaml", "po_approval_amount: 7500", "po_approval_amount: 99999")
    line = _one_line_error(run("validate"))
    where = _line_of(project / "sites" / "warehouse-1.yaml", "po_approval_amount: 99999")
    assert f"sites/warehouse-1.yaml:{where}" in line and "maximum 25000" in line


def test_template_error_keeps_the_yaml_position(run, project: Path) -> None:
    _edit(project / TEMPLATE / "parameters.yaml", '"{{ n8n_base_url }}/odoo-events"', '"{{ n8n_base_ur }}/odoo-events"')
    line = _one_line_error(run("plan", "site=warehouse-3"))
    assert "parameters.yaml:8" in line and "n8n_base_ur" in line


def test_dangling_reference(run, project: Path) -> None:
    _edit(project / TEMPLATE / "automation.yaml", "actions: [schedule_order_review]", "actions: [no_such_action]")
    line = _one_line_error(run("validate"))
    assert "automation.yaml:" in line and "server_action.no_such_action" in line


def test_reference_to_a_missing_odoo_record_names_site_and_resource(run, project: Path) -> None:
    _edit(project / TEMPLATE / "automation.yaml", "activity_type: {xmlid: mail.mail_activity_data_todo}",
          "activity_type: Telepathy")
    line = _one_line_error(run("plan", "site=warehouse-3"))
    assert "warehouse-3" in line and "server_action.schedule_order_review" in line and "Telepathy" in line


def _real_site(project: Path, url: str, password_env: str = "WH9_PASSWORD") -> None:
    (project / "sites" / "remote.yaml").write_text(
        "template: distribution-standard\n"
        f"odoo:\n  url: {url}\n  database: prod\n  login: admin\n  password_env: {password_env}\n"
        "scope:\n  company: Harmonia Distribution East\n  warehouse: WH3\n")


def test_missing_password_variable(run, project: Path) -> None:
    _real_site(project, "http://127.0.0.1:9")
    line = _one_line_error(run("plan", "site=remote", env={"WH9_PASSWORD": None}))  # type: ignore[dict-item]
    assert "sites/remote.yaml:6" in line and "WH9_PASSWORD is not set" in line


def test_unreachable_server(run, project: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # held, never listening: refused, and no other process can take it meanwhile
        port = sock.getsockname()[1]
        _real_site(project, f"http://127.0.0.1:{port}")
        line = _one_line_error(run("plan", "site=remote", env={"WH9_PASSWORD": "s3cret-value"}))
    assert "remote" in line and "cannot reach" in line
    assert "s3cret-value" not in line


def test_wrong_password(run, project: Path) -> None:
    _edit(project / "sites" / "warehouse-3.yaml", "  login: admin\n", "  login: admin\n  password_env: WH3_PW\n")
    result = run("plan", "site=warehouse-3", env={"WH3_PW": "not-the-password"})
    line = _one_line_error(result)
    assert "warehouse-3" in line and "login failed for admin" in line
    assert "not-the-password" not in result.output


def test_odoo_refusing_a_write_access_error(run, project: Path) -> None:
    run("plan", "site=warehouse-3")  # seeds the sandbox database as admin
    _edit(project / "sites" / "warehouse-3.yaml", "  login: admin\n", "  login: clerk\n")
    result = run("apply", "site=warehouse-3", "--auto-approve")
    line = _one_line_error(result)
    assert "warehouse-3" in line and "AccessError" in line


def test_code_odoo_would_refuse_is_refused_before_anything_is_written(run, project: Path) -> None:
    _edit(project / TEMPLATE / "automation.yaml", '          activity.write({"summary": "ESCALATED: "',
          '          activity.write({"summary": "ESCALATED: " +* ')
    result = run("apply", "site=warehouse-1", "--auto-approve")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{TEMPLATE}/automation.yaml:46: server_action.escalate_overdue_activities: code: Python syntax error" \
        in result.output
    assert "✓" not in result.output  # nothing was applied


def test_odoo_refusing_a_write_validation_error_stops_and_reports(run, project: Path) -> None:
    # A value only Odoo can judge (offline checks know field names, not every field's values).
    bad = "\nrecord:\n  bad_tag:\n    model: res.partner.category\n    values:\n      name: Bad tag\n" \
          "      color: not-a-number\n"
    parameters = project / TEMPLATE / "parameters.yaml"
    parameters.write_text(parameters.read_text() + bad)
    result = run("apply", "site=warehouse-1", "--auto-approve")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "record.bad_tag: create failed: Odoo refused the create" in result.output
    assert "does not seem to be an integer" in result.output
    # What was applied before the failure stays; a corrected rerun converges.
    _edit(parameters, "color: not-a-number", "color: 3")
    assert run("apply", "site=warehouse-1", "--auto-approve").exit_code == 0
    assert run("plan", "site=warehouse-1", "--detailed-exitcode").exit_code == 0


@pytest.mark.parametrize("selector", ["site=nowhere", "colour=blue"])
def test_unknown_selector(run, selector: str) -> None:
    _one_line_error(run("plan", selector))
