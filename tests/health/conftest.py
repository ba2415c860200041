"""Fixtures of the health and metrics tests: the repository's sandbox project, seeded once per module."""

from __future__ import annotations

import shutil
from pathlib import Path

from harmonizer.project import Harmonizer

REPO = Path(__file__).resolve().parents[2]
TOKEN = "s3cr3t-n8n-token"


def copy_demo(root: Path) -> Path:
    """The repository's sites, templates and sandbox.yaml (the stand-in state starts empty)."""
    root.mkdir(parents=True)
    for name in ("sites", "site_templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    return root


def make_app(root: Path) -> Harmonizer:
    return Harmonizer(root, env={"HARMONIZER_N8N_TOKEN": TOKEN})


def set_variable(root: Path, site: str, name: str, value: object) -> None:
    """Add a variable to a site file (its ``variables:`` mapping is the last block of the file)."""
    path = root / "sites" / f"{site}.yaml"
    path.write_text(path.read_text().rstrip() + f"\n  {name}: {value}\n")
