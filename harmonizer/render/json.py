"""The plan as versioned JSON: the machine contract (``--format json``, saved plan files).

The document is ``Plan.to_dict()`` (which carries ``format_version`` and ``kind``), so
``Plan.from_dict`` reads it back; two additions only help readers and are ignored on
the way back: a top-level ``summary`` (totals over sites) and a per-site ``status``.

Secret rule: a field marked ``secret`` never carries its value, in ``before``/``after``
(``Plan.to_dict`` replaces them) nor in ``before_text``/``after_text`` (replaced here too,
whatever a hand-built plan put there). A plan read back therefore holds ``REDACTED`` for
secrets; apply re-fills them from the environment.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from harmonizer.plan.model import REDACTED, Plan
from harmonizer.render import jsontext
from harmonizer.render.common import EMPTY_TEXTS, STATUS_CHANGES, STATUS_IN_SYNC, total_counts


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """``plan.to_dict()`` with secret texts scrubbed, a ``summary`` and per-site ``status``."""
    data = plan.to_dict()
    for site in data["sites"]:
        site["status"] = STATUS_CHANGES if any(c["action"] != "no-op" for c in site["changes"]) else STATUS_IN_SYNC
        for change in site["changes"]:
            for fc in change["fields"]:
                if fc.get("secret"):
                    _scrub(fc)
    counts = total_counts(plan)
    data["summary"] = {
        "sites": len(plan.sites) + len(plan.failures),
        "failed": len(plan.failures),
        "create": counts.create,
        "update": counts.update,
        "delete": counts.delete,
        "has_changes": plan.has_changes,
    }
    return data


def _scrub(fc: dict[str, Any]) -> None:
    for side in ("before", "after"):
        if fc[side] is not None:
            fc[side] = REDACTED
        if fc[f"{side}_text"] not in EMPTY_TEXTS:
            fc[f"{side}_text"] = REDACTED


def _jsonable(value: Any) -> Any:
    """Canonical values that JSON lacks: sets become sorted lists, enums their value."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"a plan value of type {type(value).__name__} cannot be written as JSON: {value!r}")


def plan_to_json(plan: Plan) -> str:
    """The plan as an indented JSON document (keys in the model's order)."""
    return jsontext.dumps(plan_to_dict(plan), default=_jsonable)


def plan_from_json(text: str) -> Plan:
    """Read back what ``plan_to_json`` wrote; ValueError for anything else."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a JSON plan: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON plan: the document is not an object")
    try:
        return Plan.from_dict(data)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a valid harmonizer plan: {type(exc).__name__}: {exc}") from None


def render_json(plan: Plan, *, color: bool = False, width: int | None = None) -> str:
    """Renderer interface: JSON has no colour and no width."""
    return plan_to_json(plan) + "\n"
