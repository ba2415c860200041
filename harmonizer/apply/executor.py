"""The executor: applies exactly the changes of a ``SitePlan``, in plan order.

Rules it keeps (Odoo has no transaction across RPC calls):
- Before any write, the records the plan touches are read again; if one changed since
  the plan was made, nothing is written (``StalePlan``).
- Owned records are created with Odoo's ``load``, which creates the record and its
  external ID in one transaction and, for an existing external ID, updates instead. A
  rerun after any interruption therefore never duplicates a record, and no create is
  ever retried blindly. x2many links are written right after, as their own step.
- Updates are plain ``write`` calls of the changed fields (idempotent); deletes are
  ``unlink`` calls (Odoo drops the external ID with the record).
- A change's ``protect`` sets the ``prevent_destroy`` marker (``noupdate``) of its external
  ID right after the change; a delete of a record whose external ID carries the marker is
  refused at verification, whatever the plan file says.
- The first failure stops the run: the result says what was applied, what failed and
  why, and what was not attempted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from harmonizer.errors import HarmonizerError, OdooBusy, SiteError, TransportError
from harmonizer.kinds.base import Kind
from harmonizer.kinds.registry import KINDS
from harmonizer.plan.live import MODULE, NO_ARCHIVE_FILTER
from harmonizer.plan.model import REDACTED, Action, Change, SitePlan
from harmonizer.plan.resolve import Resolver


class WriteClient(Protocol):
    def search_read(self, model: str, domain: list[Any], fields: list[str],
                    context: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Outcome:
    address: str
    action: Action
    status: str  # "applied" | "failed" | "not attempted"
    record_id: int | None = None
    error: str | None = None


@dataclass
class ApplyResult:
    site: str
    outcomes: list[Outcome] = field(default_factory=list)
    #: The audit record of this apply (``harmonizer.safety.audit``), once written.
    audit_id: str | None = None
    #: Things the operator should know that did not fail the apply (one line each).
    warnings: list[str] = field(default_factory=list)
    #: Verification after apply (``harmonizer.coupling.verify.Finding``): managed fields that
    #: do not hold what was applied, read back right after the apply. Empty: converged.
    unconverged: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.status == "applied" for o in self.outcomes) and not self.unconverged

    @property
    def converged(self) -> bool:
        return not self.unconverged

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


class StalePlan(SiteError):
    """The live records changed since the plan was made: nothing was written."""


class ApplyFailed(SiteError):
    def __init__(self, site: str, message: str, result: ApplyResult, address: str | None = None) -> None:
        super().__init__(site, message, address)
        self.result = result


#: How an outcome refused as busy starts (renderers say "retry later", not "fix the error").
BUSY = "busy, retry later"


class SiteBusy(ApplyFailed):
    """Odoo kept refusing a write as busy (a scheduled action running): nothing is wrong with
    the plan or the site; the same apply succeeds a few minutes later."""


Progress = Callable[[str, Change], None]



class Executor:
    def __init__(self, plan: SitePlan, client: WriteClient, major: int,
                 progress: Progress | None = None) -> None:
        self.plan = plan
        self.client = client
        self.major = major
        self.progress = progress or (lambda _event, _change: None)
        self.ids: dict[str, int] = {}
        self.result = ApplyResult(plan.site)

    # -- verification -----------------------------------------------------------------------

    def verify(self) -> None:
        """Refuse (writing nothing) if a record the plan touches changed since it was read."""
        stale: list[str] = []
        by_model: dict[str, list[Change]] = {}
        for change in self.plan.pending:
            if change.action in (Action.UPDATE, Action.DELETE):
                by_model.setdefault(change.model, []).append(change)
        for model, changes in sorted(by_model.items()):
            fields = sorted({f.field for c in changes for f in c.fields} | {"id"})
            ids = sorted({c.record_id for c in changes if c.record_id is not None})
            rows = {r["id"]: r for r in self.client.search_read(model, [("id", "in", ids)], fields,
                                                                context=NO_ARCHIVE_FILTER)}
            for change in changes:
                stale.extend(self._stale_fields(change, rows.get(change.record_id or 0)))
        creates = [c for c in self.plan.pending if c.action is Action.CREATE and c.xmlid]
        if creates:
            names = [c.xmlid.split(".", 1)[1] for c in creates if c.xmlid]
            found = self.client.search_read("ir.model.data", [("module", "=", MODULE), ("name", "in", names)],
                                            ["name", "model", "res_id"])
            for row in found:
                if self.client.search_read(row["model"], [("id", "=", row["res_id"])], ["id"],
                                           context=NO_ARCHIVE_FILTER):
                    stale.append(f"{MODULE}.{row['name']} was created since the plan")
        protected = self._protected_deletes()
        if protected:
            raise SiteError(self.plan.site, f"refusing to delete {', '.join(protected)}: protected by "
                                            "prevent_destroy; nothing was written")
        if stale:
            more = f" (and {len(stale) - 3} more)" if len(stale) > 3 else ""
            raise StalePlan(self.plan.site, "the live state changed since the plan was made, nothing was "
                                            f"written: {'; '.join(stale[:3])}{more}. Plan again.")

    def _protected_deletes(self) -> list[str]:
        names = [c.xmlid.split(".", 1)[1] for c in self.plan.pending if c.action is Action.DELETE and c.xmlid]
        if not names:
            return []
        rows = self.client.search_read("ir.model.data", [("module", "=", MODULE), ("name", "in", names),
                                                         ("noupdate", "=", True)], ["name"])
        return [f"{MODULE}.{row['name']}" for row in rows]

    def _mark(self, change: Change) -> None:
        """Set the ``prevent_destroy`` marker of the change's external ID (``noupdate``)."""
        if change.protect is None or not change.xmlid:
            return
        name = change.xmlid.split(".", 1)[1]
        rows = self.client.search_read("ir.model.data", [("module", "=", MODULE), ("name", "=", name)], ["id"])
        if rows:
            self.client.call("ir.model.data", "write", [r["id"] for r in rows], {"noupdate": change.protect})

    def _stale_fields(self, change: Change, row: dict[str, Any] | None) -> list[str]:
        if row is None:
            return [f"{change.address} (#{change.record_id}) no longer exists"]
        if change.action is Action.DELETE:
            return []
        kind, out = KINDS[change.kind], []
        for fchange in change.fields:
            if fchange.secret and fchange.before == REDACTED:
                continue  # a saved plan keeps no secret, not even the old one: nothing to compare
            vtype = kind.field_map(fchange.key, self.major).vtype
            live = vtype.live(row.get(fchange.field), Resolver())
            if not vtype.same(live, fchange.before):
                out.append(f"{change.address} {fchange.key}")
        return out

    # -- execution --------------------------------------------------------------------------

    def steps(self) -> list[list[Change]]:
        """Plan order, with runs of same-kind creates (or deletes) that do not depend on each
        other merged into one batch: one ``load`` or one ``unlink`` call each."""
        out: list[list[Change]] = []
        for change in self.plan.pending:
            last = out[-1] if out else None
            if (last and change.action in (Action.CREATE, Action.DELETE) and last[0].action is change.action
                    and last[0].kind == change.kind and _columns(last[0]) == _columns(change)
                    and not set(change.depends_on) & {c.address for c in last}):
                last.append(change)
            else:
                out.append([change])
        return out

    def run(self) -> ApplyResult:
        self.verify()
        steps = self.steps()
        for index, step in enumerate(steps):
            for change in step:
                self.progress("start", change)
            try:
                ids = self._apply(step)
                for change in step:
                    self._mark(change)
            except HarmonizerError as exc:
                self._fail(steps, index, exc)
            for change, record_id in zip(step, ids, strict=True):
                self.result.outcomes.append(Outcome(change.address, change.action, "applied", record_id))
                self.progress("done", change)
        return self.result

    def _fail(self, steps: list[list[Change]], index: int, exc: HarmonizerError) -> None:
        message = getattr(exc, "message", None) or str(exc)
        if isinstance(exc, OdooBusy):
            message = f"{BUSY}: {message}"
        if isinstance(exc, TransportError) and exc.may_have_committed:
            # Every step is safe to send again (creates go by external ID, writes and deletes are
            # idempotent): say what may have happened and that a rerun settles it.
            message = (str(exc).split("; it may have been committed")[0] + "; it may have been applied "
                       "(a rerun finds out and converges: creates go by external ID)")
        failed = steps[index]
        later = [c for step in steps[index + 1:] for c in step]
        for change in failed:
            self.result.outcomes.append(Outcome(change.address, change.action, "failed", change.record_id,
                                                message))
            self.progress("failed", change)
        self.result.outcomes.extend(Outcome(c.address, c.action, "not attempted") for c in later)
        applied = self.result.count("applied")
        where = failed[0].address if len(failed) == 1 else f"{failed[0].address} (batch of {len(failed)})"
        if isinstance(exc, OdooBusy):
            raise SiteBusy(self.plan.site, f"{BUSY}: Odoo is running a scheduled action and refused the "
                                           f"{failed[0].action.value} ({exc.message}); {applied} change(s) "
                                           f"applied before it, {len(later)} not attempted; run the same apply "
                                           "again in a few minutes", self.result, where) from exc
        raise ApplyFailed(self.plan.site, f"{failed[0].action.value} failed: {message} ({applied} change(s) "
                                          f"applied before it, {len(later)} not attempted; rerun to converge)",
                          self.result, where) from exc

    def _apply(self, step: list[Change]) -> list[int | None]:
        action = step[0].action
        if action is Action.CREATE:
            return list(self._create(step))
        if action is Action.UPDATE:
            return [self._update(step[0])]
        return self._delete(step)

    def _load_row(self, change: Change, kind: Kind) -> tuple[list[str], list[str], dict[str, Any]]:
        columns, values, later = ["id"], [change.xmlid or ""], {}
        for fchange in change.fields:
            vtype = kind.field_map(fchange.key, self.major).vtype
            loaded = vtype.to_load(fchange.after, self.ids)
            if loaded is None:
                later[fchange.field] = vtype.to_odoo(fchange.after, None, self.ids)
                continue
            columns.append(fchange.field + loaded[0])
            values.append(loaded[1])
        for name, value in change.create_extras.items():
            columns.append(name)
            values.append(str(value))
        return columns, values, later

    def _create(self, step: list[Change]) -> list[int]:
        kind = KINDS[step[0].kind]
        rows = [self._load_row(change, kind) for change in step]
        answer = self.client.call(step[0].model, "load", rows[0][0], [row[1] for row in rows])
        errors = [m for m in answer.get("messages", []) if m.get("type") == "error"]
        if errors or not answer.get("ids"):
            first = errors[0] if errors else {}
            record = first.get("record")
            address = step[record].address if isinstance(record, int) and record < len(step) else None
            text = "; ".join(str(m.get("message")) for m in errors) or "Odoo created nothing"
            raise SiteError(self.plan.site, f"Odoo refused the create: {text}", address)
        ids = [int(i) for i in answer["ids"]]
        for change, record_id, (_columns, _values, later) in zip(step, ids, rows, strict=True):
            self.ids[change.address] = record_id
            if later:
                self.client.call(change.model, "write", [record_id], later)
        return ids

    def _update(self, change: Change) -> int | None:
        kind = KINDS[change.kind]
        vals = {f.field: kind.field_map(f.key, self.major).vtype.to_odoo(f.after, f.before, self.ids)
                for f in change.fields}
        if vals:  # an update without fields only sets the prevent_destroy marker
            self.client.call(change.model, "write", [change.record_id], vals)
        return change.record_id

    def _delete(self, step: list[Change]) -> list[int | None]:
        kind = KINDS[step[0].kind]
        ids = [c.record_id for c in step if c.record_id is not None]
        companions = kind.companions(self.client, ids)
        self.client.call(step[0].model, "unlink", ids)
        for model, extra in companions:
            if extra:
                self.client.call(model, "unlink", extra)
        return [c.record_id for c in step]


def _columns(change: Change) -> tuple[str, ...]:
    return tuple(f.field for f in change.fields) + tuple(change.create_extras)


def apply_site(plan: SitePlan, client: WriteClient, major: int, progress: Progress | None = None) -> ApplyResult:
    return Executor(plan, client, major, progress).run()
