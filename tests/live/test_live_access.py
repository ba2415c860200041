"""The access policy against a real Odoo: two users created for the test (one holding a
conflicting pair of roles through an implied group), the finding read back, the users removed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.drift import DriftClass, run_drift
from harmonizer.odoo.session import OdooSession
from harmonizer.project import Harmonizer
from tests.live.conftest import site_yaml

pytestmark = pytest.mark.live

TEMPLATE = """\
name: access-check
version: "1.0.0"
variables:
  max_payment_releasers: {type: int, default: 50, min: 1, max: 100, overridable: true}
"""

ACCESS = """\
access_policy:
  roles:
    purchase_approver: {groups: [purchase.group_purchase_manager]}
    goods_receipt: {groups: [stock.group_stock_user]}
    payment_release: {groups: [account.group_account_manager]}
  segregation:
    purchase_approval_vs_goods_receipt: {roles: [purchase_approver, goods_receipt], severity: medium}
  sensitive:
    payment_release: {max_holders: "{{ max_payment_releasers }}"}
  required:
    purchase_approver: {approvers: [hz_live_buyer]}
"""

LOGINS = ("hz_live_buyer", "hz_live_conflict")


def _xmlid(odoo: OdooSession, xmlid: str) -> int:
    module, _, name = xmlid.partition(".")
    [row] = odoo.reader().search_read("ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"])
    return int(row["res_id"])


@pytest.fixture()
def people(odoo: OdooSession, scope: dict[str, Any]) -> Iterator[dict[str, int]]:
    writer = odoo.writer()
    field = "group_ids" if odoo.version.major >= 19 else "groups_id"
    stale = writer.search_read("res.users", [("login", "in", list(LOGINS))], ["id"], context={"active_test": False})
    if stale:
        writer.unlink("res.users", [r["id"] for r in stale])
    company = scope["company_id"]
    common = {"company_id": company, "company_ids": [(6, 0, [company])]}
    buyer = writer.create("res.users", {"name": "HZ Live Buyer", "login": LOGINS[0], **common,
                                        field: [(4, _xmlid(odoo, "purchase.group_purchase_user"))]})
    # Inventory / Administrator implies Inventory / User: the conflict comes through Odoo's implied groups.
    conflict = writer.create("res.users", {"name": "HZ Live Conflict", "login": LOGINS[1], **common,
                                           field: [(4, _xmlid(odoo, "purchase.group_purchase_manager")),
                                                   (4, _xmlid(odoo, "stock.group_stock_manager"))]})
    try:
        yield {"buyer": int(buyer), "conflict": int(conflict)}
    finally:
        ids = [r["id"] for r in writer.search_read("res.users", [("login", "in", list(LOGINS))], ["id"],
                                                   context={"active_test": False})]
        if ids:
            writer.unlink("res.users", ids)
        assert not odoo.reader().search_read("res.users", [("login", "in", list(LOGINS))], ["id"],
                                             context={"active_test": False}), "test users were left behind"


def _project(root: Path, live: dict[str, str], scope: dict[str, Any]) -> Path:
    folder = root / "site_templates" / "access-check"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(TEMPLATE)
    (folder / "access.yaml").write_text(ACCESS)
    (root / "sites").mkdir()
    (root / "sites" / "live.yaml").write_text(site_yaml(live, {"company": scope["company"]}, {}, "access-check"))
    return root


def test_a_conflicting_user_is_found_and_an_approver_without_the_role_named(
        tmp_path: Path, live: dict[str, str], scope: dict[str, Any], people: dict[str, int]) -> None:
    app = Harmonizer(_project(tmp_path, live, scope), env=dict(live))
    [site] = app.plan(["live"]).sites
    assert not site.has_changes
    mine = {(f.kind, f.users[0][0] if f.users else "") for f in site.access if f.users and
            f.users[0][0] in LOGINS}
    assert ("conflict", "hz_live_conflict") in mine
    assert ("approver_without_role", "hz_live_buyer") in mine
    # the buyer holds no conflicting pair; the implied Inventory / User made the conflict
    assert ("conflict", "hz_live_buyer") not in mine
    report = run_drift(app, ["live"], today=dt.date.today())
    [checked] = report.sites
    found = {r.address: r.cls for r in checked.resources if r.area == "access"}
    assert found["access_policy.purchase_approval_vs_goods_receipt@hz_live_conflict"] is DriftClass.DRIFT
    assert report.exit_code == 2


def test_archived_users_never_count(tmp_path: Path, live: dict[str, str], scope: dict[str, Any],
                                    odoo: OdooSession, people: dict[str, int]) -> None:
    odoo.writer().write("res.users", [people["conflict"]], {"active": False})
    app = Harmonizer(_project(tmp_path, live, scope), env=dict(live))
    [site] = app.plan(["live"]).sites
    assert not [f for f in site.access if ("hz_live_conflict", "HZ Live Conflict") in f.users]
