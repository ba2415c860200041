"""Finance controls: the default bill control policy and invoice holds on three-way-match exceptions.

```yaml
finance_controls:
  bill_control: receive            # bill received quantities (or: purchase = ordered quantities)
  invoice_hold:
    quantity_tolerance: 0          # units billed beyond what was received
    price_tolerance_percent: 2     # billed unit price vs the purchase order's
    reviewer: admin                # a login: gets a review activity on the held bill
    bypass_group: account.group_account_manager   # may post a held bill
```

Compiles to:
- ``bill_control`` -> ``default_value.finance_bill_control``: the ``ir.default`` of
  ``product.template.purchase_method`` for the whole database (what Purchase > Settings >
  "Bill control" writes), used by every product created afterwards.
- ``invoice_hold`` -> ``finance_invoice_hold`` (a code ``server_action`` and an
  ``on_create_or_write`` ``automation`` on draft vendor bills): a bill line billing more
  than was received on its purchase order line (beyond the tolerance), or at a unit price
  off the order's by more than the tolerance, puts the bill on hold: ``to_check`` is set
  (Odoo 17's "To Check"), the reasons are posted in its chatter and the reviewer gets an
  activity. The ``business_events`` event ``invoice_blocked`` fires on exactly that change.
- ``block_posting`` (default true) -> ``finance_hold_posting``: posting a held bill raises
  ``UserError`` unless the user is in ``bypass_group``; clearing "To Check" releases it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from harmonizer.errors import Location
from harmonizer.policy.base import BlockBody, CompiledResource, domain_text, join_lines, py_str

PREFIX = "finance"


class InvoiceHold(BlockBody):
    quantity_tolerance: float = Field(default=0, ge=0)
    price_tolerance_percent: float = Field(default=0, ge=0, le=100)
    reviewer: str | None = None
    block_posting: bool = True
    bypass_group: str | None = Field(default=None, pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    active: bool = True


class FinanceControls(BlockBody):
    bill_control: Literal["purchase", "receive"] | None = None
    invoice_hold: InvoiceHold | None = None


_DRAFT_BILL = [("move_type", "=", "in_invoice"), ("state", "=", "draft"), ("to_check", "=", False)]


def compile_finance(body: FinanceControls, context: Any, location: Location) -> list[CompiledResource]:
    out: list[CompiledResource] = []
    if body.bill_control is not None:
        out.append(CompiledResource(
            "default_value", f"{PREFIX}_bill_control",
            {"model": "product.template", "field": "purchase_method", "value": body.bill_control},
            "finance_controls", "bill_control", location,
            purpose=f"new products bill {'received' if body.bill_control == 'receive' else 'ordered'} quantities"))
    hold = body.invoice_hold
    if hold is not None:
        name = f"{PREFIX}_invoice_hold"
        purpose = "hold vendor bills that bill more than received or off the ordered price"
        out.append(CompiledResource("server_action", name, {
            "name": "[Harmonizer] Finance: hold bills with a three-way-match exception",
            "model": "account.move", "type": "code", "code": hold_code(hold)},
            "finance_controls", "invoice_hold", location, purpose=purpose))
        out.append(CompiledResource("automation", name, {
            "name": "[Harmonizer] Finance: three-way match on draft vendor bills", "model": "account.move",
            "trigger": "on_create_or_write", "filter_domain": domain_text(_DRAFT_BILL), "actions": [name],
            "active": hold.active}, "finance_controls", "invoice_hold", location, purpose=purpose))
        if hold.block_posting:
            block = f"{PREFIX}_hold_posting"
            why = "posting a held vendor bill is refused until 'To Check' is cleared"
            out.append(CompiledResource("server_action", block, {
                "name": "[Harmonizer] Finance: refuse posting held bills", "model": "account.move",
                "type": "code", "code": posting_code(hold)}, "finance_controls", "invoice_hold", location, purpose=why))
            out.append(CompiledResource("automation", block, {
                "name": "[Harmonizer] Finance: refuse posting held bills", "model": "account.move",
                "trigger": "on_write", "trigger_fields": ["state"],
                "filter_pre_domain": domain_text([("state", "=", "draft")]),
                "filter_domain": domain_text([("state", "=", "posted"), ("move_type", "=", "in_invoice"),
                                              ("to_check", "=", True)]),
                "actions": [block], "active": hold.active}, "finance_controls", "invoice_hold", location,
                purpose=why))
    return out


def hold_code(hold: InvoiceHold) -> str:
    """Server-action code (Odoo safe_eval: ``env``, ``records``, ``record``) putting bills on hold."""
    return join_lines([
        "# Three-way match (order, receipt, bill): generated by harmonizer's finance_controls.",
        f"QTY_TOLERANCE = {hold.quantity_tolerance!r}",
        f"PRICE_TOLERANCE = {hold.price_tolerance_percent!r}",
        f"REVIEWER = {py_str(hold.reviewer or '')}",
        "for move in (records or record):",
        "    reasons = []",
        "    for line in move.invoice_line_ids.filtered(lambda l: l.purchase_line_id):",
        "        po_line = line.purchase_line_id",
        "        if po_line.qty_invoiced > po_line.qty_received + QTY_TOLERANCE:",
        "            reasons.append('%s: billed %s, received %s' % (po_line.product_id.display_name,"
        " po_line.qty_invoiced, po_line.qty_received))",
        "        if po_line.price_unit and abs(line.price_unit - po_line.price_unit) * 100.0 >"
        " PRICE_TOLERANCE * po_line.price_unit:",
        "            reasons.append('%s: billed at %s, ordered at %s' % (po_line.product_id.display_name,"
        " line.price_unit, po_line.price_unit))",
        "    if reasons:",
        "        move.write({'to_check': True})",
        "        move.message_post(body='On hold (three-way match): ' + '; '.join(reasons))",
        "        reviewer = REVIEWER and env['res.users'].search([('login', '=', REVIEWER)], limit=1)",
        "        if reviewer:",
        "            move.activity_schedule('mail.mail_activity_data_todo', user_id=reviewer.id,"
        " summary='Bill on hold: three-way match exception', note='; '.join(reasons))",
    ])


def posting_code(hold: InvoiceHold) -> str:
    lines = ["# Refuse posting a vendor bill on hold: generated by harmonizer's finance_controls."]
    indent = ""
    if hold.bypass_group:
        lines.append(f"if not env.user.has_group({py_str(hold.bypass_group)}):")
        indent = "    "
    lines += [f"{indent}for move in (records or record):",
              f"{indent}    raise UserError('Vendor bill ' + move.display_name + ' is on hold (three-way match "
              "exception): review it and clear To Check before posting.')"]
    return join_lines(lines)
