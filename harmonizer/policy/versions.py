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
- ``finance_controls.invoice_hold`` and the ``invoice_blocked`` event are built on
  ``account.move.to_check`` ("To Check"), which 18.0 removed. 18.0's ``checked`` is not a
  rename: it is computed from the state (every draft is unchecked, posting checks it), so
  it cannot mark a draft bill on hold. They exist up to 17.0 only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from harmonizer.model import join_versions
from harmonizer.policy.base import CompiledResource

#: Webhook server actions (and automations running only webhooks): Odoo 17.0 and later.
WEBHOOKS = ">=17.0"
#: (block, rule) -> the versions everything that rule compiles to exists on, and why.
RULES: Mapping[tuple[str, str], tuple[str, str]] = {
    ("finance_controls", "invoice_hold"): ("<18.0", "account.move.to_check was removed in Odoo 18.0"),
    ("business_events", "invoice_blocked"): ("<18.0", "account.move.to_check was removed in Odoo 18.0"),
}


def constrain(resources: Sequence[CompiledResource]) -> list[CompiledResource]:
    """``resources`` with the ``odoo_versions`` this table gives each (same order)."""
    webhooks = {r.name for r in resources if r.kind == "server_action" and r.body.get("type") == "webhook"}
    out = []
    for resource in resources:
        spec = RULES.get((resource.block, resource.rule or ""), (None, ""))[0]
        if resource.name in webhooks and resource.kind == "server_action":
            spec = join_versions(spec, WEBHOOKS)
        actions = resource.body.get("actions") if resource.kind == "automation" else None
        if actions and all(name in webhooks for name in actions):
            spec = join_versions(spec, WEBHOOKS)
        out.append(replace(resource, odoo_versions=spec) if spec else resource)
    return out
