"""Apply results as text: one line per outcome and a Terraform-like summary."""

from __future__ import annotations

from dataclasses import dataclass

from harmonizer.apply.executor import ApplyResult, Outcome
from harmonizer.plan.model import Action
from harmonizer.render.text import render_apply, render_apply_result


def test_complete_apply() -> None:
    result = ApplyResult("warehouse-1", [
        Outcome("automation.order_approved_event", Action.CREATE, "applied", 12),
        Outcome("company_settings.purchase_approval", Action.UPDATE, "applied", 1),
        Outcome("system_parameter.legacy_flag", Action.DELETE, "applied", 7),
    ])
    assert render_apply_result(result).splitlines() == [
        "warehouse-1:",
        "  ✓ automation.order_approved_event: created (#12)",
        "  ✓ company_settings.purchase_approval: updated (#1)",
        "  ✓ system_parameter.legacy_flag: deleted (#7)",
        "Apply complete: 3 applied.",
    ]


def test_failed_apply_names_error_and_what_was_not_attempted() -> None:
    result = ApplyResult("warehouse-1", [
        Outcome("automation.a", Action.CREATE, "applied", 12),
        Outcome("company_settings.b", Action.UPDATE, "failed", 1, "You are not allowed to modify res.company"),
        Outcome("automation.c", Action.CREATE, "not attempted"),
        Outcome("automation.d", Action.DELETE, "not attempted"),
    ])
    lines = render_apply_result(result).splitlines()
    assert lines[1:4] == [
        "  ✓ automation.a: created (#12)",
        "  ✗ company_settings.b: update failed: You are not allowed to modify res.company",
        "  · automation.c: create not attempted",
    ]
    assert lines[-1].startswith("Apply failed: 1 applied, 1 failed, 2 not attempted.")


def test_nothing_to_apply() -> None:
    assert render_apply_result(ApplyResult("s")).splitlines() == ["s:", "Apply complete: 0 applied."]


def test_apply_colour_only_when_asked() -> None:
    result = ApplyResult("s", [Outcome("automation.a", Action.CREATE, "failed", None, "boom")])
    assert "\x1b[" in render_apply_result(result, color=True)
    assert "\x1b[" not in render_apply_result(result)


@dataclass(frozen=True)
class _SiteApply:
    """Shaped like harmonizer.project.SiteApply."""

    site: str
    result: ApplyResult | None
    error: str | None = None


def test_render_apply_over_sites() -> None:
    ok = ApplyResult("warehouse-1", [Outcome("automation.a", Action.CREATE, "applied", 12)])
    broken = ApplyResult("warehouse-2", [Outcome("automation.a", Action.CREATE, "failed", None, "boom"),
                                         Outcome("automation.b", Action.UPDATE, "not attempted")])
    out = render_apply([
        _SiteApply("warehouse-1", ok),
        _SiteApply("warehouse-2", broken, "site warehouse-2: create failed: boom (0 applied)"),
        _SiteApply("warehouse-3", None, "the live state changed since the plan was made"),
    ])
    lines = out.splitlines()
    assert lines[:3] == ["warehouse-1:", "  ✓ automation.a: created (#12)", "Apply complete: 1 applied."]
    assert "  ✗ automation.a: create failed: boom" in lines
    assert not any(line.startswith("✗ site warehouse-2") for line in lines)  # its outcome already says it
    assert "✗ warehouse-3: the live state changed since the plan was made" in lines
    assert lines[-1] == "Apply failed on 2 of 3 sites (1 change(s) applied)."


def test_render_apply_all_good_and_single_site() -> None:
    one = ApplyResult("a", [Outcome("automation.a", Action.CREATE, "applied", 1)])
    two = ApplyResult("b", [Outcome("automation.a", Action.DELETE, "applied", 2)])
    assert render_apply([_SiteApply("a", one), _SiteApply("b", two)]).splitlines()[-1] == \
        "Apply complete on 2 sites: 2 applied."
    assert render_apply([_SiteApply("a", one)]) == render_apply_result(one)
