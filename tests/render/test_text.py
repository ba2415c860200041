

def test_carried_fields_are_marked_unchanged() -> None:
    from harmonizer.plan.model import Action, Change, FieldChange, Plan, SitePlan
    from harmonizer.render import render_plan

    change = Change("automation.a", "automation", "base.automation", Action.UPDATE, 3, "__harmonizer__.automation__a",
                    (FieldChange("filter_domain", "filter_domain", "[]", "[('x', '=', 1)]", '"[]"', '"[(x)]"'),
                     FieldChange("trigger", "trigger", "on_write", "on_write", "on_write", "on_write", carried=True)))
    site = SitePlan("s", "sandbox://d", "d", "17.0", "t", "1", 1, None, (change,))
    text = render_plan(Plan((site,)), "text")
    assert "trigger: on_write  (unchanged, written again: Odoo recomputes it)" in text
    assert "on_write → on_write" not in text
    assert "(unchanged, written again)" in render_plan(Plan((site,)), "markdown")


def test_resources_left_out_for_the_version_are_listed_dimmed() -> None:
    from harmonizer.plan.model import Action, Change, Plan, SitePlan
    from harmonizer.render import render_plan

    left_out = Change("automation.event", "automation", "base.automation", Action.NOOP, None, None,
                      reason="not on Odoo 16.0 (declared for >=17.0)")
    shared = Change("automation.x", "automation", "base.automation", Action.NOOP, 4, None,
                    reason="planned with site a (same database)")
    site = SitePlan("s", "sandbox://d", "d", "16.0", "t", "1", 1, None, (left_out, shared))
    text = render_plan(Plan((site,)), "text")
    assert "automation.event: not on Odoo 16.0 (declared for >=17.0)" in text
    assert "automation.x" not in text
