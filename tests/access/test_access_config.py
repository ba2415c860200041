"""The access_policy block and access_exceptions in project files: errors at their line,
``enforce: required_roles`` adding only the named approvers, every Odoo version's group field."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from harmonizer.errors import ConfigErrors
from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

REPO = Path(__file__).resolve().parents[2]
ENV = {"HARMONIZER_N8N_TOKEN": "access-test-token"}
ACCESS = "site_templates/distribution-standard/access.yaml"


def _copy(root: Path, version: str | None = None) -> Path:
    root.mkdir(parents=True)
    for name in ("sites", "site_templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    if version:
        for path in (root / "sites").glob("*.yaml"):
            path.write_text(re.sub(r"(?m)^(odoo:\n)", rf'\1  odoo_version: "{version}"\n', path.read_text(), count=1))
    return root


def _errors(root: Path) -> list[str]:
    try:
        return [str(e) for e in Harmonizer(root, env=ENV).validate()]
    except ConfigErrors as exc:
        return [str(e) for e in exc.errors]


def test_an_exception_naming_an_unknown_rule_is_refused_at_its_line(tmp_path: Path) -> None:
    root = _copy(tmp_path / "p")
    site = root / "sites" / "warehouse-3.yaml"
    site.write_text(site.read_text().replace("  - rule: vendor_master_vs_payment_release",
                                             "  - rule: vendor_master_vs_payment"))
    line = site.read_text().splitlines().index("  - rule: vendor_master_vs_payment") + 1
    [error] = _errors(root)
    assert error.startswith(f"sites/warehouse-3.yaml:{line}: access_exceptions: unknown access rule "
                            "'vendor_master_vs_payment'")


def test_a_segregation_rule_naming_an_unknown_role_is_refused_at_its_line(tmp_path: Path) -> None:
    root = _copy(tmp_path / "p")
    path = root / ACCESS
    path.write_text(path.read_text().replace("roles: [vendor_master, payment_release]",
                                             "roles: [vendor_master, payments]"))
    errors = _errors(root)
    assert errors and all(e.startswith(ACCESS + ":") for e in errors)
    assert "unknown role 'payments'" in errors[0]


def test_a_group_that_is_not_an_external_id_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path / "p")
    path = root / ACCESS
    path.write_text(path.read_text().replace("groups: [stock.group_stock_user]", "groups: [Inventory / User]"))
    errors = _errors(root)
    assert errors and "is not an external ID" in errors[0] and errors[0].startswith(ACCESS + ":")


def _enforce(root: Path) -> None:
    path = root / ACCESS
    text = path.read_text().replace(
        "      groups: [account.group_account_manager]\n  segregation:",
        "      groups: [account.group_account_manager]\n      enforce: required_roles\n  segregation:")
    path.write_text(text)


def test_enforce_adds_only_the_named_approvers_and_converges(tmp_path: Path) -> None:
    root = _copy(tmp_path / "p")
    _enforce(root)
    for name in ("warehouse-1", "warehouse-2"):  # one database: both sites name the same reviewer
        site = root / "sites" / f"{name}.yaml"
        site.write_text(site.read_text().replace("finance_approver: west.accountant", "finance_approver: west.buyer"))
    app = Harmonizer(root, env=ENV)
    [site_plan] = app.plan(["warehouse-1"]).sites
    [change] = [c for c in site_plan.pending if c.kind == "user_groups"]
    assert change.address == "user_groups.access_finance_approver_west_buyer" and change.action is Action.UPDATE
    assert change.fields[0].after_text == "in account.group_account_manager"
    assert any(f.kind == "approver_without_role" and "enforced: the plan adds it" in f.message
               for f in site_plan.access)
    before = _groups(app)
    result = app.apply_site(site_plan)
    assert result.ok, result
    after = _groups(app)
    assert {login for login in before if before[login] != after[login]} == {"west.buyer"}
    assert {"account.group_account_manager", "account.group_account_invoice"} <= after["west.buyer"]
    assert before["west.buyer"] <= after["west.buyer"]  # nothing removed
    [again] = app.plan(["warehouse-1"]).sites
    assert not [c for c in again.pending if c.kind == "user_groups"]
    assert not any(f.rule == "required.finance_approver" and f.status == "drift" for f in again.access)


def _groups(app: Harmonizer) -> dict[str, set[str]]:
    with app.session("warehouse-1") as session:
        reader = session.reader()
        names = {r["res_id"]: f"{r['module']}.{r['name']}"
                 for r in reader.search_read("ir.model.data", [("model", "=", "res.groups")],
                                             ["module", "name", "res_id"])}
        rows = reader.search_read("res.users", [("share", "=", False)], ["login", "groups_id"])
    return {r["login"]: {names.get(g, str(g)) for g in r["groups_id"]} for r in rows}


@pytest.mark.parametrize("version", ["16.0", "17.0", "18.0", "19.0"])
def test_every_version_reports_the_same_seeded_findings(tmp_path: Path, version: str) -> None:
    app = Harmonizer(_copy(tmp_path / "p", version), env=ENV)
    [site] = app.plan(["warehouse-3"]).sites
    found = sorted((f.rule, f.users[0][0], f.status) for f in site.access)
    assert found == [("purchase_approval_vs_goods_receipt", "admin", "sanctioned"),
                     ("purchase_approval_vs_goods_receipt", "east.manager", "drift"),
                     ("vendor_master_vs_payment_release", "admin", "sanctioned")]
    assert dt.date.today() <= dt.date(2027, 6, 30), "the sandbox's exceptions expire: renew them in sites/"
