"""warehouse-4 on the sandbox: a third company of harmonizer_demo without the standard's vendor line,
which excludes ``vendor_lead_time.fast_mover_vendor`` and adds a courier of its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harmonizer.config import load_project
from harmonizer.errors import ConfigErrors
from harmonizer.project import Harmonizer

SITE = "sites/warehouse-4.yaml"
EXCLUSION = """exclude:
  - address: vendor_lead_time.fast_mover_vendor
    owner: procurement@harmonia.example
    reason: Boltworks has no vendor line for TL-WR12 here yet; purchasing sets it up in Q1
    expires: 2027-03-31
"""


def _site_text(project: Path) -> str:
    return (project / SITE).read_text()


def _append(project: Path, text: str) -> int:
    """Append exclusion entries to warehouse-4's ``exclude:`` list; returns the first one's line."""
    before = _site_text(project)
    assert before.endswith("2027-03-31\n")
    (project / SITE).write_text(before + text)
    return before.count("\n") + 1


def _resources(run, site: str = "warehouse-4") -> dict[str, dict]:
    result = run("drift", f"site={site}", "--format", "json", "--no-progress")
    data = json.loads(result.output)
    return {r["address"]: r for r in data["sites"][0]["resources"]}


def test_warehouse_4_plans_and_converges_with_one_exclusion_and_one_local_carrier(run, project: Path) -> None:
    plan = run("plan", "site=warehouse-4")
    assert plan.exit_code == 0, plan.output
    assert "  + [local] delivery_carrier.vegas_courier (delivery.carrier)" in plan.output
    assert "# source: sites/warehouse-4/carriers.yaml:6" in plan.output
    assert re.search(r"vendor_lead_time\.fast_mover_vendor: excluded by sites/warehouse-4\.yaml:\d+ \(Boltworks has "
                     r"no vendor line", plan.output)
    assert "product.supplierinfo" not in plan.output
    applied = run("apply", "site=warehouse-4", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = run("plan", "site=warehouse-4", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.output

    resources = _resources(run)
    excluded = [r for r in resources.values() if r["class"] == "excluded"]
    local = [r for r in resources.values() if r["class"] == "local"]
    assert [r["address"] for r in excluded] == ["vendor_lead_time.fast_mover_vendor"]
    assert excluded[0]["exclusion"]["owner"] == "procurement@harmonia.example"
    assert excluded[0]["exclusion"]["expires"] == "2027-03-31"
    assert [(r["address"], r["source"]) for r in local] == [
        ("delivery_carrier.vegas_courier", "sites/warehouse-4/carriers.yaml:6")]
    text = run("drift", "site=warehouse-4", "--no-progress")
    assert text.exit_code == 0, text.output
    assert "local: delivery_carrier.vegas_courier: declared by this site only (sites/warehouse-4/carriers.yaml:6)" \
        in text.output
    assert "excluded: vendor_lead_time.fast_mover_vendor: excluded by procurement@harmonia.example, until " \
        "2027-03-31" in text.output

    # The local carrier's external ID names the site, so no other site of the database can take it.
    app = Harmonizer(project, env={})
    with app.session("warehouse-4") as session:
        rows = session.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__"),
                                                              ("name", "like", "vegas_courier")], ["name", "model"])
    assert [(r["name"].split("__c")[0], r["name"].endswith("__swarehouse-4"), r["model"]) for r in rows] == [
        ("delivery_carrier__vegas_courier", True, "delivery.carrier")]
    # The other sites of harmonizer_demo leave it alone.
    others = run("plan", "site=warehouse-1,warehouse-2", "--format", "json")
    assert "vegas_courier" not in others.output


def test_without_the_exclusion_the_site_cannot_be_planned(run, project: Path) -> None:
    (project / SITE).write_text(_site_text(project).replace(EXCLUSION, ""))
    result = run("plan", "site=warehouse-4")
    assert result.exit_code == 1
    assert "the product.supplierinfo record of this site's scope was not found" in result.output


def test_excluding_a_mandatory_approval_control_is_refused_by_validate(run, project: Path) -> None:
    line = _append(project, """  - address: company_settings.purchase_approval
    owner: ops@harmonia.example
    reason: approvals by phone
  - address: approval_matrix.credit_exposure
    owner: ops@harmonia.example
    reason: no credit sales here
