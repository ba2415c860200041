"""End-to-end fixtures: a copy of the repository's project (templates, sites, sandbox.yaml)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main
from harmonizer.odoo import sandbox_link

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    yield root
    # In-process stand-ins are cached per (name, home, version): forget this project's.
    for name in ("harmonizer_demo", "harmonizer_east"):
        sandbox_link.unregister_sandbox(name)


@pytest.fixture()
def run(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("HARMONIZER_PROJECT", raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(main, ["--project", str(project), *args], env=env, input=input,
                             catch_exceptions=False)

    return invoke
