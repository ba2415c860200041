"""Verification after apply: does Odoo hold what was applied?

Terraform's "Provider produced inconsistent result after apply", for Odoo: at the end of a
site's apply the site is read again with the plan's own bulk reads (the cost of one plan)
and planned again; every managed field of the applied resources that would change again
does not hold what was applied. Each becomes a ``Finding``: which field, the value written
(or expected, for a resource this apply did not write but Odoo changed as a consequence), the
value Odoo holds now and, where Odoo's compute dependencies explain it, why.

Pure: the applied plan and the plan made after it in, findings out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harmonizer.coupling.analysis import Coupling
from harmonizer.coupling.depends import Dependencies
from harmonizer.errors import SiteError
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Level
from harmonizer.plan.model import REDACTED, Action, Change, SitePlan


@dataclass(frozen=True)
class Finding:
    """One field (or record) that does not hold what the apply left it with."""

    address: str
    key: str
    field: str
    written: Any
    held: Any
    written_text: str
    held_text: str
    #: Written by this apply (False: expected to hold, changed by Odoo as a consequence).
    was_written: bool
    cause: str | None = None
    secret: bool = False

    def text(self) -> str:
        verb = "wrote" if self.was_written else "expected"
        why = f" ({self.cause})" if self.cause else " (no compute dependency explains it)"
        return f"{self.address} {self.key}: {verb} {self.written_text}, Odoo holds {self.held_text}{why}"

    def to_dict(self) -> dict[str, Any]:
        hidden = self.secret
        return {
            "address": self.address, "key": self.key, "field": self.field,
            "written": REDACTED if hidden and self.written is not None else self.written,
            "held": REDACTED if hidden and self.held is not None else self.held,
            "written_text": self.written_text, "held_text": self.held_text,
            "was_written": self.was_written, "cause": self.cause, "secret": self.secret,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


class NotConverged(SiteError):
    """Every change was applied, but Odoo does not hold all of it: "applied but not converged".
    ``result`` is the apply's result, its ``unconverged`` the findings."""

    def __init__(self, site: str, result: Any) -> None:
        found: list[Finding] = list(result.unconverged)
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        super().__init__(site, f"applied but not converged: {found[0].text()}{more}")
        self.result = result


def _checked(applied: SitePlan) -> dict[str, Change]:
    """The applied plan's resources verification looks at: all of them, except database-level
    records another site of the same database carried in this run (a NOOP with that reason)."""
    out = {}
    for change in applied.changes:
        shared = (change.action is Action.NOOP and change.reason and not change.fields
                  and KINDS[change.kind].level is Level.DATABASE)
        if not shared:
            out[change.address] = change
    return out


def findings(site: str, applied: SitePlan, after: SitePlan, couplings: Iterable[Coupling] = (),
             deps: Dependencies | None = None) -> list[Finding]:
    """What ``after`` (a plan made right after applying ``applied``) would still change."""
    checked = _checked(applied)
    found = list(couplings)
    out: list[Finding] = []
    for change in after.pending:
        before = checked.get(change.address)
        if before is None:
            continue
        if change.action is Action.CREATE:
            out.append(Finding(change.address, "(record)", "id", "exists", "missing", "a record", "no record",
                               before.action is not Action.NOOP, _record_cause(change)))
            continue
        if change.action is Action.DELETE:
            out.append(Finding(change.address, "(record)", "id", "deleted", "exists", "deleted",
                               f"#{change.record_id}", True, None))
            continue
        written = {f.key: f for f in before.fields}
        for fchange in change.fields:
            if fchange.carried:
                continue
            mine = written.get(fchange.key)
            out.append(Finding(
                address=change.address, key=fchange.key, field=fchange.field, written=fchange.after,
                held=fchange.before, written_text=fchange.after_text, held_text=fchange.before_text,
                was_written=mine is not None and before.action is not Action.NOOP,
                cause=_cause(site, change, fchange.field, found, deps), secret=fchange.secret))
    return out


def _cause(site: str, change: Change, field: str, couplings: list[Coupling], deps: Dependencies | None
           ) -> str | None:
    for coupling in couplings:
        if coupling.field == field and coupling.model == change.model and coupling.involves(site, change.address):
            return coupling.cause()
        if coupling.source == field and coupling.second.site == site and coupling.second.address == change.address:
            return coupling.cause()
    fdeps = deps.of(change.model, field) if deps is not None else None
    if fdeps is not None:
        return f"Odoo computes {change.model}.{fdeps.describe()}"
    return None


def _record_cause(change: Change) -> str | None:
    return "Odoo removed the record right after the apply" if change.record_id else None
