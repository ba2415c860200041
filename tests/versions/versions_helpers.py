"""Helpers of the per-version tests: a copy of the repository's project set to one Odoo version."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[2]
VERSIONS = ("16.0", "17.0", "18.0", "19.0")
#: The template's secret, given as the environment would.
ENV = {"HARMONIZER_N8N_TOKEN": "n8n-test-token"}
#: Server actions of the standard template that need Odoo 17+ (webhooks), and the automations
#: that run them: left out of the 16.0 copy (see the docstring of harmonizer/kinds/server_action.py).
WEBHOOK_ACTIONS = ("emit_order_approved", "emit_shipment_dispatched")
WEBHOOK_AUTOMATIONS = ("order_approved_event", "shipment_dispatched_event")


def set_version(root: Path, version: str) -> None:
    """Point every site file of ``root`` at a ``sandbox://`` stand-in of ``version``."""
    for path in sorted((root / "sites").glob("*.yaml")):
        text = re.sub(r'(?m)^  odoo_version: "[0-9.]+"\n', "", path.read_text(encoding="utf-8"))
        text = re.sub(r"(?m)^(odoo:\n)", rf'\1  odoo_version: "{version}"\n', text, count=1)
        path.write_text(text, encoding="utf-8")


def drop_webhooks(root: Path) -> None:
    """The 16.0 form of the standard template: no webhook actions (16.0 has none)."""
    path = root / "site_templates" / "distribution-standard" / "automation.yaml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    for name in WEBHOOK_ACTIONS:
        del data["server_action"][name]
    for name in WEBHOOK_AUTOMATIONS:
        del data["automation"][name]
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


#: The standard template's files with the five core kinds (files of other kinds, e.g. carriers
#: and routes, are versioned by their own tests).
CORE_FILES = ("template.yaml", "approvals.yaml", "automation.yaml", "parameters.yaml")


def copy_project(root: Path, version: str) -> Path:
    """The repository's sites and the core part of its standard template, on ``version``."""
    template = root / "site_templates" / "distribution-standard"
    template.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy(REPO / "site_templates" / "distribution-standard" / name, template / name)
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    set_version(root, version)
    if version.startswith("16."):
        drop_webhooks(root)
    return root
