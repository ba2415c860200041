"""Renderers: present a frozen ``Plan`` (and an apply result); they never compute anything.

Each output format is one function behind the same small interface (``PlanRenderer``),
registered by name in ``RENDERERS``; ``render_plan`` picks one. Formats:

- ``text``: Terraform-like terminal text (colour decided by the caller, see ``should_color``)
- ``json``: the versioned JSON contract, read back by ``plan_from_json``/``Plan.from_dict``
- ``markdown``: for change tickets and pull requests

Every format keeps the same secret rule: a secret field's value is never shown.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

from harmonizer.plan.model import Plan
from harmonizer.render.json import plan_from_json, plan_to_dict, plan_to_json, render_json
from harmonizer.render.markdown import render_markdown

if TYPE_CHECKING:
    from harmonizer.render.text import SiteApplyLike, render_apply, render_apply_result, should_color

__all__ = ["RENDERERS", "PlanRenderer", "SiteApplyLike", "plan_from_json", "plan_to_dict", "plan_to_json",
           "render_apply", "render_apply_result", "render_json", "render_markdown", "render_plan", "render_text",
           "should_color"]

#: The text renderer's names, imported on first use (it needs rich, which the other formats do not).
_TEXT_NAMES = frozenset({"SiteApplyLike", "render_apply", "render_apply_result", "should_color"})


def __getattr__(name: str) -> Any:
    if name not in _TEXT_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("harmonizer.render.text"), name)
    globals()[name] = value
    return value


class PlanRenderer(Protocol):
    def __call__(self, plan: Plan, *, color: bool = False, width: int | None = None) -> str: ...


def render_text(plan: Plan, *, color: bool = False, width: int | None = None) -> str:
    """``render.text.render_text``, imported when used (it needs rich)."""
    from harmonizer.render.text import render_text as render

    return render(plan, color=color, width=width)


RENDERERS: dict[str, PlanRenderer] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}


def render_plan(plan: Plan, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """The plan in format ``fmt``; ``color`` and ``width`` matter only to formats that use them."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown plan format {fmt!r}; formats: {', '.join(sorted(RENDERERS))}") from None
    return renderer(plan, color=color, width=width)


__all__ = [
    "RENDERERS",
    "PlanRenderer",
    "SiteApplyLike",
    "plan_from_json",
    "plan_to_dict",
    "plan_to_json",
    "render_apply",
    "render_apply_result",
    "render_json",
    "render_markdown",
    "render_plan",
    "render_text",
    "should_color",
]
