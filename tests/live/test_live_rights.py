"""Live: the least-privilege user the README documents, created on the server by RPC. Without
Inventory / Administrator, apply refuses before its first write, naming the missing rights;
with it, Odoo grants every right the shipped template's apply needs, ``doctor`` reports the site
ready and the template is applied and converges as that user.

Such a user has no accounting group: real 17.0 then refuses the impact preview's count of the
credit exposure rule (a leaf on ``res.partner.credit``); the plan says so and goes on."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from test_live_template import converge_twice, template_project  # noqa: F401 (the fixture, used below)

from harmonizer.apply.rights import missing_rights, needed_rights
from harmonizer.doctor import run_doctor
from harmonizer.odoo import connect
from harmonizer.odoo.session import OdooSession
from harmonizer.odoo.settings import ConnectionSettings
from harmonizer.project import Harmonizer

pytestmark = pytest.mark.live

DOCUMENTED = ("base.group_system", "sales_team.group_sale_salesman", "purchase.group_purchase_user",
              "stock.group_stock_user")
#: The README's least-privilege section: the groups above and Inventory / Administrator.
SUFFICIENT = (*DOCUMENTED, "stock.group_stock_manager")
PASSWORD = "least-privilege-pw-7"  # a test user's password on a throwaway database


def _user(odoo: OdooSession, login: str, groups: tuple[str, ...]) -> None:
    writer = odoo.writer()
    ids = []
    for xmlid in groups:
        module, name = xmlid.split(".")
        ids.append(writer.search_read("ir.model.data", [("module", "=", module), ("name", "=", name)],
                                      ["res_id"])[0]["res_id"])
    field = "group_ids" if odoo.version.major >= 19 else "groups_id"
    company = writer.read("res.users", [odoo.uid], ["company_id", "company_ids"])[0]
    found = writer.search_read("res.users", [("login", "=", login)], ["id"])
    values = {field: [(6, 0, ids)], "company_id": company["company_id"][0],
              "company_ids": [(6, 0, company["company_ids"])]}
    if found:
        writer.write("res.users", [found[0]["id"]], values)
    else:
        writer.create("res.users", {"name": login, "login": login, "password": PASSWORD, **values})


def _session(live: dict[str, str], login: str) -> OdooSession:
    return connect(ConnectionSettings(url=live["HARMONIZER_LIVE_URL"], database=live["HARMONIZER_LIVE_DB"],
                                      login=login, secret=PASSWORD, protocol="xmlrpc"))


def test_least_privilege_user(odoo: OdooSession, live: dict[str, str], scope: dict[str, Any], write_project: Any,
                              tmp_path: Path) -> None:
    if os.environ.get("HARMONIZER_LIVE_PROTOCOL") == "json2":
        pytest.skip("the test user has a password, not an API key")
    root = write_project(tmp_path / "project", live, scope)
    plan = Harmonizer(root, env=dict(os.environ)).plan(["live"]).sites[0]
    needed = needed_rights(plan, odoo.version.major)
    _user(odoo, "harmonizer-lp-documented", DOCUMENTED)
    _user(odoo, "harmonizer-lp-stock", SUFFICIENT)
    with _session(live, "harmonizer-lp-stock") as session:
        assert missing_rights(session.reader(), needed) == []
    with _session(live, "harmonizer-lp-documented") as session:
        lacking = missing_rights(session.reader(), needed)
    if not lacking:
        pytest.skip("this database's plan needs no right beyond the documented groups (already converged)")
    site = root / "sites" / "live.yaml"
    site.write_text(site.read_text().replace(f"login: {live['HARMONIZER_LIVE_LOGIN']}",
                                             "login: harmonizer-lp-documented"))
    before = odoo.reader().search_count("ir.model.data", [("module", "=", "__harmonizer__")])
    app = Harmonizer(root, env={**os.environ, "HARMONIZER_LIVE_PASSWORD": PASSWORD})
    plan = app.plan(["live"])
    assert not plan.failures, plan.failures
    outcome = app.apply(plan)[0]
    error = outcome.error or ""
    assert not outcome.ok and outcome.result is None, error
    assert "lacks access rights" in error and "nothing was written" in error
    assert all(f"{operation} {model}" in error for model, operation in lacking)
    assert odoo.reader().search_count("ir.model.data", [("module", "=", "__harmonizer__")]) == before
    assert not odoo.reader().search_read("ir.config_parameter", [("key", "=", "harmonizer.lock")], ["id"])


def test_the_documented_groups_are_enough_to_apply_the_shipped_template(
        odoo: OdooSession, scope: dict[str, Any], template_project: Any) -> None:  # noqa: F811
    if os.environ.get("HARMONIZER_LIVE_PROTOCOL") == "json2":
        pytest.skip("the test user has a password, not an API key")
    _user(odoo, "harmonizer-lp-stock", SUFFICIENT)
    admin_app = template_project({"live": (scope, {})})
    site = admin_app.root / "sites" / "live.yaml"
    original = site.read_text()
    site.write_text(original.replace(f"login: {os.environ['HARMONIZER_LIVE_LOGIN']}", "login: harmonizer-lp-stock")
                    .replace("password_env: HARMONIZER_LIVE_PASSWORD", "password_env: HARMONIZER_LP_PASSWORD"))
    try:
        app = Harmonizer(admin_app.root, env={**admin_app.env, "HARMONIZER_LP_PASSWORD": PASSWORD})
        report = run_doctor(app, "live")
        assert report.ok, [check for check in report.checks if not check.ok]
        plan = app.plan(["live"])
        assert not plan.failures, plan.failures
        notes = {c.address: c.impact.note for c in plan.sites[0].changes if c.impact is not None and c.impact.note}
        if odoo.version.major == 17:
            assert "Odoo denies this user the count (credit" in notes["automation.approval_credit_exposure"]
        converge_twice(app, ["live"])
    finally:
        site.write_text(original)
