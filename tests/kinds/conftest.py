"""Fixtures for the stock, replenishment and delivery kinds: the shipped project on the sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from harmonizer.odoo import sandbox_link
from harmonizer.project import Harmonizer

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = "site_templates/distribution-standard"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("HARMONIZER_PROJECT", raising=False)
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    yield root
    for name in ("harmonizer_demo", "harmonizer_east"):
        sandbox_link.unregister_sandbox(name)


@pytest.fixture()
def app(project: Path) -> Harmonizer:
    return Harmonizer(project, env={})


def edit(project: Path, file: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) in a template or site file."""
    path = project / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new))
