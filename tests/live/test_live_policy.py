"""Policy blocks on a real Odoo (17, 18, 19): compiled rules applied by harmonizer, proven on records.

One rule of each behaviour is compiled by ``harmonizer.policy``, written out as an ordinary
template (kinds only) in a throw-away project, planned and applied by harmonizer, then:
an order above the block threshold cannot be confirmed (UserError), an order above the
approval threshold gets the approval activity for the approver, and confirming an order
posts the ``order_approved`` event to a local HTTP receiver (Odoo posts from its own server
process, on this machine). Everything is removed afterwards (an empty template deletes
what harmonizer owns; the test's orders are cancelled and deleted).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from harmonizer.errors import OdooError
from harmonizer.model import versions_match
from harmonizer.odoo.session import OdooSession
from harmonizer.policy import CompiledResource, compile_blocks
from harmonizer.project import Harmonizer
from tests.live.conftest import site_yaml
from tests.policy.helpers import EXAMPLE, context, render, site_values

pytestmark = pytest.mark.live

BLOCK_ABOVE = 900000
APPROVAL_ABOVE = 2000
APPROVER = "demo"


class Receiver:
    """A one-endpoint HTTP server on 127.0.0.1 recording every JSON body posted to it."""

    def __init__(self) -> None:
        received: list[tuple[str, dict[str, Any]]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append((self.path, json.loads(body or b"{}")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.received = received
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def _blocks(endpoint: str) -> dict[str, Any]:
    return {
        "approval_matrix": {"rules": {
            "live_block": {"exception": "order_value", "threshold": BLOCK_ABOVE, "action": "block"},
            "live_approval": {"exception": "order_value", "threshold": APPROVAL_ABOVE, "action": "approval",
                              "approver": APPROVER},
        }},
        "business_events": {"endpoint": endpoint, "token": "live-token", "events": ["order_approved"]},
        "finance_controls": {"bill_control": "receive"},
    }


def _write_project(root: Path, live: dict[str, str], scope: dict[str, Any], endpoint: str,
                   compiled: list[CompiledResource] | None = None) -> dict[str, Any]:
    """A template holding exactly the compiled resources (as ordinary kinds), one live site."""
    if compiled is None:
        compiled = compile_blocks(_blocks(endpoint), {"site": {"name": "live", "company": scope["company"]}})
    resources: dict[str, dict[str, Any]] = {}
    for resource in compiled:
        body = dict(resource.body)
        if resource.odoo_versions:  # e.g. the invoice hold exists up to 17.0 (harmonizer.policy.versions)
            body["odoo_versions"] = resource.odoo_versions
        resources.setdefault(resource.kind, {})[resource.name] = body
    template = root / "site_templates" / "policy-live"
    template.mkdir(parents=True)
    (template / "template.yaml").write_text('name: policy-live\nversion: "1.0.0"\nvariables: {}\n')
    out = StringIO()
    YAML().dump(resources, out)
    (template / "policy.yaml").write_text(out.getvalue())
    (root / "sites").mkdir()
    (root / "sites" / "live.yaml").write_text(site_yaml(live, {"company": scope["company"]}, {}, "policy-live"))
    return {r.address: r for r in compiled}


def _owned(odoo: OdooSession) -> list[dict[str, Any]]:
    return odoo.reader().search_read("ir.model.data", [("module", "=", "__harmonizer__")], ["name", "model", "res_id"])


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


@pytest.fixture()
def applied(tmp_path: Path, live: dict[str, str], scope: dict[str, Any], odoo: OdooSession,
            receiver: Receiver) -> Iterator[dict[str, Any]]:
    if _owned(odoo):
        pytest.fail("the live database already holds __harmonizer__ records: clean it before running the suite")
    compiled = _write_project(tmp_path, live, scope, receiver.url)
    project = Harmonizer(tmp_path, env=dict(os.environ))
    orders: list[int] = []
    try:
        plan = project.plan(["live"])
        assert not plan.failures, plan.failures
        results = project.apply(plan)
        assert results[0].ok, results[0].error
        again = project.plan(["live"])
        assert not again.has_changes, [(c.address, [f.key for f in c.fields]) for c in again.sites[0].pending]
        yield {"compiled": compiled, "orders": orders}
    finally:
        _cleanup(tmp_path, odoo, orders)


def _cleanup(root: Path, odoo: OdooSession, orders: list[int]) -> None:
    """The test's orders first (their rules must not fire any more), then what harmonizer owns."""
    writer = odoo.writer()
    try:
        if orders:
            # A confirmed order's cancel opens a wizard unless the warning is disabled.
            writer.call("sale.order", "action_cancel", orders, context={"disable_cancel_warning": True})
            writer.unlink("sale.order", orders)
    finally:
        (root / "site_templates" / "policy-live" / "policy.yaml").unlink()
        cleanup = Harmonizer(root, env=dict(os.environ))
        cleanup.apply(cleanup.plan(["live"]))
        for row in _owned(odoo):
            writer.unlink(row["model"], [row["res_id"]])
        assert not _owned(odoo)


