"""Import/forget, lookalikes, prevent_destroy, --target, --allow-delete, export, connection rules."""

from __future__ import annotations

import json
from pathlib import Path

from harmonizer.config import load_project
from harmonizer.project import Harmonizer
from harmonizer.safety import lock
from tests.safety.conftest import SITE, edit, owned_id, read, resources_file


def _converge(app: Harmonizer) -> None:
    assert all(r.ok for r in app.apply(app.plan([SITE])))


def test_a_lookalike_is_reported_and_import_turns_the_duplicate_create_into_an_update(app: Harmonizer,
                                                                                       run) -> None:
    with app.session(SITE) as session:
        made = session.writer().create("ir.config_parameter", {"key": "harmonizer.events.endpoint",
                                                               "value": "https://old.example"})
    failed = run("plan", f"site={SITE}")
    assert failed.exit_code == 1
    assert "harmonizer import site=east system_parameter.endpoint --match key=harmonizer.events.endpoint" \
        in failed.output
    refused = run("import", SITE, "system_parameter.endpoint", "--match", "key=harmonizer.events.endpoint")
    assert refused.exit_code == 1 and f"ir.config_parameter #{made}" in refused.output  # shown, then asked
    bound = run("import", SITE, "system_parameter.endpoint", "--match", "key=harmonizer.events.endpoint", "--yes")
    assert bound.exit_code == 0, bound.output
    plan = Harmonizer(app.root, env=app.env).plan([SITE])
    [change] = [c for c in plan.sites[0].changes if c.address == "system_parameter.endpoint"]
    assert (change.action.value, change.record_id) == ("update", made)
    assert [(f.key, f.after) for f in change.fields] == [("value", "https://n8n.example/webhook")]
    again = run("import", SITE, "system_parameter.endpoint", "--match", "key=harmonizer.events.endpoint", "--yes")
    assert again.exit_code == 1 and "already bound" in again.output


def test_forget_removes_the_external_id_and_keeps_the_record(app: Harmonizer, run) -> None:
    _converge(app)
    record = owned_id(app, "automation.order_approved_event")
    assert run("forget", SITE, "automation.order_approved_event", "--yes").exit_code == 0
    assert read(app, "base.automation", [record], ["name"])
    failed = run("plan", f"site={SITE}")  # still declared: now a lookalike, never duplicated
    assert failed.exit_code == 1 and "--match name=[Harmonizer] Order approved event" in failed.output


def test_prevent_destroy_marks_the_record_and_refuses_its_deletion(app: Harmonizer, run, project: Path) -> None:
    _converge(app)
    with app.session(SITE) as session:
        [row] = session.reader().search_read("ir.model.data", [("name", "=", "system_parameter__endpoint")],
                                             ["noupdate"])
    assert row["noupdate"] is True
    text = resources_file(project).read_text()
    resources_file(project).write_text(text.replace("  endpoint:\n    key: harmonizer.events.endpoint\n"
                                                    "    value: https://n8n.example/webhook\n"
                                                    "    prevent_destroy: true\n", ""))
    failed = run("plan", f"site={SITE}")
    assert failed.exit_code == 1 and "system_parameter.endpoint: refusing to delete it" in failed.output
    resources_file(project).write_text(text.replace("prevent_destroy: true", "prevent_destroy: false"))
    cleared = run("apply", f"site={SITE}", "--auto-approve")
    assert cleared.exit_code == 0, cleared.output
    resources_file(project).write_text(text.replace("  endpoint:\n    key: harmonizer.events.endpoint\n"
                                                    "    value: https://n8n.example/webhook\n"
                                                    "    prevent_destroy: true\n", ""))
    assert "- system_parameter.endpoint" in run("plan", f"site={SITE}").output


def test_deletions_need_allow_delete_without_a_terminal(app: Harmonizer, run, project: Path) -> None:
    _converge(app)
    edit(resources_file(project), "  model_version:\n    key: harmonizer.operating_model.version\n"
                                  "    value: \"{{ template.name }}@{{ template.version }}\"\n", "")
    refused = run("apply", f"site={SITE}", "--auto-approve")
    assert refused.exit_code == 1
    assert "refusing to delete without --allow-delete" in refused.output and "model_version" in refused.output
    assert owned_id(app, "system_parameter.model_version")  # nothing was changed
    assert run("apply", f"site={SITE}", "--auto-approve", "--allow-delete").exit_code == 0


def test_target_limits_the_plan_to_a_resource_and_what_it_depends_on(run) -> None:
    shown = run("plan", f"site={SITE}", "--target", "automation.order_approved_event", "--format", "json")
    addresses = [c["address"] for c in json.loads(shown.output)["sites"][0]["changes"]]
    assert addresses == ["server_action.emit_order_approved", "automation.order_approved_event"]
    typo = run("plan", f"site={SITE}", "--target", "automation.nope")
    assert typo.exit_code == 1 and "--target automation.nope: no such resource" in typo.output


def test_export_writes_a_valid_template_without_secrets_or_the_lock(app: Harmonizer, run, project: Path,
                                                                     token: str) -> None:
    _converge(app)
    with app.session(SITE) as session:
        held = lock.acquire(session.writer(), SITE, "bob")
        done = run("export", SITE)
        lock.release(session.writer(), held)
    assert done.exit_code == 0, done.output
    folder = project / "site_templates" / "export-east"
    text = "".join(p.read_text() for p in folder.glob("*.yaml"))
    assert token not in text and "token=CHANGE_ME" in text
    assert lock.LOCK_KEY not in text and "database.secret" not in text
    assert "harmonizer.events.endpoint" in text and "order_approved_event:" in text
    template = load_project(project).templates["export-east"]
    assert {r.address for r in template.resources} >= {"automation.order_approved_event",
                                                       "server_action.emit_order_approved",
                                                       "system_parameter.endpoint"}
    only = run("export", SITE, "automation", "--out", str(project / "only"))
    assert only.exit_code == 0 and sorted(p.name for p in (project / "only").iterdir()) == [
        "automation.yaml", "template.yaml"]


def test_plaintext_http_is_refused_except_to_loopback_or_when_insecure(run, project: Path) -> None:
    site = project / "sites" / "east.yaml"
    edit(site, "url: sandbox://safety_east", "url: http://192.0.2.10:8069")
    refused = run("plan", f"site={SITE}")
    assert refused.exit_code == 1 and "refusing plaintext http to http://192.0.2.10:8069" in refused.output
    edit(site, "  login: admin\n", "  login: admin\n  insecure: true\n  timeout: 0.5\n")
    tried = run("plan", f"site={SITE}", env={"HARMONIZER_PASSWORD": "x"})
    assert "refusing plaintext" not in tried.output and tried.exit_code == 1
