"""Fixtures of the performance-levers tests: a copy of the shipped project."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def project(shipped_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("HARMONIZER_PROJECT", raising=False)
    return shipped_project
