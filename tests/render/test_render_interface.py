"""One small interface over every format."""

from __future__ import annotations

import pytest
from render_plans import mixed_site, plan

from harmonizer.render import RENDERERS, render_plan
from harmonizer.render.json import render_json
from harmonizer.render.markdown import render_markdown
from harmonizer.render.text import render_text


def test_formats_are_registered() -> None:
    assert sorted(RENDERERS) == ["json", "markdown", "text"]
    assert (RENDERERS["json"], RENDERERS["markdown"]) == (render_json, render_markdown)
    # the text format is imported when used (it needs rich): the registered one hands over to it
    p = plan(mixed_site(), mixed_site("warehouse-2"))
    assert RENDERERS["text"](p, color=True, width=60) == render_text(p, color=True, width=60)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_render_plan_dispatches(fmt: str) -> None:
    p = plan(mixed_site(), mixed_site("warehouse-2"))
    assert render_plan(p, fmt, color=True, width=60) == RENDERERS[fmt](p, color=True, width=60)
    assert render_plan(p, fmt).endswith("\n")


def test_unknown_format_lists_the_formats() -> None:
    with pytest.raises(ValueError, match=r"unknown plan format 'yaml'; formats: json, markdown, text"):
        render_plan(plan(), "yaml")


def test_a_narrow_width_cuts_nothing() -> None:
    p = plan(mixed_site("warehouse-with-a-long-name-1"), mixed_site("warehouse-with-a-long-name-2"))
    narrow = render_plan(p, "text", width=20)
    assert narrow == render_plan(p, "text", width=200)
    assert "…" not in narrow
    rows = [line.split() for line in narrow.splitlines()[:4]]
    assert rows[2] == ["warehouse-with-a-long-name-1", "1", "2", "1", "changes"]
