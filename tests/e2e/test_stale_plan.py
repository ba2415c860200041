"""Apply runs exactly the plan that was shown: if a touched record changed since, nothing is written."""

from __future__ import annotations

from pathlib import Path

from harmonizer.project import Harmonizer


def _company_approval(app: Harmonizer) -> str:
    with app.session("warehouse-3") as session:
        rows = session.reader().search_read("res.company", [("name", "=", "Harmonia Distribution East")],
                                            ["po_double_validation"])
    return rows[0]["po_double_validation"]


def test_a_record_changed_after_the_plan_refuses_the_whole_apply(project: Path) -> None:
    app = Harmonizer(project, env={})
    plan = app.plan(["warehouse-3"])
    assert plan.sites[0].has_changes
    cron = next(c for c in plan.sites[0].pending if c.address == "scheduled_action.escalate_overdue_approvals")
    with app.session("warehouse-3") as session:
        session.writer().write("ir.cron", [cron.record_id], {"interval_number": 7})  # someone, meanwhile

    outcome = app.apply(plan)[0]

    assert not outcome.ok
    assert outcome.error is not None
    assert "changed since the plan" in outcome.error and "scheduled_action.escalate_overdue_approvals" in outcome.error
    assert _company_approval(app) == "one_step"  # the other changes of the plan were not written either
    fresh = app.plan(["warehouse-3"])
    change = next(c for c in fresh.sites[0].pending if c.address == cron.address)
    assert [(f.before, f.after) for f in change.fields] == [(7, 4)]