def _line(odoo: OdooSession, amount: float) -> tuple[int, int, dict[str, Any]]:
    """An untaxed order line of one service product at ``amount``."""
    product = odoo.reader().search("product.product", [("sale_ok", "=", True), ("type", "=", "service")], limit=1)[0]
    taxes = "tax_ids" if odoo.version.major >= 19 else "tax_id"  # renamed in 19.0
    return (0, 0, {"product_id": product, "product_uom_qty": 1, "price_unit": amount, taxes: [(6, 0, [])]})


def _order(odoo: OdooSession, scope: dict[str, Any], amount: float, orders: list[int]) -> int:
    reader = odoo.reader()
    partner = reader.search("res.partner", [("customer_rank", ">", 0), ("is_company", "=", True)], limit=1)[0]
    order_id = int(odoo.writer().create("sale.order", {  # type: ignore[arg-type]
        "partner_id": partner, "company_id": scope["company_id"], "order_line": [_line(odoo, amount)],
    }))
    orders.append(order_id)
    return order_id


def test_an_order_above_the_block_threshold_cannot_be_confirmed(applied: dict[str, Any], odoo: OdooSession,
                                                               scope: dict[str, Any]) -> None:
    order = _order(odoo, scope, BLOCK_ABOVE + 100, applied["orders"])
    with pytest.raises(OdooError) as caught:
        odoo.writer().call("sale.order", "action_confirm", [order])
    assert caught.value.kind == "UserError", caught.value
    assert "needs approval before release" in str(caught.value) and "live_block" in str(caught.value)
    state = odoo.reader().read("sale.order", [order], ["state"])[0]["state"]
    assert state == "draft"


def test_an_order_above_the_approval_threshold_gets_the_approvers_activity(
        applied: dict[str, Any], odoo: OdooSession, scope: dict[str, Any]) -> None:
    summary = applied["compiled"]["server_action.approval_live_approval"].body["activity_summary"]
    small = _order(odoo, scope, APPROVAL_ABOVE / 2, applied["orders"])
    large = _order(odoo, scope, APPROVAL_ABOVE * 2, applied["orders"])
    reader = odoo.reader()
    activities = reader.search_read("mail.activity", [("res_model", "=", "sale.order"),
                                                      ("res_id", "in", [small, large]), ("summary", "=", summary)],
                                    ["res_id", "user_id"])
    approver = reader.search("res.users", [("login", "=", APPROVER)])[0]
    assert [(a["res_id"], a["user_id"][0]) for a in activities] == [(large, approver)]
    # An edit that keeps the order above the threshold does not ask twice.
    odoo.writer().write("sale.order", [large], {"note": "edited"})
    assert reader.search_count("mail.activity", [("res_model", "=", "sale.order"), ("res_id", "=", large),
                                                 ("summary", "=", summary)]) == 1
    # A line that pushes an order above it asks once (real 16.0 ran the rule twice for both).
    odoo.writer().write("sale.order", [small], {"order_line": [_line(odoo, APPROVAL_ABOVE)]})
    assert reader.search_count("mail.activity", [("res_model", "=", "sale.order"), ("res_id", "=", small),
                                                 ("summary", "=", summary)]) == 1


