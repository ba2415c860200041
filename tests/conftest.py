"""Root fixtures and the suite's plugins.

- ``secrets_scan``: every output of the suite is searched for the secrets tests registered
  (``secret_value``, secret-looking environment variables); a find fails the session.
- ``fault_tally``: the fault-injection matrix's count line, added up over every test process.
- ``heavy_first``: tests marked ``heavy`` (the fault matrix's scenarios) run first, spread over
  the xdist workers.
- ``pytester``: runs a small pytest session in a test (the plugins' own tests use it).

Both plugins work alike in one process and under pytest-xdist (``-n``): see their rules.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["secrets_scan", "fault_tally", "heavy_first", "pytester"]

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def shipped_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the repository's own project (templates, sites, sandbox.yaml) on the sandbox."""
    from harmonizer.odoo import sandbox_link

    monkeypatch.delenv("HARMONIZER_PROJECT", raising=False)
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    yield root
    # In-process stand-ins are cached per (name, home, version): forget this project's.
    for name in ("harmonizer_demo", "harmonizer_east"):
        sandbox_link.unregister_sandbox(name)