""")
    result = run("validate")
    assert result.exit_code == 1
    assert (f"sites/warehouse-4.yaml:{line}: exclude: company_settings.purchase_approval is mandatory in template "
            "distribution-standard (site_templates/distribution-standard/approvals.yaml:3): no site may exclude it"
            ) in result.output
    with pytest.raises(ConfigErrors) as info:
        load_project(project)
    assert [str(e) for e in info.value.errors][1].startswith(
        f"sites/warehouse-4.yaml:{line + 3}: exclude: policy rule approval_matrix.credit_exposure is mandatory "
        "in template distribution-standard (site_templates/distribution-standard/governance.yaml:")
    assert "Traceback" not in result.output


def test_an_owned_record_of_an_excluded_resource_is_deleted_only_with_confirmation(run, project: Path) -> None:
    assert run("apply", "site=warehouse-4", "--auto-approve").exit_code == 0
    line = _append(project, """  - address: delivery_carrier.express
    owner: sales@harmonia.example
    reason: no express service out of Las Vegas
""")
    refused = run("plan", "site=warehouse-4")
    assert refused.exit_code == 1
    assert (f"sites/warehouse-4.yaml:{line}: exclude: delivery_carrier.express is still used by "
            "delivery_price_rule.express_light, delivery_price_rule.express_heavy: exclude them too, or keep "
            "delivery_carrier.express") in refused.output
    _append_more = """  - address: delivery_price_rule.express_light
    owner: sales@harmonia.example
    reason: no express service out of Las Vegas
  - address: delivery_price_rule.express_heavy
    owner: sales@harmonia.example
    reason: no express service out of Las Vegas
"""
    (project / SITE).write_text(_site_text(project) + _append_more)
    plan = run("plan", "site=warehouse-4")
    assert plan.exit_code == 0, plan.output
    assert "  - [excluded] delivery_carrier.express (delivery.carrier" in plan.output
    assert "Plan: 0 to create, 0 to update, 3 to delete." in plan.output
    kept = run("apply", "site=warehouse-4", "--auto-approve")
    assert kept.exit_code == 1
    assert "refusing to delete without --allow-delete" in kept.output
    resources = _resources(run)
    express = resources["delivery_carrier.express"]
    assert express["class"] == "excluded" and express["record_id"]
    assert "kept" in express["note"]
    done = run("apply", "site=warehouse-4", "--auto-approve", "--allow-delete")
    assert done.exit_code == 0, done.output
    assert run("plan", "site=warehouse-4", "--detailed-exitcode").exit_code == 0
    assert _resources(run)["delivery_carrier.express"]["record_id"] is None


def test_an_expired_exclusion_fails_the_plan_and_is_drift(run, project: Path) -> None:
    (project / SITE).write_text(_site_text(project).replace("expires: 2027-03-31", "expires: 2021-03-31"))
    plan = run("plan", "site=warehouse-4")
    assert plan.exit_code == 1
    assert re.search(r"sites/warehouse-4\.yaml:\d+: exclude: the exclusion of vendor_lead_time\.fast_mover_vendor "
                     r"expired on 2021-03-31", plan.output)
    drift = run("drift", "site=warehouse-4", "--format", "json", "--no-progress")
    assert drift.exit_code == 2
    entry = {r["address"]: r for r in json.loads(drift.output)["sites"][0]["resources"]}[
        "vendor_lead_time.fast_mover_vendor"]
    assert entry["class"] == "drift" and entry["exclusion"]["expired"] is True
    markdown = run("drift", "site=warehouse-4", "--format", "markdown", "--no-progress")
    assert "**drift**: vendor_lead_time.fast_mover_vendor: unmanaged drift (the exclusion expired on 2021-03-31" \
        in markdown.output


def test_reports_show_excluded_and_local_apart(run, project: Path) -> None:
    assert run("apply", "site=warehouse-4", "--auto-approve").exit_code == 0
    markdown = run("drift", "site=warehouse-4", "--format", "markdown", "--no-progress").output
    assert "| site | status | template | standard | sanctioned | local | excluded |" in markdown
    assert "- *excluded*: vendor_lead_time.fast_mover_vendor: excluded by procurement@harmonia.example" in markdown
    assert "- *local*: delivery_carrier.vegas_courier: declared by this site only" in markdown
    out = project / "drift.html"
    assert run("drift", "site=warehouse-4", "--format", "html", "--out", str(out), "--no-progress").exit_code == 0
    page = out.read_text()
    assert re.search(r'<td class="cell" style="background:#c5f6fa">local 1/\d+</td>', page)
    assert re.search(r'<td class="cell" style="background:#e9ecef">excluded 1/\d+</td>', page)
    sites = run("sites")
    row = next(line for line in sites.output.splitlines() if line.startswith("warehouse-4"))
    assert row.split()[-2:] == ["1", "1"]
