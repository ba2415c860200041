"""The approval matrix block: thresholds by value, segment, category, warehouse and exception type.

```yaml
approval_matrix:
  purchase: {levels: two_step, amount: "{{ po_approval_amount }}", lock_confirmed: true}
  credit: {enforce_limits: true}
  rules:
    large_order:
      exception: order_value
      threshold: "{{ order_review_threshold }}"
      customer_tags: [Key account]
      action: approval
      approver_field: user_id
```

Compiles to (names ``approval_<rule>``):
- ``purchase``/``credit`` -> one ``company_settings.approval_company`` (purchase double
  validation and its amount, PO lock, customer credit limits) on the site's company.
- a ``block`` rule -> a code ``server_action`` raising ``UserError`` with a clear message,
  run by an ``on_write`` ``automation`` on the document's release transition (e.g. a sales
  order's state becoming ``sale``) when the record matches the rule. Members of
  ``bypass_group`` (an XML ID such as ``sales_team.group_sale_manager``) pass.
- an ``approval`` rule -> a ``next_activity`` ``server_action`` for the approver (a login,
  or the user in a field of the record) run by an ``on_create_or_write`` automation when
  the record *crosses* into the rule's condition: its ``filter_pre_domain`` is the
  negation of the condition, so an edit that keeps it above the threshold does not
  schedule a second activity. Its ``filter_domain`` is the condition and, first, "the
  record has no open activity of this approval" (``open_approval_guard``): the approver
  is asked once. Real 16.0 needs it: its automation for the order total runs twice for
  one create or write that moves the total above the threshold (once for the write Odoo
  makes when it recomputes the stored total while the rule's filter reads it, once for
  the create/write itself: 16.0 does not share what the first did, 17.0+ do); the second
  run then finds the first's activity. 16.0 evaluates a filter's conditions last to
  first, so the guard, read last, sees it (checked on real 16.0-19.0, Dec 2026).
  The guard is ``'!', ('activity_ids.summary', '=like', <summary>)``: with ``'='`` real
  16.0's *search* (the impact preview counts with it) pushes the ``'!'`` into the leaf,
  ``('activity_ids.summary', '!=', S)``: "some activity whose summary is not S", while
  the rule's filter reads "no activity S". ``=like`` has no opposite operator, so 16.0
  keeps the negation whole; a pattern without ``%``/``_`` is an exact, case-sensitive
  match, and 16.0-19.0 read it alike as a search and as the rule's filter.

The rule's condition is one conjunction: the exception type's own leaves, the measure
above ``threshold``, and the optional segment, category and warehouse filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from harmonizer.errors import Location
from harmonizer.kinds.refs import OdooName
from harmonizer.policy.base import (
    TODO_ACTIVITY,
    BlockBody,
    CompiledResource,
    Domain,
    PolicyContext,
    compiled_name,
    domain_text,
    join_lines,
    negate,
    odoo_name,
    py_str,
)
from harmonizer.policy.versions import STORABLE_LINE

PREFIX = "approval"
ExceptionKey = Literal["order_value", "pricing_deviation", "credit_exposure", "stock_availability",
                       "emergency_purchase",
                       "stock_writeoff", "return_above_threshold", "vendor_master_change"]


@dataclass(frozen=True)
class ExceptionType:
    """How one exception type reads on its Odoo model (all paths are stored fields of Odoo 17;
    the versions each type exists on: ``harmonizer.policy.versions.EXCEPTIONS``)."""

    model: str
    document: str
    #: Field path compared with ``threshold`` (``>``); None: the type has no threshold.
    measure: str | None
    measure_label: str
    #: Leaves that always hold for this exception (e.g. an inventory move to a loss location).
    base: tuple[Any, ...]
    #: Leaves of "still awaiting release" (approvals and escalations wait on these).
    pending: tuple[Any, ...]
    #: The release transition a block stops: (filter_pre_domain, filter_domain leaves, trigger fields).
    release: tuple[tuple[Any, ...], tuple[Any, ...], tuple[str, ...]]
    tag_path: str | None
    category_path: str | None
    warehouse_path: str | None
    #: The model has activities (mail.activity.mixin): approvals can be scheduled on it.
    activities: bool
    #: A check no domain can express (a Python condition on ``rec`` in the block's code):
    #: such an exception can only block.
    code_check: str | None = None


_SALE_PENDING = (("state", "in", ["draft", "sent"]),)
_SALE_RELEASE = (_SALE_PENDING, (("state", "=", "sale"),), ("state",))
_DONE_RELEASE = ((("state", "!=", "done"),), (("state", "=", "done"),), ("state",))
_OPEN_MOVE = (("state", "not in", ["done", "cancel"]),)

EXCEPTIONS: Mapping[str, ExceptionType] = {
    "order_value": ExceptionType(
        "sale.order", "Sales order", "amount_total", "order total", (), _SALE_PENDING, _SALE_RELEASE,
        "partner_id.category_id.name", "order_line.product_id.categ_id.complete_name", "warehouse_id.code", True),
    "pricing_deviation": ExceptionType(
        "sale.order", "Sales order", "order_line.discount", "a line discount (%)", (), _SALE_PENDING,
        _SALE_RELEASE, "partner_id.category_id.name", "order_line.product_id.categ_id.complete_name",
        "warehouse_id.code", True),
    "credit_exposure": ExceptionType(
        "sale.order", "Sales order", "partner_invoice_id.commercial_partner_id.credit",
        "the customer's open receivable", (), _SALE_PENDING, _SALE_RELEASE, "partner_id.category_id.name",
        "order_line.product_id.categ_id.complete_name", "warehouse_id.code", True),
    "stock_availability": ExceptionType(
        # A storable product line asks more than the order's warehouse has free (on hand minus
        # reserved): Odoo cannot compare two fields in a domain, so the block's code checks it.
        "sale.order", "Sales order", None, "", (), _SALE_PENDING, _SALE_RELEASE,
        "partner_id.category_id.name", "order_line.product_id.categ_id.complete_name", "warehouse_id.code", True,
        code_check=f"rec.order_line.filtered(lambda l: {STORABLE_LINE} and l.product_uom_qty > "
                   "l.product_id.with_context(warehouse=rec.warehouse_id.id).free_qty)"),
    "emergency_purchase": ExceptionType(
        # Not raised by a replenishment signal (no source document): bought outside policy.
        "purchase.order", "Purchase order", "amount_total", "order total", (("origin", "=", False),),
        (("state", "in", ["draft", "sent", "to approve"]),),
        ((("state", "in", ["draft", "sent", "to approve"]),), (("state", "=", "purchase"),), ("state",)),
        "partner_id.category_id.name", "order_line.product_id.categ_id.complete_name",
        "picking_type_id.warehouse_id.code", True),
    "stock_writeoff": ExceptionType(
        "stock.move", "Inventory adjustment", "quantity", "quantity written off",
        (("is_inventory", "=", True), ("location_dest_id.usage", "=", "inventory")), _OPEN_MOVE, _DONE_RELEASE,
        None, "product_id.categ_id.complete_name", "location_id.warehouse_id.code", False),
    "return_above_threshold": ExceptionType(
        "stock.picking", "Return", "move_ids.product_uom_qty", "a returned line's quantity",
        (("return_id", "!=", False),), _OPEN_MOVE, _DONE_RELEASE, "partner_id.category_id.name",
        "move_ids.product_id.categ_id.complete_name", "picking_type_id.warehouse_id.code", True),
    "vendor_master_change": ExceptionType(
        # A change of a vendor's identity or payment data; there is no threshold.
        "res.partner", "Vendor", None, "", (("supplier_rank", ">", 0),), (),
        ((), (), ("name", "vat", "street", "city", "zip", "country_id", "bank_ids")),
        "category_id.name", None, None, True),
}


class PurchaseApproval(BlockBody):
    levels: Literal["one_step", "two_step"] = "two_step"
    amount: float = Field(ge=0)
    lock_confirmed: bool | None = None


class CreditControl(BlockBody):
    enforce_limits: bool


class MatrixRule(BlockBody):
    exception: ExceptionKey
    action: Literal["block", "approval"]
    threshold: float | None = Field(default=None, ge=0)
    customer_tags: list[str] = Field(default_factory=list)
    product_categories: list[str] = Field(default_factory=list)
    warehouses: list[str] = Field(default_factory=list)
    approver: str | None = None
    approver_field: str | None = None
    bypass_group: str | None = Field(default=None, pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    activity_type: OdooName = TODO_ACTIVITY
    deadline_days: int = Field(default=1, ge=0)
    message: str | None = None
    active: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> MatrixRule:
        spec = EXCEPTIONS[self.exception]
        if spec.measure is None and self.threshold is not None:
            raise ValueError(f"exception {self.exception} has no threshold")
        if spec.measure is not None and self.threshold is None:
            raise ValueError(f"exception {self.exception} needs 'threshold' ({spec.measure_label})")
        if self.exception == "pricing_deviation" and self.threshold is not None and self.threshold > 100:
            raise ValueError("a pricing_deviation threshold is a discount in percent (0-100)")
        for key, path in (("customer_tags", spec.tag_path), ("product_categories", spec.category_path),
                          ("warehouses", spec.warehouse_path)):
            if getattr(self, key) and path is None:
                raise ValueError(f"'{key}' does not apply to exception {self.exception} ({spec.model})")
        if self.action == "approval":
            if (self.approver is None) == (self.approver_field is None):
                raise ValueError("an approval rule names exactly one of 'approver' (a login) or "
                                 "'approver_field' (a user field of the record)")
            if self.bypass_group:
                raise ValueError("'bypass_group' applies to block rules only")
            if not spec.activities or spec.code_check:
                why = "has no activities" if not spec.activities else "is checked by code, not a domain"
                raise ValueError(f"exception {self.exception} ({spec.model}) {why}: it supports action "
                                 "'block' only")
        elif self.approver or self.approver_field:
            raise ValueError("a block rule has no approver (use 'bypass_group' for who may pass)")
        return self


class ApprovalMatrix(BlockBody):
    purchase: PurchaseApproval | None = None
    credit: CreditControl | None = None
    rules: dict[str, MatrixRule] = Field(default_factory=dict)


def condition(rule: MatrixRule) -> Domain:
    """The rule's condition: one conjunction of leaves on the exception's model."""
    spec = EXCEPTIONS[rule.exception]
    leaves: Domain = list(spec.base)
    if spec.measure is not None:
        leaves.append((spec.measure, ">", rule.threshold))
    for values, path in ((rule.customer_tags, spec.tag_path), (rule.product_categories, spec.category_path),
                         (rule.warehouses, spec.warehouse_path)):
        if values and path:
            leaves.append((path, "in", list(values)))
    return leaves


def pending(rule: MatrixRule) -> Domain:
    """The rule's condition while the record still awaits release (what approvals wait on)."""
    return condition(rule) + list(EXCEPTIONS[rule.exception].pending)


