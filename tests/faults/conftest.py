"""Fixtures of the fault-injection suite: scenarios built once per session, instant retry
pauses, the project parsed once per content, and the summary line at the end of the run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import TALLY, Scenario, build_scenario

from harmonizer import project as project_module
from harmonizer.commands import core as core_commands
from harmonizer.odoo import calls, register_sandbox, unregister_sandbox


def _cached_loader(original: Callable[[Path], Any]) -> Callable[[Path], Any]:
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


def _plan_summary(plan: Any, _fmt: str) -> str:
    lines = [f"✗ {failure.site}: {failure.error}" for failure in plan.failures]
    return "\n".join([*lines, f"plan: {sum(len(site.pending) for site in plan.sites)} change(s)"]) + "\n"


_LOADER: dict[str, Callable[[Path], Any]] = {}


def _fast(patch: pytest.MonkeyPatch) -> None:
    """Instant retry pauses, each project parsed once, one line instead of the plan's text."""
    patch.setattr(calls, "pause", lambda _seconds: None)
    if "load" not in _LOADER:
        _LOADER["load"] = _cached_loader(project_module.load_project)
    patch.setattr(project_module, "load_project", _LOADER["load"])
    # The plan's text (hundreds of lines per run) is not what this suite checks: the outcome
    # lines, the error line and the exit code are. One line instead keeps thousands of runs fast.
    patch.setattr(core_commands, "render_plan_as", _plan_summary)


@pytest.fixture(autouse=True)
def _fast_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only while a test of this folder runs: other folders see the real functions and their
    own in-process stand-ins (this folder's is registered for the test's duration)."""
    _fast(monkeypatch)
    yield
    unregister_sandbox("harmonizer_demo")


@pytest.fixture(scope="session")
def fault_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str, str], Scenario]]:
    """``scenario(version_key, kind)``: built on first use, then shared by every test of the session."""
    base = tmp_path_factory.mktemp("faults")
    built: dict[tuple[str, str], Scenario] = {}

    def scenario(version_key: str, kind: str) -> Scenario:
        if (version_key, kind) not in built:
            with pytest.MonkeyPatch.context() as patch:
                _fast(patch)
                built[(version_key, kind)] = build_scenario(base, version_key, kind)
        current = built[(version_key, kind)]
        register_sandbox("harmonizer_demo", current.wire)
        return current

    yield scenario
    unregister_sandbox("harmonizer_demo")
    for item in built.values():
        item.server.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    line = TALLY.summary()
    if line:
        terminalreporter.write_sep("=", "fault injection")
        terminalreporter.write_line(line)
