"""What makes thousands of fault cases quick without changing what they check: instant retry
pauses, each project content parsed (and each site rendered) once per process, one line instead
of the plan's text. Used by the fixtures (``conftest``) and by the matrix's own process
(``matrix_process``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harmonizer import project as project_module
from harmonizer.commands import core as core_commands
from harmonizer.odoo import calls


def cached_loader(original: Callable[[Path], Any]) -> Callable[[Path], Any]:
    """``load_project`` parsing each project content once (hundreds of runs read the same files)."""
    cache: dict[tuple[Any, ...], Any] = {}

    def load(root: Path) -> Any:
        files = sorted(p for folder in ("sites", "site_templates") for p in (root / folder).rglob("*.yaml"))
        key = (str(root), *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))
        if key not in cache:
            cache[key] = project = original(root)
            rendered: dict[tuple[Any, ...], Any] = {}
            render = project.render

            def render_once(site: str, env: Any = None, **options: Any) -> Any:
                if options:
                    return render(site, env, **options)
                memo = (site, tuple(sorted((env or {}).items())))
                if memo not in rendered:
                    rendered[memo] = render(site, env)
                return rendered[memo]

            project.render = render_once
        return cache[key]

    return load


def plan_summary(plan: Any, _fmt: str) -> str:
    lines = [f"✗ {failure.site}: {failure.error}" for failure in plan.failures]
    return "\n".join([*lines, f"plan: {sum(len(site.pending) for site in plan.sites)} change(s)"]) + "\n"


_LOADER: dict[str, Callable[[Path], Any]] = {}


def fast(patch: pytest.MonkeyPatch) -> None:
    """Instant retry pauses, each project parsed once, one line instead of the plan's text."""
    patch.setattr(calls, "pause", lambda _seconds: None)
    if "load" not in _LOADER:
        _LOADER["load"] = cached_loader(project_module.load_project)
    patch.setattr(project_module, "load_project", _LOADER["load"])
    # The plan's text (hundreds of lines per run) is not what this suite checks: the outcome
    # lines, the error line and the exit code are. One line instead keeps thousands of runs fast.
    patch.setattr(core_commands, "render_plan_as", plan_summary)
