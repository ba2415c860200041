"""The Odoo versions each compiled policy resource exists on: the one per-version table of policy.

Compiling stays pure and version-free (a template renders the same for every site of a
database); what a version cannot hold is said here, as an ``odoo_versions`` constraint on
the compiled resource (``harmonizer.model.parse_versions``). The planner leaves a resource
whose constraint the site's version does not meet out of the plan, with a note, and never
deletes its record because of it (see ``harmonizer.plan.planner``).

Rules:
- Webhook server actions need Odoo 17.0+ (16.0 has no ``webhook`` action type); an
  automation whose actions are all webhooks goes with them (it would run nothing).
  An automation that also runs other actions stays: on 16.0 it runs those only.
- Approval matrix exception types on fields a version lacks exist where the fields do, and
  so do the escalations waiting on their approvals: ``return_above_threshold`` needs
  ``stock.picking.return_id`` and ``stock_writeoff`` ``stock.move.quantity`` (both 17.0+;
  16.0 has ``quantity_done`` and no return link).
- Code the compiler generates may differ at run time instead (a server action runs on one
  server): ``STORABLE_LINE`` tests "storable" as 16.0/17.0 (``type == 'product'``) or 18.0+
  (``is_storable``; the ``product`` type is gone) say it.
- ``finance_controls.invoice_hold`` and the ``invoice_blocked`` event are built on
  ``account.move.to_check`` ("To Check"), which 18.0 removed. 18.0's ``checked`` is not a
  rename: it is computed from the state (every draft is unchecked, posting checks it), so
  it cannot mark a draft bill on hold. They exist up to 17.0 only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from harmonizer.model import join_versions
from harmonizer.policy.base import CompiledResource

#: Webhook server actions (and automations running only webhooks): Odoo 17.0 and later.
WEBHOOKS = ">=17.0"
#: (block, rule) -> the versions everything that rule compiles to exists on, and why.
RULES: Mapping[tuple[str, str], tuple[str, str]] = {
    ("finance_controls", "invoice_hold"): ("<18.0", "account.move.to_check was removed in Odoo 18.0"),
    ("business_events", "invoice_blocked"): ("<18.0", "account.move.to_check was removed in Odoo 18.0"),
}


#: Approval matrix exception type -> the versions its rules (and their escalations) exist on.
EXCEPTIONS: Mapping[str, tuple[str, str]] = {
    "return_above_threshold": (">=17.0", "stock.picking.return_id came in Odoo 17.0"),
    "stock_writeoff": (">=17.0", "stock.move.quantity came in Odoo 17.0 (16.0: quantity_done)"),
}
#: A sale order line ``l`` of a storable product, on every version (a Python expression).
STORABLE_LINE = ("(l.product_id.is_storable if 'is_storable' in l.product_id._fields "
                 "else l.product_id.type == 'product')")


def _exception(resource: CompiledResource, models: Mapping[str, Any]) -> str | None:
    """The approval matrix exception type a compiled rule stands on (escalations: their approval's)."""
    matrix = models.get("approval_matrix")
    rule_name = resource.rule or ""
    if resource.block == "escalation":
        escalation = models.get("escalation")
        rule = (escalation.rules if escalation else {}).get(rule_name)
        rule_name = getattr(rule, "approval", None) or ""
    elif resource.block != "approval_matrix":
        return None
    rule = (matrix.rules if matrix else {}).get(rule_name)
    return getattr(rule, "exception", None)


def constrain(resources: Sequence[CompiledResource], models: Mapping[str, Any] | None = None
              ) -> list[CompiledResource]:
    """``resources`` with the ``odoo_versions`` this table gives each (same order);
    ``models`` are the validated blocks (by block key) they were compiled from."""
    webhooks = {r.name for r in resources if r.kind == "server_action" and r.body.get("type") == "webhook"}
    out = []
    for resource in resources:
        spec = RULES.get((resource.block, resource.rule or ""), (None, ""))[0]
        exception = _exception(resource, models or {})
        if exception in EXCEPTIONS:
            spec = join_versions(spec, EXCEPTIONS[exception][0])
        if resource.name in webhooks and resource.kind == "server_action":
            spec = join_versions(spec, WEBHOOKS)
        actions = resource.body.get("actions") if resource.kind == "automation" else None
        if actions and all(name in webhooks for name in actions):
            spec = join_versions(spec, WEBHOOKS)
        out.append(replace(resource, odoo_versions=spec) if spec else resource)
    return out
