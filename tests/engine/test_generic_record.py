"""The generic record kind: any model and fields, owned through an external ID."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = """name: generic
version: "1.0.0"
variables:
  tag_color: {type: int, default: 3, min: 0, max: 11, overridable: true}
"""
RESOURCES = """record:
  key_accounts:
    model: res.partner.category
    values:
      name: Key accounts
      color: "{{ tag_color }}"
      parent_id: {xmlid: harmonia_demo.tag_wholesale}
  export_flag:
    model: ir.config_parameter
    values:
      key: harmonizer.export.enabled
      value: "yes"
"""


@pytest.fixture()
def app(tmp_path: Path) -> Harmonizer:
    folder = tmp_path / "site_templates" / "generic"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(TEMPLATE)
    (folder / "records.yaml").write_text(RESOURCES)
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "one.yaml").write_text(
        "template: generic\nodoo:\n  url: sandbox://generic_db\n  login: admin\n"
        "scope:\n  company: Harmonia Distribution West\n")
    shutil.copy(REPO / "sandbox.yaml", tmp_path / "sandbox.yaml")
    return Harmonizer(tmp_path, env={})


def test_generic_records_converge_and_compare_like_odoo_reads(app: Harmonizer) -> None:
    plan = app.plan(["one"])
    assert not plan.failures, plan.failures
    changes = {c.address: c for c in plan.sites[0].pending}
    assert changes["record.key_accounts"].model == "res.partner.category"
    assert changes["record.key_accounts"].action is Action.CREATE
    assert app.apply(plan)[0].ok
    assert not app.plan(["one"]).has_changes  # 3 reads back as 3, the parent as [id, name]
    with app.session("one") as session:
        [tag] = session.reader().search_read("res.partner.category", [("name", "=", "Key accounts")],
                                             ["color", "parent_id"])
        assert tag["color"] == 3 and tag["parent_id"][1] == "Wholesale"
        session.writer().write("res.partner.category", [tag["id"]], {"color": 5, "parent_id": False})
    drift = app.plan(["one"]).sites[0].pending
    assert [(c.address, sorted((f.field, f.before_text, f.after_text) for f in c.fields)) for c in drift] == [
        ("record.key_accounts", [("color", "5", "3"), ("parent_id", "(empty)", "harmonia_demo.tag_wholesale")])]
    assert app.apply(app.plan(["one"]))[0].ok
    assert not app.plan(["one"]).has_changes


def test_unknown_external_id_is_a_located_error(app: Harmonizer, tmp_path: Path) -> None:
    path = tmp_path / "site_templates" / "generic" / "records.yaml"
    path.write_text(path.read_text().replace("harmonia_demo.tag_wholesale", "nowhere.nothing"))
    plan = Harmonizer(tmp_path, env={}).plan(["one"])
    assert plan.failures and "nowhere.nothing" in plan.failures[0].error
    assert "record.key_accounts" in plan.failures[0].error