def open_approval_guard(rule_name: str, rule: MatrixRule) -> Domain:
    """"The record has no open activity of this approval" (see the module rules: it comes
    first in the approval's filter)."""
    return ["!", ("activity_ids.summary", "=like", summary(rule_name, rule))]


def summary(rule_name: str, rule: MatrixRule) -> str:
    """The approval activity's summary: also how escalation finds a still-open approval.
    No ``%`` or ``_`` (the guard matches it with ``=like``)."""
    spec = EXCEPTIONS[rule.exception]
    return f"Approval needed: {spec.document.lower()} ({rule_name.replace('_', ' ')})"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def describe(rule: MatrixRule) -> str:
    """One sentence of what triggers the rule (for messages and ``render``)."""
    spec = EXCEPTIONS[rule.exception]
    if spec.measure:
        parts = [f"{spec.measure_label} above {_number(rule.threshold)}"]
    elif spec.code_check:
        parts = ["a product line above the warehouse's free quantity"]
    else:
        parts = ["a change of name, tax ID, address or bank accounts"]
    for label, values in (("customer tag", rule.customer_tags), ("product category", rule.product_categories),
                          ("warehouse", rule.warehouses)):
        if values:
            parts.append(f"{label} in {', '.join(values)}")
    return "; ".join(parts)


