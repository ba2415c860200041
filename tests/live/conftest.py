"""The opt-in live suite: the same end-to-end scenarios against a real Odoo.

Run with ``pytest -m live`` and these environment variables:
HARMONIZER_LIVE_URL (e.g. http://127.0.0.1:8069), HARMONIZER_LIVE_DB, HARMONIZER_LIVE_LOGIN,
HARMONIZER_LIVE_PASSWORD; optionally HARMONIZER_LIVE_COMPANY (default: the user's company),
HARMONIZER_LIVE_WAREHOUSE (default: that company's first warehouse) and
HARMONIZER_LIVE_PROTOCOL (xmlrpc, jsonrpc or, on 19, json2 with an API key as the password) and,
on 19, HARMONIZER_LIVE_API_KEY (an API key of the login: the template is then also applied over
JSON-2 and planned over XML-RPC, and the other way round). The suite wants a fresh database
(demo data, the modules of ../shared/odoo-reference); it cleans up anyway. Nothing else in the test suite talks to a
real Odoo. Every record the suite creates is removed at the end, and the company
settings it changes are restored; so are the audit messages (``mail.message``, subject
``harmonizer-apply <id>``) each apply posts on the company.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.odoo.session import OdooSession, connect
from harmonizer.odoo.settings import ConnectionSettings

REPO = Path(__file__).resolve().parents[2]
ENV = ("HARMONIZER_LIVE_URL", "HARMONIZER_LIVE_DB", "HARMONIZER_LIVE_LOGIN", "HARMONIZER_LIVE_PASSWORD")


def live_env() -> dict[str, str]:
    missing = [name for name in ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(f"live suite needs {', '.join(missing)}")
    return {name: os.environ[name] for name in ENV}


@pytest.fixture(scope="session")
def live() -> dict[str, str]:
    return live_env()


@pytest.fixture(scope="session")
def odoo(live: dict[str, str]) -> Iterator[OdooSession]:
    settings = ConnectionSettings(url=live["HARMONIZER_LIVE_URL"], database=live["HARMONIZER_LIVE_DB"],
                                  login=live["HARMONIZER_LIVE_LOGIN"], secret=live["HARMONIZER_LIVE_PASSWORD"],
                                  protocol=os.environ.get("HARMONIZER_LIVE_PROTOCOL") or None)  # type: ignore[arg-type]
    session = connect(settings)
    yield session
    session.close()


@pytest.fixture(scope="session")
def scope(odoo: OdooSession) -> dict[str, Any]:
    reader = odoo.reader()
    company = os.environ.get("HARMONIZER_LIVE_COMPANY")
    if not company:
        user = reader.read("res.users", [odoo.uid], ["company_id"])[0]
        company = user["company_id"][1]
    company_row = reader.search_read("res.company", [("name", "=", company)], ["name"])[0]
    warehouse = os.environ.get("HARMONIZER_LIVE_WAREHOUSE")
    if not warehouse:
        rows = reader.search_read("stock.warehouse", [("company_id", "=", company_row["id"])], ["code"],
                                  order="id", limit=1)
        warehouse = rows[0]["code"]
    return {"company": company, "company_id": company_row["id"], "warehouse": warehouse}


@pytest.fixture(scope="session")
def other_scope(odoo: OdooSession, scope: dict[str, Any]) -> dict[str, Any]:
    """A second company of the login user with a warehouse of its own (Odoo's demo data has one:
    "My Company (Chicago)" and its warehouse). Without one, the suite creates it (a company gets
    its warehouse from stock on creation) and leaves it: the live suite wants a fresh database."""
    reader = odoo.reader()
    allowed = reader.read("res.users", [odoo.uid], ["company_ids"])[0]["company_ids"]
    rows = reader.search_read("stock.warehouse", [("company_id", "in", allowed),
                                                  ("company_id", "!=", scope["company_id"])],
                              ["code", "company_id"], order="company_id, id")
    if not rows:
        writer = odoo.writer()
        company = int(writer.create("res.company", {"name": "Harmonizer Live Second"}))  # type: ignore[arg-type]
        writer.write("res.users", [odoo.uid], {"company_ids": [(4, company)]})
        rows = reader.search_read("stock.warehouse", [("company_id", "=", company)], ["code", "company_id"])
    first = rows[0]
    return {"company": first["company_id"][1], "company_id": first["company_id"][0], "warehouse": first["code"]}


@pytest.fixture(scope="session")
def write_project() -> Any:
    return _write_project


def _write_project(root: Path, live: dict[str, str], scope: dict[str, Any], *, template: Path | None = None,
                   sites: dict[str, tuple[dict[str, Any], dict[str, Any]]] | None = None) -> Path:
    """A project with the shipped template and sites pointing at the live server: by default one
    site ``live`` on ``scope``; ``sites`` maps site names to (scope, variables) instead."""
    shutil.copytree(template or REPO / "site_templates" / "distribution-standard",
                    root / "site_templates" / "distribution-standard")
    (root / "sites").mkdir()
    for name, (site_scope, variables) in (sites or {"live": (scope, {"po_approval_amount": 6500})}).items():
        (root / "sites" / f"{name}.yaml").write_text(site_yaml(live, site_scope, variables))
    return root


def site_yaml(live: dict[str, str], scope: dict[str, Any], variables: dict[str, Any],
              template: str = "distribution-standard", *, protocol: str | None = None,
              password_env: str = "HARMONIZER_LIVE_PASSWORD") -> str:
    """A site file on the live server (its protocol ``protocol`` or HARMONIZER_LIVE_PROTOCOL, if set)."""
    protocol = protocol or os.environ.get("HARMONIZER_LIVE_PROTOCOL")
    lines = [f"template: {template}", "odoo:", f"  url: {live['HARMONIZER_LIVE_URL']}",
             f"  database: {live['HARMONIZER_LIVE_DB']}", f"  login: {live['HARMONIZER_LIVE_LOGIN']}",
             f"  password_env: {password_env}"]
    if protocol:
        lines.append(f"  protocol: {protocol}")
    lines += ["scope:", f"  company: {json.dumps(scope['company'])}"]
    if scope.get("warehouse"):
        lines.append(f"  warehouse: {json.dumps(scope['warehouse'])}")
    if variables:
        lines.append("variables:")
        lines += [f"  {name}: {json.dumps(value)}" for name, value in variables.items()]
    return "\n".join(lines) + "\n"


class BoundState:
    """What the shipped template changes on records harmonizer does not own (bound records),
    read before a test and written back after it, so the live database ends as it began."""

    COMPANY = ("po_double_validation", "po_double_validation_amount", "po_lock", "po_lead", "security_lead",
               "account_use_credit_limit")
    WAREHOUSE = ("reception_steps", "delivery_steps", "buy_to_resupply")
    TYPES = ("create_backorder", "reservation_method", "use_create_lots", "use_existing_lots")

    def __init__(self, odoo: OdooSession, scope: dict[str, Any]) -> None:
        reader = odoo.reader()
        self.odoo = odoo
        # Only the fields this Odoo has (19.0 has no res.company po_lead).
        self.company_fields = [f for f in self.COMPANY if f in reader.fields_get("res.company", attributes=["type"])]
        self.company = reader.read("res.company", [scope["company_id"]], self.company_fields)[0]
        [self.warehouse] = reader.search_read("stock.warehouse", [("code", "=", scope["warehouse"]),
                                                                  ("company_id", "=", scope["company_id"])],
                                              list(self.WAREHOUSE))
        self.types = reader.search_read("stock.picking.type", [("warehouse_id", "=", self.warehouse["id"])],
                                        list(self.TYPES), context={"active_test": False})
        self.vendor_lines = reader.search_read("product.supplierinfo", [], ["delay"])
        self.prefixes = {r["id"] for r in reader.search_read("delivery.zip.prefix", [], ["id"])}

    def restore(self) -> None:
        writer = self.odoo.writer()
        writer.write("res.company", [self.company["id"]], {k: self.company[k] for k in self.company_fields})
        writer.write("stock.warehouse", [self.warehouse["id"]], {k: self.warehouse[k] for k in self.WAREHOUSE})
        for row in self.types:
            writer.write("stock.picking.type", [row["id"]], {k: row[k] for k in self.TYPES})
        for row in self.vendor_lines:
            writer.write("product.supplierinfo", [row["id"]], {"delay": row["delay"]})
        extra = sorted({r["id"] for r in writer.search_read("delivery.zip.prefix", [], ["id"])} - self.prefixes)
        if extra:
            writer.unlink("delivery.zip.prefix", extra)
        after = self.odoo.reader().read("res.company", [self.company["id"]], self.company_fields)[0]
        assert after == self.company, "company settings were not restored"


@pytest.fixture()
def bound_state(odoo: OdooSession, scope: dict[str, Any]) -> BoundState:
    return BoundState(odoo, scope)


#: Subject pattern of the audit messages harmonizer's apply posts on the company (=like).
AUDIT_SUBJECTS = "harmonizer-apply %"


def _audit_ids(odoo: OdooSession) -> set[int]:
    rows = odoo.reader().search_read("mail.message", [("model", "=", "res.company"),
                                                      ("subject", "=like", AUDIT_SUBJECTS)], ["id"])
    return {row["id"] for row in rows}


@pytest.fixture(autouse=True)
def remove_audit_messages(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unlink the audit messages a test's applies post (those present before it are kept)."""
    if request.node.get_closest_marker("live") is None:
        yield
        return
    odoo = request.getfixturevalue("odoo")
    before = _audit_ids(odoo)
    yield
    added = sorted(_audit_ids(odoo) - before)
    if added:
        odoo.writer().unlink("mail.message", added)
    assert not _audit_ids(odoo) - before, "audit messages of this test were left behind"
