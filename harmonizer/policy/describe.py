"""Views of policy blocks and what they compile to (for ``harmonizer render``).

``describe_blocks`` gives text lines; ``describe_policies`` the same as plain data (what
``DesiredState.policies`` carries and ``render`` prints as its ``policies:`` section).
Presentation only: built from the validated block models and the compiled resources, never
used by plan or apply. Values from secrets are never shown (compiled keys in
``secret_keys`` are not printed at all; a block setting the template renders from a secret
variable is redacted where it is written: ``hidden`` names those paths).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harmonizer.errors import Location
from harmonizer.policy import approval_matrix as am
from harmonizer.policy import events as ev
from harmonizer.policy.base import CompiledResource

#: Shown instead of a block setting that holds a secret value.
SECRET_SHOWN = "(sensitive value)"


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
            rows.append([name, rule.exception, spec.document, am.describe(rule), _then(rule)])
        lines += _table(rows)
    return lines


def _then(rule: am.MatrixRule) -> str:
    if rule.action == "block":
        return "block" + (f" (unless {rule.bypass_group})" if rule.bypass_group else "")
    return f"approval by {rule.approver or 'the user in ' + str(rule.approver_field)}"


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


def describe_policies(models: Mapping[str, Any], compiled: Sequence[CompiledResource],
                      locations: Mapping[str, Location] | None = None,
                      hidden: Collection[tuple[Any, ...]] = ()) -> dict[str, Any]:
    """Each block as plain data: where it is written, its settings, its rules (or events),
    and per rule (and for the block's own settings) the addresses it compiles to with their
    purpose. Matrix rules also say their document, ``when`` and ``then`` in words.
    """
    paths = frozenset(hidden)
    by_origin: dict[tuple[str, str | None], _Origin] = {}
    for resource in compiled:
        origin = by_origin.setdefault((resource.block, resource.rule), _Origin(resource.location, resource.purpose))
        origin.addresses.append(resource.address)
    out: dict[str, Any] = {}
    for key, model in models.items():
        # What the template wrote (rendered for this site), not the schema's defaults.
        data = _hide(model.model_dump(mode="json", exclude_unset=True), paths, (key,))
        entry: dict[str, Any] = {}
        if locations and key in locations:
            entry["source"] = str(locations[key])
        rules = data.pop("rules", None)
        events = data.pop("events", None)
        if data:
            entry["settings"] = data
        if (key, None) in by_origin:
            entry.update(by_origin[(key, None)].as_dict())
        if rules is not None:
            entry["rules"] = {name: _rule_entry(key, name, body, model.rules[name], by_origin)
                              for name, body in rules.items()}
        if events is not None:
            entry["events"] = {event: _event_entry(key, event, by_origin) for event in events}
        out[key] = entry
    return out


@dataclass
class _Origin:
    """The resources one rule (or a block's own settings) compiles to."""

    location: Location
    purpose: str
    addresses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"purpose": self.purpose, "compiles_to": list(self.addresses)}


def _rule_entry(key: str, name: str, body: dict[str, Any], rule: Any,
                by_origin: Mapping[tuple[str, str | None], _Origin]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    origin = by_origin.get((key, name))
    if origin is not None:
        entry["source"] = str(origin.location)
    if isinstance(rule, am.MatrixRule):
        entry.update(document=am.EXCEPTIONS[rule.exception].document, when=am.describe(rule), then=_then(rule))
    entry["rule"] = body
    entry.update(origin.as_dict() if origin is not None else {"compiles_to": []})
    return entry


def _event_entry(key: str, event: str, by_origin: Mapping[tuple[str, str | None], _Origin]) -> dict[str, Any]:
    spec = ev.CATALOGUE[event]
    origin = by_origin.get((key, event))
    return {"model": spec.model, "fires_when": spec.description,
            "payload": ["_model", "_id", "_action", *spec.fields],
            "compiles_to": list(origin.addresses) if origin is not None else []}


def _hide(value: Any, paths: frozenset[tuple[Any, ...]], path: tuple[Any, ...]) -> Any:
    if path in paths:
        return SECRET_SHOWN
    if isinstance(value, dict):
        return {k: _hide(v, paths, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_hide(v, paths, (*path, i)) for i, v in enumerate(value)]
    return value