def compile_matrix(body: ApprovalMatrix, context: PolicyContext, location: Location,
                   rule_locations: Mapping[str, Location] | None = None) -> list[CompiledResource]:
    out: list[CompiledResource] = []
    settings: dict[str, Any] = {}
    if body.purchase is not None:
        settings["po_double_validation"] = body.purchase.levels
        settings["po_double_validation_amount"] = body.purchase.amount
        if body.purchase.lock_confirmed is not None:
            settings["po_lock"] = "lock" if body.purchase.lock_confirmed else "edit"
    if body.credit is not None:
        settings["account_use_credit_limit"] = body.credit.enforce_limits
    if settings:
        out.append(CompiledResource("company_settings", compiled_name(PREFIX, "company"), settings,
                                    "approval_matrix", None, location,
                                    purpose="purchase double validation and credit limits of the site's company"))
    for name, rule in body.rules.items():
        where = (rule_locations or {}).get(name, location)
        out.extend(_compile_rule(name, rule, where))
    return out


def _compile_rule(name: str, rule: MatrixRule, where: Location) -> list[CompiledResource]:
    spec = EXCEPTIONS[rule.exception]
    resource_name = compiled_name(PREFIX, name)
    if rule.action == "block":
        action = _block_action(name, rule)
        pre, post, fields = spec.release
        automation: dict[str, Any] = {
            "name": f"[Harmonizer] Approval matrix: block {name}",
            "model": spec.model, "trigger": "on_write", "trigger_fields": list(fields),
            "filter_domain": domain_text(list(post) + condition(rule)),
        }
        if pre:
            automation["filter_pre_domain"] = domain_text(list(pre))
        purpose = f"block {spec.document.lower()} release when {describe(rule)}"
    else:
        action = _approval_action(name, rule)
        wanted = pending(rule)
        automation = {
            "name": f"[Harmonizer] Approval matrix: approval {name}",
            "model": spec.model, "trigger": "on_create_or_write",
            "filter_pre_domain": domain_text(negate(wanted)),
            "filter_domain": domain_text(open_approval_guard(name, rule) + wanted),
        }
        who = rule.approver or f"the user in {rule.approver_field}"
        purpose = f"approval activity for {who} when {describe(rule)}"
    automation["actions"] = [resource_name]
    automation["active"] = rule.active
    return [
        CompiledResource("server_action", resource_name, action, "approval_matrix", name, where, purpose=purpose),
        CompiledResource("automation", resource_name, automation, "approval_matrix", name, where, purpose=purpose),
    ]


