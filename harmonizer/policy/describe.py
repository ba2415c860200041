"""Plain-text view of policy blocks and what they compile to (for ``harmonizer render``).

Presentation only: built from the validated block models and the compiled resources, never
used by plan or apply. Values from secrets are never shown (compiled keys in
``secret_keys`` are not printed at all; only resource addresses and purposes are).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harmonizer.policy import approval_matrix as am
from harmonizer.policy.base import CompiledResource


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def _matrix_lines(matrix: am.ApprovalMatrix) -> list[str]:
    lines = ["approval matrix:"]
    if matrix.purchase is not None:
        lock = {True: ", confirmed orders locked", False: ", confirmed orders editable", None: ""}
        lines.append(f"  purchase orders: {matrix.purchase.levels} above {matrix.purchase.amount:g}"
                     f"{lock[matrix.purchase.lock_confirmed]}")
    if matrix.credit is not None:
        lines.append(f"  customer credit limits: {'enforced' if matrix.credit.enforce_limits else 'not enforced'}")
    if matrix.rules:
        rows = [["rule", "exception", "document", "when", "then"]]
        for name, rule in matrix.rules.items():
            spec = am.EXCEPTIONS[rule.exception]
            if rule.action == "block":
                then = "block" + (f" (unless {rule.bypass_group})" if rule.bypass_group else "")
            else:
                then = f"approval by {rule.approver or 'the user in ' + str(rule.approver_field)}"
            rows.append([name, rule.exception, spec.document, am.describe(rule), then])
        lines += _table(rows)
    return lines


def describe_blocks(models: Mapping[str, Any], compiled: Sequence[CompiledResource]) -> list[str]:
    """Lines showing each block (the matrix as a table) and the resources it compiles to."""
    lines: list[str] = []
    matrix = models.get("approval_matrix")
    if isinstance(matrix, am.ApprovalMatrix):
        lines += _matrix_lines(matrix)
    for key, model in models.items():
        if key == "approval_matrix":
            continue
        rules = getattr(model, "rules", None)
        events = getattr(model, "events", None)
        items = list(rules) if rules else list(events or [])
        lines.append(f"{key.replace('_', ' ')}: {', '.join(items) if items else 'settings'}")
    if compiled:
        lines.append("compiles to:")
        lines += _table([[r.address, r.purpose] for r in compiled])
    return lines
