"""Audit trail (local log + the site's Odoo) and rollback to the recorded before-values."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harmonizer.errors import SiteError
from harmonizer.plan.model import Plan
from harmonizer.project import Harmonizer
from harmonizer.safety.audit import parse_body
from tests.safety.conftest import SITE, edit, owned_id, read, resources_file

TEMPLATE_YAML = ("site_templates", "std", "template.yaml")


def _signature(plan: Plan) -> list[tuple[str, str, list[tuple[str, Any]]]]:
    return sorted((c.address, c.action.value, sorted((f.key, json.dumps(f.after, sort_keys=True), f.carried)
                                                     for f in c.fields))
                  for c in plan.sites[0].pending)


def _drifted(app: Harmonizer, project: Path) -> Plan:
    """Converge, then change the template so the next apply updates, creates and deletes."""
    assert all(r.ok for r in app.apply(app.plan([SITE])))
    edit(project.joinpath(*TEMPLATE_YAML), "default: 25000", "default: 30000")
    edit(project.joinpath(*TEMPLATE_YAML), "default: two_step", "default: one_step")
    edit(resources_file(project), "  model_version:\n", "  legacy:\n    key: harmonizer.legacy\n    value: x\n"
                                                        "  model_version:\n")
    text = resources_file(project).read_text()
    resources_file(project).write_text(text.replace(
        "  model_version:\n    key: harmonizer.operating_model.version\n"
        "    value: \"{{ template.name }}@{{ template.version }}\"\n", ""))
    return Harmonizer(app.root, env=app.env).plan([SITE])  # a fresh project: the files changed


def test_every_apply_is_recorded_locally_and_in_odoo_without_secrets(app: Harmonizer, project: Path,
                                                                     token: str, run) -> None:
    plan = app.plan([SITE])
    [outcome] = app.apply(plan)
    lines = (project / ".harmonizer" / "audit.log").read_text().splitlines()
    assert len(lines) == 1 and token not in lines[0]
    record = json.loads(lines[0])
    assert record["id"] == outcome.result.audit_id
    assert (record["who"], record["site"], record["kind"], record["ok"]) == ("alice", SITE, "apply", True)
    assert record["plan_fingerprint"].startswith("sha256:")
    by_address = {c["address"]: c for c in record["changes"]}
    company = by_address["company_settings.purchase_approval"]["fields"][0]
    assert (company["key"], company["after"]) == ("po_double_validation", "two_step")
    webhook = next(f for f in by_address["server_action.emit_order_approved"]["fields"] if f["key"] == "webhook_url")
    assert webhook["secret"] and webhook["after"] == "(sensitive value)"
    with app.session(SITE) as session:
        [message] = session.reader().search_read("mail.message", [("subject", "=", f"harmonizer-apply {record['id']}")],
                                                 ["body", "model"])
    assert message["model"] == "res.company" and token not in message["body"]
    assert parse_body(message["body"]).to_dict() == record
    listed = run("history", SITE)
    assert listed.exit_code == 0 and record["id"] in listed.output and "alice@" in listed.output


def test_rollback_restores_the_recorded_before_values_and_plan_shows_the_apply_again(
        app: Harmonizer, project: Path, run) -> None:
    rolled_back = _drifted(app, project)
    automation = owned_id(app, "automation.order_approved_event")
    legacy_before = owned_id(app, "system_parameter.model_version")
    assert {c.action.value for c in rolled_back.sites[0].pending} == {"create", "update", "delete"}
    app = Harmonizer(app.root, env=app.env)
    [outcome] = app.apply(rolled_back)
    assert outcome.ok
    [record] = [r for r in app.safety.history(SITE) if r.id == outcome.result.audit_id]

    shown = run("rollback", SITE, "--auto-approve")
    assert shown.exit_code == 1 and "--allow-delete" in shown.output  # it deletes what the apply created
    done = run("rollback", SITE, "--auto-approve", "--allow-delete")
    assert done.exit_code == 0, done.output
    assert f"Rolling back {record.id}" in done.output

    # Read back directly: every field the apply changed holds its recorded before-value again.
    before = {c["address"]: {f["field"]: f["before"] for f in c["fields"]} for c in record.applied}
    [auto] = read(app, "base.automation", [automation], ["filter_domain"])
    assert auto["filter_domain"] == before["automation.order_approved_event"]["filter_domain"]
    company = before["company_settings.purchase_approval"]
    [row] = read(app, "res.company", [record.company_id or 0], ["po_double_validation"])
    assert row["po_double_validation"] == company["po_double_validation"] == "two_step"
    recreated = owned_id(app, "system_parameter.model_version")
    assert recreated != legacy_before  # deleted by the apply, recreated by the rollback
    [param] = read(app, "ir.config_parameter", [recreated], ["key", "value"])
    assert param["value"] == before["system_parameter.model_version"]["value"] == "std@1.0.0"
    with app.session(SITE) as session:
        assert not session.reader().search_read("ir.config_parameter", [("key", "=", "harmonizer.legacy")], ["id"])

    assert _signature(app.plan([SITE])) == _signature(rolled_back)
    kinds = [r.kind for r in app.safety.history(SITE)]
    assert kinds[:2] == ["rollback", "apply"]


def test_rollback_to_an_earlier_apply_undoes_every_later_one(app: Harmonizer, project: Path) -> None:
    first = app.apply(app.plan([SITE]))[0].result.audit_id
    edit(project.joinpath(*TEMPLATE_YAML), "default: 25000", "default: 30000")
    app = Harmonizer(app.root, env=app.env)
    assert app.apply(app.plan([SITE]))[0].ok
    built = app.safety.rollback_plan(SITE, to=first)
    assert len(built.reverts) == 2 and built.reverts[-1] == first
    actions = {c.address: c.action.value for c in built.plan.pending}
    assert actions["automation.order_approved_event"] == "delete"  # created by the first apply
    assert actions["company_settings.purchase_approval"] == "update"
    # The first apply also created the prevent_destroy parameter: the rollback may not delete it.
    with pytest.raises(SiteError, match="protected by prevent_destroy; nothing was written"):
        app.safety.apply_rollback(built)
    automation = owned_id(app, "automation.order_approved_event")
    assert read(app, "base.automation", [automation], ["id"])  # nothing was deleted
    unprotected = replace(built.plan, changes=tuple(c for c in built.plan.changes
                                                    if c.address != "system_parameter.endpoint"))
    assert app.safety.apply_rollback(replace(built, plan=unprotected)).ok
    assert read(app, "base.automation", [automation], ["id"]) == []
    assert read(app, "ir.config_parameter", [owned_id(app, "system_parameter.endpoint")], ["key"])

