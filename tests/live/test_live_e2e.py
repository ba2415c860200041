"""End to end against a real Odoo: plan, apply, plan again (empty), read back, clean up."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from harmonizer.kinds.registry import KINDS
from harmonizer.odoo.session import OdooSession
from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

pytestmark = pytest.mark.live

COMPANY_FIELDS = ["po_double_validation", "po_double_validation_amount", "po_lock", "po_lead", "security_lead",
                  "account_use_credit_limit"]


def _owned(odoo: OdooSession) -> list[dict[str, Any]]:
    return odoo.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__")],
                                     ["name", "model", "res_id"])


@pytest.fixture()
def project(tmp_path: Path, live: dict[str, str], scope: dict[str, Any], odoo: OdooSession, write_project: Any,
            bound_state: Any):
    if _owned(odoo):
        pytest.fail("the live database already holds __harmonizer__ records: clean it before running the suite")
    root = write_project(tmp_path, live, scope)
    yield Harmonizer(root, env=dict(os.environ, HARMONIZER_N8N_TOKEN="live-token-123456"))
    # Clean up: an empty template makes harmonizer delete everything it owns on this site.
    for path in (root / "site_templates" / "distribution-standard").glob("*.yaml"):
        if path.name != "template.yaml":
            path.unlink()
    cleanup = Harmonizer(root, env=dict(os.environ))
    cleanup.apply(cleanup.plan(["live"]))
    writer = odoo.writer()
    bound_state.restore()
    leftovers = _owned(odoo)
    for row in leftovers:  # e.g. the xmlid Odoo adds for a cron's own server action
        writer.unlink(row["model"], [row["res_id"]])
    shutil.rmtree(root, ignore_errors=True)


def test_plan_apply_converge_and_read_back(project: Harmonizer, odoo: OdooSession, scope: dict[str, Any]) -> None:
    first = project.plan(["live"])
    assert not first.failures, first.failures
    site_plan = first.sites[0]
    assert site_plan.counts.create == len([r for r in project.render("live")
                                           if KINDS[r.kind].owned and r.on_version(odoo.version.major)])

    results = project.apply(first)
    assert results[0].ok, results[0].error

    second = project.plan(["live"])
    assert not second.failures
    assert not second.has_changes, [(c.address, [f.key for f in c.fields]) for c in second.sites[0].pending]

    reader = odoo.reader()
    owned = {row["name"]: row for row in _owned(odoo)}
    param = owned["system_parameter__event_endpoint"]
    value = reader.read("ir.config_parameter", [param["res_id"]], ["key", "value"])[0]
    assert value["key"] == "harmonizer.events.endpoint"
    assert value["value"] == "https://n8n.harmonia.example/webhook/odoo-events"

    automation = owned["automation__large_order_review"]
    # 16.0: an automation is itself a server action ("multi") running its child actions.
    links = "action_server_ids" if odoo.version.major >= 17 else "child_ids"
    row = reader.read("base.automation", [automation["res_id"]],
                      ["name", "trigger", "filter_domain", links, "model_id"])[0]
    action_id = owned["server_action__schedule_order_review"]["res_id"]
    assert row["trigger"] == "on_create_or_write"
    assert row[links] == [action_id]
    assert "25000" in row["filter_domain"]

    cron = owned["scheduled_action__escalate_overdue_approvals"]
    cron_row = reader.read("ir.cron", [cron["res_id"]], ["interval_number", "interval_type", "active"])[0]
    assert (cron_row["interval_number"], cron_row["interval_type"], cron_row["active"]) == (4, "hours", True)

    has = reader.fields_get("res.company", attributes=["type"])  # 19.0 has no po_lead
    company = reader.read("res.company", [scope["company_id"]], [f for f in COMPANY_FIELDS if f in has])[0]
    assert company["po_double_validation"] == "two_step"
    assert company["po_double_validation_amount"] == 6500.0
    assert company["po_lock"] == "lock"


def test_hand_edit_is_planned_back(project: Harmonizer, odoo: OdooSession) -> None:
    project.apply(project.plan(["live"]))
    owned = {row["name"]: row for row in _owned(odoo)}
    cron_id = owned["scheduled_action__escalate_overdue_approvals"]["res_id"]
    odoo.writer().write("ir.cron", [cron_id], {"interval_number": 12})

    plan = project.plan(["live"])
    changes = {c.address: c for c in plan.sites[0].pending}
    change = changes["scheduled_action.escalate_overdue_approvals"]
    assert change.action is Action.UPDATE
    assert [(f.key, f.before, f.after) for f in change.fields] == [("interval_number", 12, 4)]
    assert len(changes) == 1
    project.apply(plan)
    assert not project.plan(["live"]).has_changes
