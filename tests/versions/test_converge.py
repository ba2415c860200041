"""The standard template plans, applies and converges on sandbox sites of every Odoo version,
and lands in each version's own shape (16.0's automation-as-action, 18.0+'s crons, 19.0's
missing po_lead)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from versions_helpers import ENV, REPO, VERSIONS

from harmonizer.plan.model import Action, Plan
from harmonizer.project import Harmonizer
from harmonizer.sandbox.service import SandboxServer


def _pending(plan: Plan) -> list[tuple[str, str, list[str]]]:
    return [(site.site, change.address, [f.key for f in change.fields])
            for site in plan.sites for change in site.changes if change.action is not Action.NOOP]


def _converge(make_project: Callable[..., Path], version: str) -> tuple[Harmonizer, Plan]:
    app = Harmonizer(make_project(version), env=ENV)
    plan = app.plan(["all"])
    assert not plan.failures, plan.failures
    results = app.apply(plan)
    assert all(r.ok for r in results), [r.error for r in results]
    return app, plan


def _reader(app: Harmonizer, version: str) -> Callable[..., Any]:
    server = SandboxServer(app.sandbox_home / version, version)
    return lambda *a: server.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", *a])


@pytest.mark.parametrize("version", VERSIONS)
def test_standard_template_converges(make_project: Callable[..., Path], version: str) -> None:
    app, first = _converge(make_project, version)
    assert {s.odoo_version.split("-")[0].split("+")[0] for s in first.sites} == {version}
    created = [c.address for s in first.sites for c in s.changes if c.action is Action.CREATE]
    assert "automation.large_order_review" in created and "scheduled_action.escalate_overdue_approvals" in created
    # the FULL template: every kind its files declare is planned on this version
    template = REPO / "site_templates" / "distribution-standard"
    assert sorted(p.name for p in (app.root / "site_templates" / "distribution-standard").glob("*.yaml")) == \
        sorted(p.name for p in template.glob("*.yaml"))
    declared = {r.kind for r in app.render("warehouse-1")}
    planned = {c.kind for s in first.sites for c in s.changes if c.action is not Action.NOOP or c.record_id}
    assert declared >= {"delivery_carrier", "stock_route", "stock_rule", "reorder_rule", "default_value",
                        "mail_activity_type", "operation_type", "warehouse_settings", "vendor_lead_time"}
    assert planned == declared
    assert _pending(app.plan(["all"])) == []


def test_16_automation_is_a_multi_action_running_the_template_actions(make_project: Callable[..., Path]) -> None:
    app, _plan = _converge(make_project, "16.0")
    ex = _reader(app, "16.0")
    rule = ex("base.automation", "search_read", [[["name", "=", "[Harmonizer] Large order review"]]],
              {"fields": ["state", "child_ids", "action_server_id", "usage"]})[0]
    assert rule["state"] == "multi" and rule["usage"] == "base_automation"
    children = ex("ir.actions.server", "read", [rule["child_ids"], ["name", "state", "usage"]])
    assert [(c["name"], c["state"], c["usage"]) for c in children] == [
        ("[Harmonizer] Schedule order review", "next_activity", "ir_actions_server")]
    cron = ex("ir.cron", "search_read", [[["name", "=", "[Harmonizer] Escalate overdue approvals"]]],
              {"fields": ["numbercall", "interval_number", "interval_type"]})[0]
    assert (cron["numbercall"], cron["interval_number"], cron["interval_type"]) == (-1, 4, "hours")


def test_16_automation_delete_removes_its_own_action(make_project: Callable[..., Path]) -> None:
    root = make_project("16.0")
    app = Harmonizer(root, env=ENV)
    app.apply(app.plan(["all"]))
    ex = _reader(app, "16.0")
    rule = ex("base.automation", "search_read", [[["name", "=", "[Harmonizer] Quotation follow-up"]]],
              {"fields": ["action_server_id"]})[0]
    path = root / "site_templates" / "distribution-standard" / "automation.yaml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    del data["automation"]["quotation_follow_up"]
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    app = Harmonizer(root, env=ENV)
    plan = app.plan(["all"])
    assert {a for _s, a, _k in _pending(plan)} == {"automation.quotation_follow_up"}
    assert all(r.ok for r in app.apply(plan))
    assert ex("ir.actions.server", "search", [[["id", "=", rule["action_server_id"][0]]]]) == []
    assert _pending(Harmonizer(root, env=ENV).plan(["all"])) == []


@pytest.mark.parametrize("version", ["18.0", "19.0"])
def test_18_plus_crons_have_no_numbercall(make_project: Callable[..., Path], version: str) -> None:
    app, plan = _converge(make_project, version)
    cron = next(c for s in plan.sites for c in s.changes if c.address == "scheduled_action.escalate_overdue_approvals"
                and c.action is Action.CREATE)
    assert "numbercall" not in cron.create_extras
    ex = _reader(app, version)
    with pytest.raises(Exception, match="Invalid field 'numbercall'"):
        ex("ir.cron", "search_read", [[]], {"fields": ["numbercall"]})


def test_19_does_not_manage_the_removed_po_lead(make_project: Callable[..., Path]) -> None:
    _app, plan = _converge(make_project, "19.0")
    keys = {f.key for s in plan.sites for c in s.changes if c.kind == "company_settings" for f in c.fields}
    assert "po_double_validation" in keys and "po_lead" not in keys
