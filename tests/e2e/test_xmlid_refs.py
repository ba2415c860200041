"""Odoo's own records named by external ID (``{xmlid: module.name}``) in a template: resolved in
the plan's one ir.model.data read, refused on one line at the template line when unknown or of
another model, and equivalent to the English name they replace."""

from __future__ import annotations

import re
from pathlib import Path

from harmonizer.plan.live import LiveReader
from harmonizer.project import Harmonizer

TEMPLATE = Path("site_templates/distribution-standard")
ENV = {"HARMONIZER_N8N_TOKEN": "n8n-test-token"}


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:") or line.startswith("✗")]
    assert lines, result.output
    return lines[0]


def _edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text()
    changed, count = re.subn(pattern, new, text, count=1)
    assert count == 1, f"{pattern!r} not in {path}"
    path.write_text(changed)


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_an_unknown_external_id_is_one_line_at_the_template_line(run, project: Path) -> None:
    routes = project / TEMPLATE / "routes.yaml"
    _edit(routes, r"\{xmlid: stock\.stock_location_customers\}", "{xmlid: stock.no_such_location}")
    line = _one_line_error(run("plan", "site=warehouse-3", env=ENV))
    where = f"routes.yaml:{_line_of(routes, 'stock.no_such_location')}"
    assert where in line and "warehouse-3" in line and "stock_rule.crossdock_ship" in line, line
    assert "no stock.location with external ID 'stock.no_such_location'" in line, line


def test_an_external_id_of_another_model_is_refused(run, project: Path) -> None:
    routes = project / TEMPLATE / "routes.yaml"
    _edit(routes, r"\{xmlid: stock\.stock_location_customers\}", "{xmlid: mail.mail_activity_data_todo}")
    line = _one_line_error(run("plan", "site=warehouse-3", env=ENV))
    assert "routes.yaml:" in line and "names a mail.activity.type record, not a stock.location" in line, line


def test_a_malformed_external_id_fails_validation_with_its_line(run, project: Path) -> None:
    automation = project / TEMPLATE / "automation.yaml"
    _edit(automation, r"\{xmlid: mail\.mail_activity_data_todo\}", "{xmlid: to-do}")
    line = _one_line_error(run("validate"))
    assert "automation.yaml:" in line and "xmlid" in line, line


def test_a_name_and_the_external_id_of_one_record_are_the_same_value(run, project: Path) -> None:
    assert run("apply", "site=warehouse-3", "--auto-approve", env=ENV).exit_code == 0
    # 17.0 names: the customer location and the To-Do activity type, in English
    _edit(project / TEMPLATE / "routes.yaml", r"\{xmlid: stock\.stock_location_customers\}", "Partners/Customers")
    _edit(project / TEMPLATE / "automation.yaml", r"\{xmlid: mail\.mail_activity_data_todo\}", "To-Do")
    _edit(project / "sites" / "warehouse-3.yaml", r"\[\{xmlid: base\.state_us_30\}\]", '["Ohio (US)"]')
    result = run("plan", "site=warehouse-3", "--detailed-exitcode", env=ENV)
    assert result.exit_code == 0, result.output


def test_external_ids_are_read_with_harmonizers_own_in_one_search_read(project: Path) -> None:
    app = Harmonizer(project, env=ENV)
    desired = app.render("warehouse-1")
    with app.session("warehouse-1") as session:
        before = dict(session.stats.calls)
        snap = LiveReader(session.reader(), "warehouse-1", session.version.major).snapshot(desired)
        calls = {key: n - before.get(key, 0) for key, n in session.stats.calls.items() if n - before.get(key, 0)}
    assert calls[("ir.model.data", "search_read")] == 1, calls
    for model, xmlid in (("stock.location", "stock.stock_location_customers"),
                         ("mail.activity.type", "mail.mail_activity_data_todo"),
                         ("res.country.state", "base.state_us_23"), ("res.country", "base.mx"),
                         ("stock.route", "purchase_stock.route_warehouse0_buy")):
        assert snap.resolver.lookup(model, "xmlid", xmlid) is not None, (model, xmlid)
