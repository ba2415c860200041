"""The rights preflight: before apply writes anything, the user must hold every access right
the plan's steps need, or apply refuses naming what is missing.

Rules:
- What a plan needs (``needed_rights``), per Odoo model and operation: ``create`` for a
  create (``load``), ``write`` as well when a created record gets fields written right after
  its load (x2many links), ``write`` for an update, ``unlink`` for a delete and for the
  records Odoo leaves behind that apply deletes with it (``Kind.companion_models``),
  ``write`` on ``ir.model.data`` for a ``prevent_destroy`` marker, and ``create``/``unlink``
  on ``ir.config_parameter`` for the site lock. (The audit record on the company is not
  required: when Odoo refuses it, apply warns and keeps it locally.)
- How it is checked (``missing_rights``): one ``check_access_rights(operation,
  raise_exception=False)`` per distinct (model, operation) pair of the plan, never per
  record or step; keywords only, as JSON-2 requires. This is Odoo's own verdict on 16.0
  to 19.0 (groups, implied groups, the superuser), so nothing is re-implemented here. Reading
  the ACL rows in one ``search_read`` would be fewer round trips, but ``ir.model.access`` is
  readable only with "Administration / Access Rights", which a least-privilege user does not
  have (checked on real 17.0, 18.0 and 19.0); ``has_access`` does not exist on 17.0.
- A right denied is reported, never guessed: nothing has been written when apply refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from harmonizer.errors import SiteError
from harmonizer.kinds.registry import KINDS
from harmonizer.plan.model import Action, SitePlan

#: What the site lock needs (``harmonizer.safety.lock``).
LOCK_RIGHTS = (("ir.config_parameter", "create"), ("ir.config_parameter", "unlink"))
ORDER = {"create": 0, "write": 1, "unlink": 2}


class RightsClient(Protocol):
    def call_read(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any: ...


class MissingRights(SiteError):
    """The apply user lacks access rights the plan needs: nothing was written."""

    def __init__(self, site: str, missing: list[tuple[str, str]]) -> None:
        self.missing = missing
        listed = ", ".join(f"{operation} {model}" for model, operation in missing)
        super().__init__(site, f"the Odoo user lacks access rights this plan needs: {listed}; nothing was written "
                               "(grant the groups listed in the README's least-privilege section; "
                               "`harmonizer doctor` checks them)")


class _AnyId(dict[str, int]):
    """Ids of records the apply creates, unknown before it runs: any address resolves."""

    def __missing__(self, key: str) -> int:
        return 1


def needed_rights(plan: SitePlan, major: int) -> list[tuple[str, str]]:
    """Every (model, operation) the plan's steps need, distinct, in a stable order."""
    needed: set[tuple[str, str]] = set(LOCK_RIGHTS)
    for change in plan.pending:
        kind = KINDS[change.kind]
        if change.protect is not None and change.xmlid:
            needed.add(("ir.model.data", "write"))
        if change.action is Action.CREATE:
            needed.add((change.model, "create"))
            if any(kind.field_map(f.key, major).vtype.to_load(f.after, _AnyId()) is None for f in change.fields):
                needed.add((change.model, "write"))
        elif change.action is Action.UPDATE and change.fields:
            needed.add((change.model, "write"))
        elif change.action is Action.DELETE:
            needed.add((change.model, "unlink"))
            needed.update((model, "unlink") for model in kind.companion_models)
    return sorted(needed, key=lambda pair: (pair[0], ORDER.get(pair[1], 9)))


def missing_rights(client: RightsClient, needed: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs Odoo denies (one ``check_access_rights`` each, see the module rules)."""
    return [(model, operation) for model, operation in needed
            if not client.call_read(model, "check_access_rights", operation=operation, raise_exception=False)]


def preflight(client: RightsClient, plan: SitePlan, major: int) -> None:
    """Refuse (``MissingRights``, nothing written) unless the user holds every right the plan needs."""
    missing = missing_rights(client, needed_rights(plan, major))
    if missing:
        raise MissingRights(plan.site, missing)
