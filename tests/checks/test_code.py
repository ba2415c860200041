"""Server-side Python checked as Odoo's safe_eval checks it, and the names it uses."""

from __future__ import annotations

import pytest

from harmonizer.checks.code import check_code
from harmonizer.checks.fieldindex import MAJORS
from harmonizer.checks.names import server_action_names

SHIPPED = """\
# Overdue approval activities are reassigned.
overdue = model.search([("date_deadline", "<", datetime.date.today())])
for activity in overdue:
    activity.write({"summary": "ESCALATED: " + (activity.summary or "approval")})
"""


def _check(text: str, major: int = 17) -> list[tuple[str, int]]:
    return [(f.message, f.line) for f in check_code(text, server_action_names(major))]


@pytest.mark.parametrize("major", MAJORS)
def test_the_shipped_code_passes(major: int) -> None:
    assert _check(SHIPPED, major) == []
    assert _check("def total(rows):\n    return sum(r.amount_total for r in rows)\n"
                  "try:\n    log(str(total(records)))\nexcept Exception as exc:\n    raise UserError(str(exc))\n",
                  major) == []
    assert _check("record['name'] = 'x'\nrecords.write({'state': 'done'})\n"
                  "action = {'type': 'ir.actions.act_window_close'}", major) == []


@pytest.mark.parametrize("major", MAJORS)
def test_syntax_error_has_its_line(major: int) -> None:
    assert _check("x = 1\nfor r in records\n    r.write({})\n", major) == [("Python syntax error: expected ':'", 2)]


@pytest.mark.parametrize("major", MAJORS)
def test_imports_are_refused(major: int) -> None:
    assert _check("x = 1\nimport os\n", major)[0][1] == 2
    assert _check("import os", major)[0][0].startswith("imports are refused by Odoo's safe_eval")
    assert _check("from os import path", major)[0][0].startswith("imports are refused")


@pytest.mark.parametrize("code, message", [
    ("x = record.__class__", "access to '__class__' is refused"),
    ("x = __builtins__", "name '__builtins__' is refused"),
    ("f = (lambda: 1).func_globals", "access to 'func_globals' is refused"),
    ("record.name = 'x'", "setting or deleting attribute 'name' is refused"),
    ("global x\nx = 1", "'global' is refused"),
    ("class A:\n    pass", "class definitions are refused"),
    ("with open('f') as f:\n    pass", "'with' is refused"),
    ("assert records", "'assert' is refused"),
    ("print(records)", "name 'print' is not defined"),
    ("raise Warning('x')", "name 'Warning' is not defined"),
    ("os.system('x')", "name 'os' is not defined"),
])
def test_refused_constructs_and_unknown_names(code: str, message: str) -> None:
    found = _check(code)
    assert found and found[0][0].startswith(message), found


def test_an_equation_is_an_expression() -> None:
    assert check_code("record.amount_total * 2", server_action_names(17), mode="eval") == []
    assert check_code("x = 1", server_action_names(17), mode="eval")[0].message.startswith("Python syntax error")


def test_leading_blank_lines_are_stripped_as_odoo_does_and_lines_kept() -> None:
    assert _check("\n\n  x = 1\n") == []  # Odoo compiles the stripped text: no "unexpected indent"
    assert _check("\n\nx = 1\nimport os\n")[0][1] == 4
    assert _check("\n\nx = (\n")[0][1] == 3
