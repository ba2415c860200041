"""Per-site overrides on a real Odoo: a second company of the same database has no vendor line for
the standard's fast mover; with ``vendor_lead_time.fast_mover_vendor`` excluded (and a courier of
its own in ``sites/second/``) both sites plan, apply and converge.

Run like the rest of the live suite (``pytest -m live``); the second company is
``HARMONIZER_LIVE_SECOND_COMPANY`` or else the first other company with a warehouse.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from harmonizer.drift import run_drift
from harmonizer.odoo.session import OdooSession
from harmonizer.project import Harmonizer

pytestmark = pytest.mark.live
REPO = Path(__file__).resolve().parents[2]

EXCLUSION = """exclude:
  - address: vendor_lead_time.fast_mover_vendor
    owner: purchasing@example.com
    reason: this company buys the fast mover elsewhere; no vendor line for it here
"""
#: A courier of the second site's own. Its price follows the regional rate: in Odoo a fixed-price
#: carrier's price is its service product's list price, shared by every carrier on that product.
LOCAL_CARRIER = """delivery_carrier:
  city_courier:
    name: "City courier ({{ site.company }})"
    delivery_type: fixed
    product: "{{ regional_service_product }}"
    fixed_price: "{{ regional_rate }}"
    countries: [US]
"""


def _owned(odoo: OdooSession) -> list[dict[str, Any]]:
    return odoo.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__")],
                                     ["name", "model", "res_id"])


def _second_scope(odoo: OdooSession, first: dict[str, Any]) -> dict[str, Any]:
    reader = odoo.reader()
    wanted = os.environ.get("HARMONIZER_LIVE_SECOND_COMPANY")
    domain: list[Any] = [("name", "=", wanted)] if wanted else [("id", "!=", first["company_id"])]
    for company in reader.search_read("res.company", domain, ["name"], order="id"):
        rows = reader.search_read("stock.warehouse", [("company_id", "=", company["id"])], ["code"], order="id",
                                  limit=1)
        if rows:
            return {"company": company["name"], "company_id": company["id"], "warehouse": rows[0]["code"]}
    pytest.skip("the live database has no second company with a warehouse")


def _site(live: dict[str, str], scope: dict[str, Any]) -> str:
    protocol = os.environ.get("HARMONIZER_LIVE_PROTOCOL")
    return ("template: distribution-standard\n"
            "odoo:\n"
            f"  url: {live['HARMONIZER_LIVE_URL']}\n"
            f"  database: {live['HARMONIZER_LIVE_DB']}\n"
            f"  login: {live['HARMONIZER_LIVE_LOGIN']}\n"
            "  password_env: HARMONIZER_LIVE_PASSWORD\n"
            + (f"  protocol: {protocol}\n" if protocol else "")
            + "scope:\n"
            f"  company: {scope['company']}\n"
            f"  warehouse: {scope['warehouse']}\n"
            "variables:\n"
            # one price for every carrier on the shared ground service product (see LOCAL_CARRIER)
            "  ground_rate: 20\n"
            "  regional_rate: 20\n")


@pytest.fixture()
def fleet(tmp_path: Path, live: dict[str, str], scope: dict[str, Any], odoo: OdooSession, bound_state: Any):
    if _owned(odoo):
        pytest.fail("the live database already holds __harmonizer__ records: clean it before running the suite")
    second = _second_scope(odoo, scope)
    root = tmp_path / "project"
    shutil.copytree(REPO / "site_templates" / "distribution-standard",
                    root / "site_templates" / "distribution-standard")
    (root / "sites" / "second").mkdir(parents=True)
    (root / "sites" / "main.yaml").write_text(_site(live, scope))
    (root / "sites" / "second.yaml").write_text(_site(live, second))
    # the conftest's BoundState: what the template changes on records it does not own, per company
    states = [bound_state, type(bound_state)(odoo, second)]
    yield root, second
    # Clean up: no template resource and no local one left, so each site deletes what it owns.
    for path in (root / "site_templates" / "distribution-standard").glob("*.yaml"):
        if path.name != "template.yaml":
            path.unlink()
    shutil.rmtree(root / "sites" / "second")
    (root / "sites" / "second.yaml").write_text(_site(live, second))
    cleanup = Harmonizer(root, env=dict(os.environ))
    cleanup.apply(cleanup.plan(["all"]))
    for state in states:
        state.restore()
    writer = odoo.writer()
    for row in _owned(odoo):  # e.g. the xmlid Odoo adds for a cron's own server action
        writer.unlink(row["model"], [row["res_id"]])
    shutil.rmtree(root, ignore_errors=True)


def test_a_second_company_without_the_vendor_line_converges_once_it_excludes_it(
        fleet: tuple[Path, dict[str, Any]], odoo: OdooSession) -> None:
    root, second = fleet
    app = Harmonizer(root, env=dict(os.environ, HARMONIZER_N8N_TOKEN="live-token-123456"))
    # As the issue found it: the standard's vendor line does not exist for the second company.
    before = app.plan(["second"])
    assert [f.error for f in before.failures] == [
        "vendor_lead_time.fast_mover_vendor: the product.supplierinfo record of this site's scope was not found "
        "(bound records are never created; site_templates/distribution-standard/replenishment.yaml:16)"]

    (root / "sites" / "second.yaml").write_text((root / "sites" / "second.yaml").read_text() + EXCLUSION)
    (root / "sites" / "second" / "carriers.yaml").write_text(LOCAL_CARRIER)
    app = Harmonizer(root, env=dict(os.environ, HARMONIZER_N8N_TOKEN="live-token-123456"))
    first = app.plan(["all"])
    assert not first.failures, first.failures
    plans = {p.site: p for p in first.sites}
    changes = {c.address: c for c in plans["second"].changes}
    assert changes["vendor_lead_time.fast_mover_vendor"].excluded
    assert changes["delivery_carrier.city_courier"].local
    assert not any(c.model == "product.supplierinfo" and c.action.value != "no-op" for c in plans["second"].changes)

    results = app.apply(first)
    assert all(r.ok for r in results), [(r.site, r.error) for r in results]
    again = app.plan(["all"])
    assert not again.failures, again.failures
    assert not again.has_changes, [(p.site, c.address, [f.key for f in c.fields])
                                   for p in again.sites for c in p.pending]

    # The courier is the second company's, and its external ID carries the site's name.
    owned = {row["name"]: row for row in _owned(odoo)}
    [name] = [n for n in owned if n.startswith("delivery_carrier__city_courier__")]
    assert name == f"delivery_carrier__city_courier__c{second['company_id']}__ssecond"
    carrier = odoo.reader().read("delivery.carrier", [owned[name]["res_id"]], ["name", "company_id"])[0]
    assert carrier["name"] == f"City courier ({second['company']})"

    report = run_drift(app, ["all"])
    assert not report.has_errors, [(s.site, s.error) for s in report.sites]
    # (the demo database's users are the access policy's business: only managed resources here)
    failing = [(s.site, r.address, r.cls.value) for s in report.sites for r in s.resources
               if r.cls.failing and r.area != "access"]
    assert failing == []
    site = next(s for s in report.sites if s.site == "second")
    assert [(r.address, r.cls.value) for r in site.overrides()] == [
        ("delivery_carrier.city_courier", "local"), ("vendor_lead_time.fast_mover_vendor", "excluded")]
    main = next(s for s in report.sites if s.site == "main")
    assert main.overrides() == []
