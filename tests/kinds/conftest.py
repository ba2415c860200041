"""Fixtures for the stock, replenishment and delivery kinds: the shipped project on the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmonizer.project import Harmonizer

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = "site_templates/distribution-standard"


@pytest.fixture()
def project(shipped_project: Path) -> Path:
    return shipped_project


@pytest.fixture()
def app(project: Path) -> Harmonizer:
    return Harmonizer(project, env={})


def edit(project: Path, file: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) in a template or site file."""
    path = project / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new))