def _block_action(name: str, rule: MatrixRule) -> dict[str, Any]:
    spec = EXCEPTIONS[rule.exception]
    reason = rule.message or (f"needs approval before release: {describe(rule)} "
                              f"(approval matrix rule {name}).")
    lines = [f"# Approval matrix rule {name} ({rule.exception}): generated by harmonizer.",
             f"REASON = {py_str(reason)}",
             f"DOCUMENT = {py_str(spec.document)}"]
    indent = ""
    if rule.bypass_group:
        lines.append(f"if not env.user.has_group({py_str(rule.bypass_group)}):")
        indent = "    "
    lines.append(f"{indent}for rec in (records or record):")
    if spec.code_check:
        lines.append(f"{indent}    if {spec.code_check}:")
        indent += "    "
    lines.append(f"{indent}    raise UserError(DOCUMENT + ' ' + rec.display_name + ' ' + REASON)")
    return {"name": f"[Harmonizer] Approval matrix: block {name}", "model": spec.model, "type": "code",
            "code": join_lines(lines)}


def _approval_action(name: str, rule: MatrixRule) -> dict[str, Any]:
    spec = EXCEPTIONS[rule.exception]
    body: dict[str, Any] = {
        "name": f"[Harmonizer] Approval matrix: request approval {name}", "model": spec.model,
        "type": "next_activity", "activity_type": odoo_name(rule.activity_type),
        "activity_summary": summary(name, rule),
        "activity_note": rule.message or f"Approve before release: {describe(rule)} (approval matrix rule {name}).",
        "activity_deadline": rule.deadline_days, "activity_deadline_unit": "days",
    }
    if rule.approver:
        body.update(activity_user_type="specific", activity_user=rule.approver)
    else:
        body.update(activity_user_type="generic", activity_user_field=rule.approver_field)
    return body

