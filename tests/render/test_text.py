

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
