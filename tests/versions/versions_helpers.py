"""Helpers of the per-version tests: a copy of the repository's project set to one Odoo version."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VERSIONS = ("16.0", "17.0", "18.0", "19.0")
#: The template's secret, given as the environment would.
ENV = {"HARMONIZER_N8N_TOKEN": "n8n-test-token"}


def set_version(root: Path, version: str) -> None:
    """Point every site file of ``root`` at a ``sandbox://`` stand-in of ``version``."""
    for path in sorted((root / "sites").glob("*.yaml")):
        text = re.sub(r'(?m)^  odoo_version: "[0-9.]+"\n', "", path.read_text(encoding="utf-8"))
        text = re.sub(r"(?m)^(odoo:\n)", rf'\1  odoo_version: "{version}"\n', text, count=1)
        path.write_text(text, encoding="utf-8")


def copy_project(root: Path, version: str) -> Path:
    """The repository's whole project (every file of its standard template, its sites and
    sandbox seeds) on ``version``: the template serves every version as shipped (what a
    version cannot hold is declared with ``odoo_versions`` or mapped by the kinds)."""
    root.mkdir(parents=True)
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    set_version(root, version)
    return root