def test_confirming_an_order_posts_the_order_approved_event(applied: dict[str, Any], odoo: OdooSession,
                                                           scope: dict[str, Any], receiver: Receiver) -> None:
    if odoo.version.major < 17:
        pytest.skip("16.0 has no webhook server actions (harmonizer.policy.versions.WEBHOOKS)")
    order = _order(odoo, scope, APPROVAL_ABOVE / 2, applied["orders"])
    odoo.writer().call("sale.order", "action_confirm", [order])
    events = [body for path, body in receiver.received if path.startswith("/order-approved")]
    assert [path for path, _ in receiver.received] == ["/order-approved?token=live-token"]
    payload = events[0]
    assert (payload["_model"], payload["_id"], payload["state"]) == ("sale.order", order, "sale")
    assert payload["company_id"] == scope["company_id"]
    assert payload["_action"].startswith("[Harmonizer] Event: order_approved")
    for key in ("name", "partner_id", "amount_total", "currency_id", "date_order"):
        assert key in payload


def test_bill_control_default_is_stored_as_odoo_stores_it(applied: dict[str, Any], odoo: OdooSession) -> None:
    reader = odoo.reader()
    got = reader.call_read("ir.default", "search_read",
                           [("field_id.model", "=", "product.template"), ("field_id.name", "=", "purchase_method")],
                           ["json_value", "company_id", "user_id"])
    assert [(row["json_value"], row["company_id"], row["user_id"]) for row in got] == [('"receive"', False, False)]
    # Asked of product.product (the default reaches it through _inherits): 18.0's product.template
    # default_get lacks @api.model, so it cannot be called over RPC there.
    assert reader.call_read("product.product", "default_get", ["purchase_method"]) == {"purchase_method": "receive"}


def test_the_whole_governance_example_is_accepted_and_converges(
        tmp_path: Path, live: dict[str, str], scope: dict[str, Any], odoo: OdooSession) -> None:
    """Every record docs/examples/governance.yaml compiles to is accepted by Odoo (domains,
    server-action code, webhook fields) and reads back as written."""
    if _owned(odoo):
        pytest.fail("the live database already holds __harmonizer__ records: clean it before running the suite")
    values, _ = site_values()
    blocks, locations, nodes = render(EXAMPLE.read_text(), values)
    compiled = compile_blocks(blocks, context("live", scope["company"]), locations, nodes)
    company_fields = ["po_double_validation", "po_double_validation_amount", "po_lock", "account_use_credit_limit"]
    company_before = odoo.reader().read("res.company", [scope["company_id"]], company_fields)[0]
    _write_project(tmp_path, live, scope, "", compiled)
    project = Harmonizer(tmp_path, env=dict(os.environ))
    try:
        plan = project.plan(["live"])
        assert not plan.failures, plan.failures
        results = project.apply(plan)
        assert results[0].ok, results[0].error
        again = project.plan(["live"])
        assert not again.has_changes, [(c.address, [f.key for f in c.fields]) for c in again.sites[0].pending]
        owned = {row["name"] for row in _owned(odoo)}
        assert {f"automation__{r.name}" for r in compiled if r.kind == "automation"
                and (r.odoo_versions is None or versions_match(r.odoo_versions, odoo.version.major))} <= owned
    finally:
        _cleanup(tmp_path, odoo, [])
        odoo.writer().write("res.company", [scope["company_id"]],
                            {k: v for k, v in company_before.items() if k != "id"})
