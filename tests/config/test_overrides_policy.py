"""Exclusions of policy block rules and policy blocks in a site's own folder, on the shipped project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harmonizer.config import load_project
from harmonizer.errors import ConfigErrors
from tests.config.conftest import TEMPLATE_DIR, ProjectDir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped(tmp_path: Path) -> ProjectDir:
    root = tmp_path / "project"
    for name in ("sites", "site_templates"):
        shutil.copytree(REPO / name, root / name)
    return ProjectDir(root)


def _exclude(project: ProjectDir, site: str, entries: str) -> int:
    """Append an ``exclude:`` list to a shipped site file that has none; the first entry's line."""
    path = project.root / "sites" / f"{site}.yaml"
    text = path.read_text()
    assert "exclude:" not in text
    path.write_text(text + "exclude:\n" + entries)
    return text.count("\n") + 2


def test_a_rule_exclusion_leaves_out_everything_the_rule_compiles_to(shipped: ProjectDir) -> None:
    _exclude(shipped, "warehouse-3", """  - address: escalation.warehouse_exception_stalled
    owner: ops@harmonia.example
    reason: no night shift in Columbus to escalate to
""")
    project = shipped.load()
    full = project.render("warehouse-2", {})
    compiled = [a for a, r in full.resources.items() if r.rule == "warehouse_exception_stalled"]
    assert compiled  # what warehouse-2 (which does not exclude it) has
    state = project.render("warehouse-3", {})
    assert not [a for a, r in state.resources.items() if r.rule == "warehouse_exception_stalled"]
    assert sorted(state.excluded) == sorted(compiled)
    assert {e.target for e in state.excluded.values()} == {"escalation.warehouse_exception_stalled"}
    assert project.validate({}) == []


def test_an_approval_rule_escalated_by_another_rule_cannot_go_alone(shipped: ProjectDir) -> None:
    line = _exclude(shipped, "warehouse-3", """  - address: approval_matrix.large_return
    owner: ops@harmonia.example
    reason: returns are handled by head office
""")
    errors = shipped.validate()
    assert errors == [f"sites/warehouse-3.yaml:{line}: exclude: approval_matrix.large_return is still used by "
                      "escalation.large_return_stalled: exclude it too, or keep approval_matrix.large_return"]
    (shipped.root / "sites" / "warehouse-3.yaml").write_text(
        (shipped.root / "sites" / "warehouse-3.yaml").read_text() + """  - address: escalation.large_return_stalled
    owner: ops@harmonia.example
    reason: returns are handled by head office
""")
    assert shipped.validate() == []


def test_mandatory_policy_rules_of_the_shipped_template(shipped: ProjectDir) -> None:
    line = _exclude(shipped, "warehouse-3", """  - address: approval_matrix.key_account_order
    owner: a
    reason: b
  - address: approval_matrix.emergency_purchase
    owner: a
    reason: b
  - address: approval_matrix.pricing_deviation
    owner: a
    reason: b
""")
    with pytest.raises(ConfigErrors) as info:
        load_project(shipped.root)
    messages = [str(e) for e in info.value.errors]
    assert [m.split(": exclude: ")[0] for m in messages] == [f"sites/warehouse-3.yaml:{line}",
                                                             f"sites/warehouse-3.yaml:{line + 3}"]
    assert "policy rule approval_matrix.key_account_order is mandatory" in messages[0]
    assert "policy rule approval_matrix.emergency_purchase is mandatory" in messages[1]


def test_a_site_may_add_a_policy_block_the_template_allows_and_lacks(project: ProjectDir) -> None:
    local = """
        escalation:
          rules:
            stalled_quote:
              model: sale.order
              domain: "[('state', '=', 'sent')]"
              after: 48
              unit: hour
              escalate_to: "{{ site.name }}-manager"
    """
    project.write("sites/wh1/policy.yaml", local)
    assert project.load_errors() == [
        "sites/wh1/policy.yaml:1: escalation: template distribution-standard does not let a site declare policy "
        "block escalation of its own (its local_kinds: none)"]
    header = (project.root / TEMPLATE_DIR / "template.yaml").read_text()
    project.write(f"{TEMPLATE_DIR}/template.yaml", header.replace('version: "1.0.0"\n',
                                                                   'version: "1.0.0"\nlocal_kinds: [escalation]\n'))
    state = project.load().render("wh1", {})
    mine = {a: r for a, r in state.resources.items() if r.rule == "stalled_quote"}
    assert mine and all(r.local and r.block == "escalation" for r in mine.values())
    assert all(str(r.location).startswith("sites/wh1/policy.yaml:") for r in mine.values())
