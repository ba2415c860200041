"""Protections on what a plan may do: ``--target``, and deletions needing ``--allow-delete``.

(``prevent_destroy`` is enforced where the facts are: the planner refuses to plan the
deletion of a record whose external ID carries the marker, and the executor refuses to run
one; see ``harmonizer.plan.planner`` and ``harmonizer.apply.executor``.)

Rules:
- ``limit_to_targets`` keeps a site's changes for the named addresses plus everything they
  depend on (transitively, through ``Change.depends_on``); nothing else is planned or applied.
- A target that names no resource of any planned site is an error (a typo must not plan
  nothing silently).
- Deleting needs ``--allow-delete`` whenever nobody is asked to confirm (``--auto-approve``
  or no terminal): ``deletions`` lists what a plan would delete.
"""

from __future__ import annotations

from harmonizer.errors import ConfigError
from harmonizer.plan.model import Action, Plan, SitePlan


def limit_to_targets(site_plan: SitePlan, targets: list[str]) -> SitePlan:
    by_address = {c.address: c for c in site_plan.changes}
    keep: set[str] = set()
    todo = [t for t in targets if t in by_address]
    while todo:
        address = todo.pop()
        if address in keep:
            continue
        keep.add(address)
        todo.extend(d for d in by_address[address].depends_on if d in by_address)
    return site_plan.with_changes(tuple(c for c in site_plan.changes if c.address in keep))


def check_targets_found(sites: list[SitePlan], targets: list[str]) -> None:
    found = {c.address for s in sites for c in s.changes}
    missing = [t for t in targets if t not in found]
    if missing and sites:
        raise ConfigError(f"--target {', '.join(missing)}: no such resource in the planned site(s) "
                          "(use an address like automation.large_order_review)")


def deletions(plan: Plan) -> list[str]:
    """``site: address`` of every delete in ``plan``."""
    return [f"{s.site}: {c.address}" for s in plan.sites for c in s.changes if c.action is Action.DELETE]
