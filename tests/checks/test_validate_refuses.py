"""``harmonizer validate`` refuses a broken domain or broken code at its template line, on
the field sets of Odoo 16.0-19.0: exit 1, one line per problem, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main

AUTOMATION = "site_templates/distribution-standard/automation.yaml"
REVIEW_DOMAIN = ("filter_domain: \"['!', ('activity_ids.summary', '=like', 'Review large order before release'), "
                 "('amount_total', '>', {{ order_review_threshold }}), ('state', 'in', ['draft', 'sent'])]\"")
CODE_LINE = '      overdue = model.search([("date_deadline", "<", datetime.date.today()), '

CASES = {
    "malformed domain": (REVIEW_DOMAIN,
                         "filter_domain: \"[('amount_total'],, '>', 25000), ('state', 'in', ['draft', 'sent'])]\"",
                         "amount_total'],,", "automation.large_order_review: filter_domain: not a valid domain"),
    "unknown field": (REVIEW_DOMAIN,
                      "filter_domain: \"[('amount_totl', '>', 25000), ('state', 'in', ['draft', 'sent'])]\"",
                      "amount_totl", "automation.large_order_review: filter_domain: unknown field 'amount_totl' "
                                     "on sale.order; did you mean 'amount_total'?"),
    "related path through a missing field": (
        REVIEW_DOMAIN, "filter_domain: \"[('partner_id.no_such_field.name', '=', 'x')]\"", "no_such_field",
        "automation.large_order_review: filter_domain: unknown field 'no_such_field' on res.partner "
        "(reached through partner_id)"),
    "python syntax error": ("      for activity in overdue:\n          activity.write({\"summary\": \"ESCALATED: \" "
                            "+ (activity.summary or \"approval\")})\n\nautomation:",
                            "      for activity in overdue\n          activity.write({\"summary\": \"ESCALATED: \" "
                            "+ (activity.summary or \"approval\")})\n\nautomation:",
                            "for activity in overdue\n",
                            "server_action.escalate_overdue_activities: code: Python syntax error"),
    "import os": (CODE_LINE, "      import os\n" + CODE_LINE, "import os",
                  "server_action.escalate_overdue_activities: code: imports are refused by Odoo's safe_eval"),
}


def _on_version(project: Path, serie: str) -> None:
    for site in (project / "sites").glob("*.yaml"):
        text = site.read_text()
        site.write_text(re.sub(r"(\nodoo:\n)", rf'\1  odoo_version: "{serie}"\n', text, count=1))


def _snapshot(root: Path) -> dict[str, float]:
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*")}


@pytest.mark.parametrize("serie", ["16.0", "17.0", "18.0", "19.0"])
@pytest.mark.parametrize("case", list(CASES))
def test_validate_refuses_at_the_template_line(shipped_project: Path, serie: str, case: str) -> None:
    old, new, token, message = CASES[case]
    _on_version(shipped_project, serie)
    path = shipped_project / AUTOMATION
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    line = path.read_text()[: path.read_text().index(token)].count("\n") + 1
    before = _snapshot(shipped_project)

    result = CliRunner().invoke(main, ["--project", str(shipped_project), "validate"], catch_exceptions=False)

    assert result.exit_code == 1
    errors = [e for e in result.stderr.splitlines() if e]
    assert errors and all(e.startswith("Error: ") for e in errors)
    # both sites of one template report the same line; nothing else is wrong
    assert {e for e in errors} == {e for e in errors if e.startswith(f"Error: {AUTOMATION}:{line}: {message}")}, errors
    assert _snapshot(shipped_project) == before
    assert "Traceback" not in result.output


@pytest.mark.parametrize("serie", ["16.0", "17.0", "18.0", "19.0"])
def test_the_shipped_project_is_valid_on_every_version(shipped_project: Path, serie: str) -> None:
    _on_version(shipped_project, serie)
    result = CliRunner().invoke(main, ["--project", str(shipped_project), "validate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
