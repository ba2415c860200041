"""What wraps every site apply: the saved-plan freshness check and the audit record.

``check_fresh`` compares a saved plan's fingerprints with a fresh plan made on the same
session, under the site lock, before anything is written. ``record_apply`` writes the audit
record of an apply that attempted something: locally first (always), then in the site's
Odoo; a failure to store it in Odoo is a warning on the result, never a failed apply (the
changes are made by then and the local line exists).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harmonizer.apply.executor import ApplyResult, StalePlan
from harmonizer.errors import HarmonizerError
from harmonizer.plan.model import SitePlan
from harmonizer.safety.audit import append_local, build_record, store_in_odoo
from harmonizer.safety.fingerprint import stale
from harmonizer.safety.lock import operator

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

MAX_NAMED = 5


def check_fresh(saved: SitePlan, fresh: SitePlan) -> None:
    """Refuse (``StalePlan``, nothing written) if what ``saved`` was made from has changed."""
    if not saved.fingerprints:
        raise StalePlan(saved.site, "the saved plan has no fingerprints (made by an older harmonizer): "
                                    "plan again with --out")
    changed = stale(saved.fingerprints, fresh.fingerprints)
    if changed:
        more = f" (and {len(changed) - MAX_NAMED} more)" if len(changed) > MAX_NAMED else ""
        raise StalePlan(saved.site, "the saved plan is stale, nothing was written: "
                                    f"{'; '.join(changed[:MAX_NAMED])}{more}. Plan again.")


def record_apply(app: Harmonizer, writer: Any, plan: SitePlan, result: ApplyResult, *, error: str | None,
                 kind: str = "apply", reverts: tuple[str, ...] = ()) -> None:
    record = build_record(plan, result, who=operator(app.env), kind=kind, error=error, reverts=list(reverts))
    text = record.to_json()  # one text for both copies
    append_local(app.state_dir, record, text)
    result.audit_id = record.id
    try:
        store_in_odoo(writer, record, text)
    except HarmonizerError as exc:
        result.warnings.append(f"site {plan.site}: the audit record {record.id} is only in "
                               f"{app.state_dir.name}/audit.log: Odoo refused it ({exc})")
