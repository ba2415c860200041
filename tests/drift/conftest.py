"""Fixtures for drift tests: a copy of the repository's sandbox project in a temp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "project")


def make_app(root: Path) -> Harmonizer:
    return Harmonizer(root, env={"HARMONIZER_N8N_TOKEN": TOKEN})


def converge(app: Harmonizer, *sites: str) -> None:
    """Apply each site until its plan is empty (what a finished rollout leaves behind)."""
    for site in sites:
        app.apply_site(app.plan_one(site))
        assert not app.plan_one(site).has_changes, f"{site} did not converge"


def review_access(app: Harmonizer, site: str = "warehouse-3") -> None:
    """Resolve the access finding the sandbox seeds at warehouse-3, as a person would in Odoo:
    Tom Becker (east.manager) approves purchases, so he no longer confirms receipts."""
    with app.session(site) as session:
        writer = session.writer()
        [user] = writer.search_read("res.users", [("login", "=", "east.manager")], ["id"])
        [group] = writer.search_read("ir.model.data", [("module", "=", "stock"), ("name", "=", "group_stock_user")],
                                     ["res_id"])
        field = "group_ids" if session.version.major >= 19 else "groups_id"
        writer.write("res.users", [user["id"]], {field: [(3, group["res_id"])]})


def make_orphan(app: Harmonizer, site: str, name: str = "legacy_edi_gateway") -> None:
    """An owned system parameter no template declares (what an older template version left)."""
    with app.session(site) as session:
        writer = session.writer()
        record_id = writer.create("ir.config_parameter", {"key": f"harmonizer.{name}", "value": "sftp://old"})
        writer.create("ir.model.data", {"module": "__harmonizer__", "name": f"system_parameter__{name}",
                                        "model": "ir.config_parameter", "res_id": record_id})
