"""Fixtures of the fault-injection suite: scenarios built once per session, instant retry
pauses and the project parsed once per content (the count line at the end of the run: ``fault_tally``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from harness import Scenario, build_scenario
from quick import fast

from harmonizer.odoo import register_sandbox, unregister_sandbox


@pytest.fixture(autouse=True)
def _fast_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only while a test of this folder runs: other folders see the real functions and their
    own in-process stand-ins (this folder's is registered for the test's duration)."""
    fast(monkeypatch)
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
                fast(patch)
                built[(version_key, kind)] = build_scenario(base, version_key, kind)
        current = built[(version_key, kind)]
        register_sandbox("harmonizer_demo", current.wire)
        return current

    yield scenario
    unregister_sandbox("harmonizer_demo")
    for item in built.values():
        item.server.close()

