"""The impact preview as a user Odoo denies the count: real 17.0 refuses a domain leaf on a field
reserved to groups the user lacks (``res.partner.credit``, accounting readers only), which the
shipped template's ``credit_exposure`` approval rule names. That is the user's right, not a bad
domain: the rule is not counted (a note says why) and the plan goes on. Shown with the stand-in's
Inventory user (clerk) on 17.0, and on 18.0 where the same count is answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harmonizer.errors import Location
from harmonizer.model import DesiredState, Resource, Scope
from harmonizer.odoo import sandbox_link
from harmonizer.plan.impact import add_impacts
from harmonizer.plan.impact_options import ImpactOptions
from harmonizer.plan.model import Action, Change, FieldChange, SitePlan
from harmonizer.project import Harmonizer
from tests.versions.versions_helpers import copy_project

WHERE = Location("site_templates/t/governance.yaml", 30)
CREDIT_RULE = {"name": "Credit exposure", "model": "sale.order", "trigger": "on_write",
               "filter_domain": "[('state', '=', 'sale'), "
                                "('partner_invoice_id.commercial_partner_id.credit', '>', 25000)]"}


def _plan_and_desired(version: str) -> tuple[SitePlan, DesiredState]:
    change = Change("automation.credit", "automation", "base.automation", Action.CREATE, None, None,
                    (FieldChange("trigger", "trigger", None, "on_write", "", "on_write"),))
    plan = SitePlan("warehouse-1", "sandbox://harmonizer_demo", "harmonizer_demo", version, "t", "1", 1, None,
                    (change,))
    resource = Resource("automation", "credit", CREDIT_RULE, WHERE, {"filter_domain": WHERE})
    return plan, DesiredState("warehouse-1", "t", "1", Scope(), {"automation.credit": resource})


@pytest.fixture()
def clerk_project(tmp_path: Path) -> Iterator[Callable[[str], Harmonizer]]:
    def make(version: str) -> Harmonizer:
        root = copy_project(tmp_path / version, version)
        site = root / "sites" / "warehouse-1.yaml"
        site.write_text(site.read_text().replace("  login: admin\n", "  login: clerk\n"))
        return Harmonizer(root)

    yield make
    for name in ("harmonizer_demo", "harmonizer_east"):
        sandbox_link.unregister_sandbox(name)


@pytest.mark.parametrize("version", ["17.0", "18.0"])
def test_a_count_odoo_denies_the_user_is_not_counted_and_the_plan_goes_on(
        clerk_project: Callable[[str], Harmonizer], version: str) -> None:
    app = clerk_project(version)
    plan, desired = _plan_and_desired(version)
    with app.session("warehouse-1") as session:
        impact = add_impacts(plan, desired, session.reader(), session.version.major, ImpactOptions(),
                             uid=session.uid, now=dt.datetime(2026, 12, 6, 12)).changes[0].impact
    assert impact is not None
    if version == "18.0":
        assert (impact.after, impact.note) == (0, None)  # the stand-in keeps no receivables
        return
    assert impact.after is None and impact.before is None
    assert impact.note == ("not counted: Odoo denies this user the count (credit (allowed for groups "
                           "'Technical / Show Accounting Features - Readonly', 'Invoicing / Billing'))")
