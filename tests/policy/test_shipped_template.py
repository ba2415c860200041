"""The shipped distribution-standard template's governance blocks, through config as sites use them."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from harmonizer.config import load_project
from harmonizer.errors import ConfigErrors
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Level
from tests.policy.helpers import REPO

GOVERNANCE = "site_templates/distribution-standard/governance.yaml"


def _threshold(domain: str, path: str) -> float:
    [value] = [leaf[2] for leaf in ast.literal_eval(domain) if isinstance(leaf, tuple) and leaf[0] == path]
    return float(value)


def test_every_site_compiles_the_governance_blocks_and_validates() -> None:
    project = load_project(REPO)
    assert project.validate({}) == []
    for site in project.sites:
        state = project.render(site, {})
        compiled = [r for r in state if r.block is not None]
        assert {r.block for r in compiled} == {"approval_matrix", "escalation", "business_events", "finance_controls"}
        assert all(str(r.location).startswith(GOVERNANCE + ":") for r in compiled)
        assert set(state.policies) == {"approval_matrix", "escalation", "business_events", "finance_controls",
                                       "access_policy", "health"}  # checked, not compiled (access.yaml, health.yaml)
        assert state.access is not None and state.access.location.file.endswith("access.yaml")


def test_site_values_reach_their_rules_and_only_them() -> None:
    project = load_project(REPO)
    east = project.render("warehouse-3", {})
    standard = project.render("warehouse-3", {}, defaults_only=True)
    pricing = east.resources["automation.approval_pricing_deviation"]
    assert _threshold(pricing.body["filter_domain"], "order_line.discount") == 10
    assert _threshold(standard.resources["automation.approval_pricing_deviation"].body["filter_domain"],
                      "order_line.discount") == 15
    assert pricing.variables["filter_domain"] == ("max_discount_percent",)
    stalled = east.resources["automation.escalation_emergency_purchase_stalled"]
    assert (stalled.body["delay"], standard.resources[stalled.address].body["delay"]) == (12, 24)
    west = project.render("warehouse-1", {})
    purchase = west.resources["automation.approval_emergency_purchase"]
    assert _threshold(purchase.body["filter_domain"], "amount_total") == 3000


def test_sites_of_one_database_render_the_compiled_records_identically() -> None:
    project = load_project(REPO)
    one, two = project.render("warehouse-1", {}), project.render("warehouse-2", {})
    compiled = [a for a, r in one.resources.items() if r.block is not None]
    assert compiled and all(KINDS[one.resources[a].kind].level is Level.DATABASE for a in compiled)
    assert all(one.resources[a].body == two.resources[a].body for a in compiled)


def test_the_matrix_leaves_purchase_approval_to_approvals_yaml() -> None:
    """One owner per field: the hand-written company settings keep the purchase/credit fields."""
    state = load_project(REPO).render("warehouse-1", {})
    assert "company_settings.approval_company" not in state.resources
    assert {"po_double_validation", "po_double_validation_amount", "account_use_credit_limit"} <= set(
        state.resources["company_settings.purchase_approval"].body)
    compiled_events = {r.rule for r in state if r.block == "business_events"}
    assert not compiled_events & {"order_approved", "shipment_dispatched"}  # hand-written emit_* send these


@pytest.mark.parametrize(("line", "expected"), [
    ("  max_discount_percent: 80\n", "variables.max_discount_percent: 80.0 is above the maximum 50"),
    ("  approval_escalation_hours: 1\n", "variables.approval_escalation_hours: 1 is below the minimum 2"),
    ("  bill_control: purchase\n", "variables.bill_control: not overridable"),
])
def test_out_of_bounds_site_values_are_refused_at_the_sites_line(tmp_path: Path, line: str, expected: str) -> None:
    shutil.copytree(REPO / "site_templates", tmp_path / "site_templates")
    shutil.copytree(REPO / "sites", tmp_path / "sites")
    site = tmp_path / "sites" / "warehouse-2.yaml"
    text = site.read_text()
    site.write_text(text + line)
    where = f"sites/warehouse-2.yaml:{len(text.splitlines()) + 1}: "
    with pytest.raises(ConfigErrors) as caught:
        load_project(tmp_path)
    assert [str(e) for e in caught.value.errors] == [str(e) for e in caught.value.errors if str(e).startswith(where)]
    assert any(str(e).startswith(where + expected) for e in caught.value.errors), caught.value.errors
