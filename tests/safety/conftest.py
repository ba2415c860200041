"""Fixtures of the safety tests: a small self-contained project on its own sandbox database.

The template covers every safety path with few resources: two system parameters (one
protected by ``prevent_destroy``), a server action whose webhook URL carries a secret
token, an automation linking it, and the site company's purchase settings (bound).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from harmonizer.cli import main
from harmonizer.odoo import sandbox_link
from harmonizer.project import Harmonizer

DATABASE = "safety_east"
SITE = "east"
TOKEN_ENV = "SAFETY_N8N_TOKEN"

TEMPLATE = """\
name: std
version: "1.0.0"
variables:
  approval:
    type: string
    default: two_step
    choices: [one_step, two_step]
  threshold:
    type: int
    default: 25000
  n8n_token:
    type: secret
    env: SAFETY_N8N_TOKEN
    required: false
"""

RESOURCES = """\
system_parameter:
  model_version:
    key: harmonizer.operating_model.version
    value: "{{ template.name }}@{{ template.version }}"
  endpoint:
    key: harmonizer.events.endpoint
    value: https://n8n.example/webhook
    prevent_destroy: true
server_action:
  emit_order_approved:
    name: "[Harmonizer] Event: order approved"
    model: sale.order
    type: webhook
    webhook_url: "https://n8n.example/webhook/order-approved?token={{ n8n_token }}"
    webhook_fields: [name, amount_total]
automation:
  order_approved_event:
    name: "[Harmonizer] Order approved event"
    model: sale.order
    trigger: on_write
    filter_domain: "[('amount_total', '>', {{ threshold }})]"
    trigger_fields: [state]
    actions: [emit_order_approved]
company_settings:
  purchase_approval:
    po_double_validation: "{{ approval }}"
"""

SITE_FILE = f"""\
template: std
odoo:
  url: sandbox://{DATABASE}
  database: {DATABASE}
  login: admin
scope:
  company: Harmonia Distribution East
  warehouse: WH3
"""


def write_project(root: Path, site_file: str = SITE_FILE, resources: str = RESOURCES) -> Path:
    (root / "site_templates" / "std").mkdir(parents=True, exist_ok=True)
    (root / "sites").mkdir(exist_ok=True)
    (root / "site_templates" / "std" / "template.yaml").write_text(TEMPLATE)
    (root / "site_templates" / "std" / "resources.yaml").write_text(resources)
    (root / "sites" / f"{SITE}.yaml").write_text(site_file)
    (root / "sandbox.yaml").write_text(f"databases:\n  {DATABASE}:\n    fixture: demo-east\n")
    return root


@pytest.fixture()
def token(secret_value: Callable[[str], str]) -> str:
    return secret_value("n8n")


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Path]:
    root = write_project(tmp_path / "project")
    yield root
    sandbox_link.unregister_sandbox(DATABASE)


@pytest.fixture()
def app(project: Path, token: str) -> Harmonizer:
    return Harmonizer(project, env={TOKEN_ENV: token, "HARMONIZER_OPERATOR": "alice"})


@pytest.fixture()
def run(project: Path, token: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.delenv("HARMONIZER_PROJECT", raising=False)

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        full = {TOKEN_ENV: token, "HARMONIZER_OPERATOR": "alice", **(env or {})}
        return CliRunner().invoke(main, ["--project", str(project), *args], env=full, input=input,
                                  catch_exceptions=False)

    return invoke


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def resources_file(project: Path) -> Path:
    return project / "site_templates" / "std" / "resources.yaml"


def owned_id(app: Harmonizer, address: str) -> int:
    kind, _, name = address.partition(".")
    with app.session(SITE) as session:
        rows = session.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__"),
                                                              ("name", "=", f"{kind}__{name}")], ["res_id"])
    assert rows, f"{address} is not owned"
    return int(rows[0]["res_id"])


def read(app: Harmonizer, model: str, ids: list[int], fields: list[str]) -> list[dict[str, Any]]:
    with app.session(SITE) as session:
        return session.reader().search_read(model, [("id", "in", ids)], fields, context={"active_test": False})
