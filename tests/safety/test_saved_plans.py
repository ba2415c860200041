"""Saved plans: fingerprints of what the plan read, refused at apply when stale, never a secret."""

from __future__ import annotations

import json
from pathlib import Path

from harmonizer.project import Harmonizer
from harmonizer.safety.fingerprint import digest, fingerprint_key, stale
from tests.safety.conftest import SITE, edit, owned_id, read, resources_file


def _converge(app: Harmonizer) -> None:
    assert all(r.ok for r in app.apply(app.plan([SITE])))


def test_saved_plan_carries_fingerprints_and_no_secret(run, project: Path, token: str) -> None:
    out = project / "plan.json"
    assert run("plan", f"site={SITE}", "--out", str(out)).exit_code == 0
    text = out.read_text()
    assert token not in text
    prints = json.loads(text)["sites"][0]["fingerprints"]
    assert "file:site_templates/std/resources.yaml" in prints
    assert prints["record:company_settings.purchase_approval"] not in ("", "absent")
    assert prints["record:automation.order_approved_event"] == "absent"  # not created yet


def test_a_record_changed_since_the_plan_is_named_and_nothing_is_written(app: Harmonizer, run,
                                                                          project: Path) -> None:
    _converge(app)
    edit(project / "site_templates" / "std" / "template.yaml", "default: 25000", "default: 30000")
    out = project / "plan.json"
    assert run("plan", f"site={SITE}", "--out", str(out)).exit_code == 0
    # Someone edits, by hand, a field of a record the plan does NOT change (it only compared it).
    param = owned_id(app, "system_parameter.model_version")
    with app.session(SITE) as session:
        session.writer().write("ir.config_parameter", [param], {"value": "edited by hand"})
    refused = run("apply", str(out), "--auto-approve")
    assert refused.exit_code == 1
    assert "system_parameter.model_version changed in Odoo" in refused.output
    assert "nothing was written" in refused.output
    automation = owned_id(app, "automation.order_approved_event")
    [row] = read(app, "base.automation", [automation], ["filter_domain"])
    assert "25000" in row["filter_domain"]  # the planned update did not happen


def test_a_template_file_changed_since_the_plan_is_named(app: Harmonizer, run, project: Path) -> None:
    _converge(app)
    edit(project / "site_templates" / "std" / "template.yaml", "default: 25000", "default: 30000")
    out = project / "plan.json"
    run("plan", f"site={SITE}", "--out", str(out))
    edit(resources_file(project), "webhook_fields: [name, amount_total]", "webhook_fields: [name]")
    refused = run("apply", str(out), "--auto-approve")
    assert refused.exit_code == 1
    assert "template file site_templates/std/resources.yaml changed" in refused.output


def test_a_fresh_saved_plan_applies_with_its_secret_from_the_environment(app: Harmonizer, run, project: Path,
                                                                         token: str) -> None:
    out = project / "plan.json"
    run("plan", f"site={SITE}", "--out", str(out))
    applied = run("apply", str(out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    action = owned_id(app, "server_action.emit_order_approved")
    [row] = read(app, "ir.actions.server", [action], ["webhook_url"])
    assert row["webhook_url"].endswith(f"token={token}")
    assert not app.plan([SITE]).has_changes


def test_fingerprints_are_keyed_and_ignore_reference_labels() -> None:
    value = {"values": {"url": "https://x/?token=abc", "ref": {"model": "m", "id": 3, "label": "A"}}}
    relabelled = {"values": {"url": "https://x/?token=abc", "ref": {"model": "m", "id": 3, "label": "B"}}}
    one, other = fingerprint_key("password-one"), fingerprint_key("password-two")
    assert digest(one, value) == digest(one, relabelled)
    assert digest(one, value) != digest(other, value)  # nobody without the key can test guesses
    assert stale({"record:a": "1", "file:f": "2"}, {"record:a": "9", "file:f": "2"}) == [
        "record of a changed in Odoo"]
