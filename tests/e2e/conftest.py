"""End-to-end fixtures: a copy of the repository's project (templates, sites, sandbox.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harmonizer.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def project(shipped_project: Path) -> Path:
    return shipped_project


@pytest.fixture()
def run(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("HARMONIZER_PROJECT", raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(main, ["--project", str(project), *args], env=env, input=input,
                             catch_exceptions=False)

    return invoke
