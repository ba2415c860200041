"""Live: the least-privilege user the README documents, created on the server by RPC. Without
Inventory / Administrator, apply refuses before its first write, naming the missing rights;
with it, Odoo grants every right the shipped template's apply needs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from harmonizer.apply.rights import missing_rights, needed_rights
from harmonizer.odoo import connect
from harmonizer.odoo.session import OdooSession
from harmonizer.odoo.settings import ConnectionSettings
from harmonizer.project import Harmonizer

pytestmark = pytest.mark.live

DOCUMENTED = ("base.group_system", "sales_team.group_sale_salesman", "purchase.group_purchase_user",
              "stock.group_stock_user")
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
    _user(odoo, "harmonizer-lp-stock", (*DOCUMENTED, "stock.group_stock_manager"))
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
    outcome = app.apply(app.plan(["live"]))[0]
    error = outcome.error or ""
    assert not outcome.ok and outcome.result is None, error
    assert "lacks access rights" in error and "nothing was written" in error
    assert all(f"{operation} {model}" in error for model, operation in lacking)
    assert odoo.reader().search_count("ir.model.data", [("module", "=", "__harmonizer__")]) == before
    assert not odoo.reader().search_read("ir.config_parameter", [("key", "=", "harmonizer.lock")], ["id"])
