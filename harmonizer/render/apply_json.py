"""An apply's result as versioned JSON (``harmonizer apply --format json``).

Per site: ``ok``, ``converged`` (verification after apply found nothing), the one-line
``error``, the audit record id, every outcome and every ``unconverged`` finding (field,
value written, value Odoo holds, cause; secret values redacted, see ``Finding.to_dict``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from harmonizer.render.text import SiteApplyLike

FORMAT_VERSION = 1


def apply_to_dict(applies: Sequence[SiteApplyLike]) -> dict[str, Any]:
    sites = []
    for item in applies:
        result = item.result
        sites.append({
            "site": item.site,
            "ok": item.error is None and result is not None and result.ok,
            "converged": result is not None and result.converged,
            "error": item.error,
            "audit_id": result.audit_id if result is not None else None,
            "outcomes": [{"address": o.address, "action": o.action.value, "status": o.status,
                          "record_id": o.record_id, "error": o.error} for o in (result.outcomes if result else [])],
            "unconverged": [f.to_dict() for f in (result.unconverged if result else [])],
            "warnings": list(result.warnings) if result is not None else [],
        })
    return {"format_version": FORMAT_VERSION, "kind": "harmonizer-apply", "sites": sites,
            "ok": all(s["ok"] for s in sites)}


def render_apply_json(applies: Sequence[SiteApplyLike]) -> str:
    return json.dumps(apply_to_dict(applies), indent=2, default=str) + "\n"
