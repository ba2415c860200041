"""The README's main job, through the CLI on the embedded sandbox."""

from __future__ import annotations

import json
from pathlib import Path


def test_plan_apply_converge(run) -> None:
    first = run("plan", "site=warehouse-3", "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    assert "~ scheduled_action.escalate_overdue_approvals (ir.cron" in first.output
    assert "interval_number: 12 → 4" in first.output
    assert "po_double_validation: one_step → two_step" in first.output
    assert "Plan: 0 to create, 3 to update, 0 to delete." in first.output

    applied = run("apply", "site=warehouse-3", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 3 applied." in applied.output

    second = run("plan", "site=warehouse-3", "--detailed-exitcode")
    assert second.exit_code == 0, second.output
    assert "No changes." in second.output


def test_sites_sharing_a_database_converge_together(run) -> None:
    first = run("plan", "site=warehouse-1,warehouse-2", "--format", "json")
    data = json.loads(first.output)
    by_site = {s["site"]: s for s in data["sites"]}
    assert by_site["warehouse-1"]["summary"]["create"] > 0
    # The shared database-level records are planned once, with the first site.
    shared = {c["address"] for c in by_site["warehouse-1"]["changes"] if c["action"] == "create"
              and "__c" not in (c["xmlid"] or "") and "__w" not in (c["xmlid"] or "")}
    assert "automation.large_order_review" in shared
    second = {c["address"]: c for c in by_site["warehouse-2"]["changes"]}
    assert all(second[a]["action"] == "no-op" for a in shared)
    assert second["automation.large_order_review"]["reason"] == "planned with site warehouse-1 (same database)"
    assert run("apply", "tag=pilot", "--auto-approve").exit_code == 0
    assert run("apply", "site=warehouse-2", "--auto-approve").exit_code == 0
    final = run("plan", "site=warehouse-1,warehouse-2", "--detailed-exitcode")
    assert final.exit_code == 0, final.output


def test_sanctioned_variation_lands_on_its_own_company(run) -> None:
    run("apply", "site=all", "--auto-approve")
    rendered = run("render", "site=warehouse-1", "--format", "json")
    bodies = json.loads(rendered.output)[0]["resources"]
    assert bodies["company_settings.purchase_approval"]["body"]["po_double_validation_amount"] == 7500.0
    other = json.loads(run("render", "site=warehouse-2", "--format", "json").output)[0]["resources"]
    assert other["company_settings.purchase_approval"]["body"]["po_double_validation_amount"] == 5000.0


def test_markdown_and_saved_plan(run, project: Path) -> None:
    markdown = run("plan", "site=warehouse-3", "--format", "markdown")
    assert markdown.exit_code == 0
    assert "| `interval_number` | 12 | 4 |" in markdown.output
    out = project / "plan.json"
    saved = run("plan", "site=warehouse-3", "--out", str(out))
    assert saved.exit_code == 0 and out.exists()
    applied = run("apply", str(out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run("plan", "site=warehouse-3", "--detailed-exitcode").exit_code == 0


def test_apply_needs_confirmation(run) -> None:
    refused = run("apply", "site=warehouse-3")
    assert refused.exit_code == 1
    assert "pass --auto-approve" in refused.output
    assert run("plan", "site=warehouse-3", "--detailed-exitcode").exit_code == 2  # nothing was written


def test_apply_in_waves_delegates_to_the_rollout(run) -> None:
    refused = run("apply", "--wave", "tag=pilot", "--wave", "all")
    assert refused.exit_code == 1 and "--auto-approve" in refused.output
    done = run("apply", "--wave", "tag=pilot", "--wave", "all", "--auto-approve")
    assert done.exit_code == 0, done.output
    assert "wave pilot: done" in done.output and "Failed: none" in done.output
    assert run("plan", "site=all", "--detailed-exitcode").exit_code == 0
