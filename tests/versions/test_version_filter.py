"""The ``odoo_versions`` meta key: one template serving every Odoo version.

A resource (hand-written, or compiled by policy: ``harmonizer.policy.versions``) declared
for other versions is left out of the site's plan with a visible note, never created there,
and its record is never deleted because of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from versions_helpers import ENV, REPO, set_version

from harmonizer.model import Resource, parse_versions, versions_match
from harmonizer.plan.model import Action, Plan
from harmonizer.project import Harmonizer
from harmonizer.sandbox.service import SandboxServer

WEBHOOKS = ("server_action.emit_order_approved", "automation.order_approved_event",
            "server_action.event_shipment_delayed", "automation.event_shipment_delayed",
            "server_action.escalation_large_order_stalled_event")
HOLD = ("server_action.finance_invoice_hold", "automation.finance_invoice_hold",
        "automation.finance_hold_posting", "automation.event_invoice_blocked")


def _by_address(plan: Plan, site: str = "warehouse-1") -> dict[str, object]:
    return {c.address: c for s in plan.sites if s.site == site for c in s.changes}


def _ex(app: Harmonizer, version: str) -> Callable[..., object]:
    server = SandboxServer(app.sandbox_home / version, version)
    return lambda *a: server.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", *a])


@pytest.mark.parametrize(("spec", "major", "expected"), [
    (">=17.0", 16, False), (">=17.0", 17, True), ("<18.0", 18, False), ("<18", 17, True),
    (">=16.0, <18.0", 17, True), (">=16.0, <18.0", 19, False), ("17.0", 17, True), ("!=19.0", 19, False),
])
def test_versions_match(spec: str, major: int, expected: bool) -> None:
    assert versions_match(spec, major) is expected


@pytest.mark.parametrize("spec", ["17.1", "seventeen", ">= 17.0 <18.0", "=>17.0", ""])
def test_bad_spec_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="is not a version constraint"):
        parse_versions(spec)


def test_resource_without_versions_is_on_every_version() -> None:
    from harmonizer.errors import Location

    resource = Resource("system_parameter", "x", {"key": "k", "value": "v"}, Location("f.yaml", 1))
    assert all(resource.on_version(v) for v in (16, 17, 18, 19))


def test_shipped_template_declares_its_webhooks_for_17_plus(shipped_full: Path) -> None:
    desired = Harmonizer(shipped_full, env=ENV).render("warehouse-1")
    versions = {r.address: r.odoo_versions for r in desired}
    # hand-written (automation.yaml's meta key) and compiled (policy's table) alike
    assert versions["server_action.emit_order_approved"] == ">=17.0"
    assert versions["automation.shipment_dispatched_event"] == ">=17.0"
    assert versions["server_action.event_shipment_delayed"] == ">=17.0"
    assert versions["automation.event_invoice_blocked"] == "<18.0, >=17.0"
    assert versions["automation.finance_invoice_hold"] == "<18.0"
    # an escalation running an activity and a webhook stays; only its webhook is 17.0+
    assert versions["automation.escalation_large_order_stalled"] is None
    assert versions["server_action.escalation_large_order_stalled_event"] == ">=17.0"
    assert versions["automation.large_order_review"] is None
    assert "odoo_versions" not in desired.resources["server_action.emit_order_approved"].body


def test_matrix_exceptions_on_17_fields_are_17_plus(shipped_full: Path) -> None:
    desired = Harmonizer(shipped_full, env=ENV).render("warehouse-1")
    versions = {r.address: r.odoo_versions for r in desired}
    # return_id and stock.move.quantity are 17.0's; the escalation waiting on the return goes along
    for address in ("automation.approval_large_return", "server_action.approval_large_return",
                    "automation.escalation_large_return_stalled", "automation.approval_stock_writeoff"):
        assert versions[address] == ">=17.0", address
    assert versions["automation.approval_key_account_order"] is None
    assert versions["automation.escalation_key_account_order_stalled"] is None
    # "storable" is asked the way the running server knows it (18.0 dropped the 'product' type)
    code = desired.resources["server_action.approval_stock_availability"].body["code"]
    assert "'is_storable' in l.product_id._fields" in code and "l.product_id.type == 'product'" in code


def test_a_bad_meta_key_is_a_located_config_error(shipped_full: Path) -> None:
    path = shipped_full / "site_templates" / "distribution-standard" / "automation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('odoo_versions: ">=17.0"   # a webhook', 'odoo_versions: "from 17"   # a webhook',
                                 1), encoding="utf-8")
    errors = Harmonizer(shipped_full, env=ENV).validate()
    assert any("server_action.emit_order_approved: odoo_versions: 'from 17' is not a version constraint"
               in str(e) and "automation.yaml:" in str(e) for e in errors), errors


def test_16_leaves_webhooks_out_with_a_note_and_keeps_the_rest(make_project: Callable[..., Path]) -> None:
    app = Harmonizer(make_project("16.0"), env=ENV)
    plan = app.plan(["all"])
    assert not plan.failures
    changes = _by_address(plan)
    for address in WEBHOOKS:
        change = changes[address]
        assert change.action is Action.NOOP and change.record_id is None  # type: ignore[attr-defined]
        assert change.reason == "not on Odoo 16.0 (declared for >=17.0)", address  # type: ignore[attr-defined]
    # the escalation runs its activity action on 16.0, without the left-out webhook
    escalation = changes["automation.escalation_large_order_stalled"]
    actions = next(f.after for f in escalation.fields if f.key == "actions")  # type: ignore[attr-defined]
    assert [a["address"] for a in actions] == ["server_action.escalation_large_order_stalled"]
    assert all(r.ok for r in app.apply(plan))
    ex = _ex(app, "16.0")
    assert ex("ir.actions.server", "search", [[["name", "like", "[Harmonizer] Event:"]]]) == []
    assert ex("base.automation", "search", [[["name", "=", "[Harmonizer] Escalation: large_order_stalled"]]])


def test_18_leaves_the_to_check_hold_out(make_project: Callable[..., Path]) -> None:
    app = Harmonizer(make_project("18.0"), env=ENV)
    plan = app.plan(["all"])
    changes = _by_address(plan)
    for address in HOLD:
        assert changes[address].action is Action.NOOP  # type: ignore[attr-defined]
        assert changes[address].reason.startswith("not on Odoo 18.0 (declared for <18.0")  # type: ignore[attr-defined]
    assert changes["server_action.event_shipment_delayed"].action is Action.CREATE  # type: ignore[attr-defined]


def test_upgrade_keeps_the_record_of_a_resource_left_out(make_project: Callable[..., Path]) -> None:
    root = make_project("17.0")
    app = Harmonizer(root, env=ENV)
    assert all(r.ok for r in app.apply(app.plan(["all"])))
    old = SandboxServer(app.sandbox_home / "17.0", "17.0")
    from harmonizer.odoo import sandbox_link

    for name in ("harmonizer_demo", "harmonizer_east"):
        sandbox_link.unregister_sandbox(name)
        old.upgrade_database(name, "18.0", into=app.sandbox_home / "18.0")
        (app.sandbox_home / "18.0" / f"{name}.seeded").write_text("upgraded\n")
    old.close()
    set_version(root, "18.0")
    app = Harmonizer(root, env=ENV)
    plan = app.plan(["all"])
    assert not plan.failures
    hold = _by_address(plan)["automation.finance_invoice_hold"]
    assert hold.action is Action.NOOP and hold.record_id  # type: ignore[attr-defined]
    assert hold.reason == "not on Odoo 18.0 (declared for <18.0) (its record is kept)"  # type: ignore[attr-defined]
    assert not [c.address for s in plan.sites for c in s.changes if c.action is Action.DELETE]


@pytest.fixture()
def shipped_full(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "p"
    root.mkdir()
    for name in ("site_templates", "sites"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    return root
