"""Reading one site's health from its live Odoo (read-only, in bulk, never record by record).

Reads, for one site (each a single call; counts are ``search_count``):
- ``res.company`` by the site's company name (when the site has one): the scope of every
  read of a model with a company (orders, pickings, moves, bills; activities through their
  record's company);
- ``ir.model.data`` of module ``__harmonizer__``: the records harmonizer owns;
- ``ir.cron``, ``base.automation`` and ``ir.actions.server`` of those ids (archived included);
- open ``mail.activity`` rows of the template's approvals and owned activity types, and the
  escalation activities created in the window, then one ``search`` per model they sit on to
  keep the site's company's;
- per time-triggered escalation/event rule, the records its timer will act on; per event rule,
  the transitions in the window; per block rule, the draft orders above its threshold; the
  vendor bills on hold (Odoo 16/17 ``to_check``).

Scheduled-action failures per version (checked in the versions' ``ir.cron`` fields): Odoo
18.0+ keeps ``failure_count`` and ``first_failure_date`` on the cron; 16.0 and 17.0 keep
nothing on the record (a failed run is only logged), so failures are reported as unknown
there and an overdue next run is the signal.

Every count the site's Odoo refuses (a field the version lacks, a domain it cannot search)
becomes ``None`` with the reason, never a wrong zero.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harmonizer.errors import OdooError, TransportError
from harmonizer.kinds.automation import TIME_TRIGGERS
from harmonizer.odoo.reader import OdooReader

from .definitions import AutomationDef, Definitions, draft_domain
from .model import (
    AGE_BUCKETS,
    ApprovalHealth,
    AutomationHealth,
    CronHealth,
    EventCount,
    ExceptionHealth,
    OpenApproval,
    RuleCount,
)

ODOO_FORMAT = "%Y-%m-%d %H:%M:%S"
OWNER = "__harmonizer__"
#: Models whose records belong to one company (reads of them are scoped to the site's).
COMPANY_MODELS = frozenset({"sale.order", "purchase.order", "stock.picking", "stock.move", "account.move"})
STOCK_MODELS = frozenset({"stock.picking", "stock.move"})
_HOURS = {"minutes": 1 / 60, "hours": 1, "days": 24, "weeks": 168, "months": 730}
#: The date that marks the transition an on-write event rule reacts to, per model and state.
_TRANSITION_DATE = {("sale.order", "sale"): "date_order", ("stock.picking", "done"): "date_done",
                    ("stock.move", "done"): "date"}


@dataclass(frozen=True)
class SiteReading:
    company_id: int | None
    crons: tuple[CronHealth, ...]
    automations: tuple[AutomationHealth, ...]
    approvals: ApprovalHealth
    events: tuple[EventCount, ...]
    exceptions: ExceptionHealth


def stamp(moment: dt.datetime) -> str:
    return moment.strftime(ODOO_FORMAT)


def parse_stamp(value: Any) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.strptime(str(value)[:19], ODOO_FORMAT) if len(str(value)) > 10 else \
        dt.datetime.strptime(str(value)[:10], "%Y-%m-%d")


class HealthReader:
    def __init__(self, reader: OdooReader, major: int, defs: Definitions, now: dt.datetime,
                 company: str | None) -> None:
        self.reader = reader
        self.major = major
        self.defs = defs
        self.now = now.replace(tzinfo=None, microsecond=0)
        self.company = company
        self.window_start = self.now - dt.timedelta(hours=defs.thresholds.event_window_hours)
        self.company_id: int | None = None
        self.stock_types: frozenset[int] = frozenset()
        self.stock_declared = False

    def read(self) -> SiteReading:
        if self.company:
            rows = self.reader.search_read("res.company", [("name", "=", self.company)], ["id"], limit=1)
            self.company_id = int(rows[0]["id"]) if rows else None
        owned = self.reader.xmlids(OWNER)
        self.stock_types = frozenset(owned[x][1] for x, model in self.defs.activity_types
                                     if x in owned and model in STOCK_MODELS)
        self.stock_declared = any(model in STOCK_MODELS for _x, model in self.defs.activity_types)
        crons = self._crons(owned)
        activities = self._open_activities(owned)
        approvals = self._approvals(activities)
        automations = self._automations(owned, activities)
        events = tuple(self._event(a) for a in self.defs.automations if a.role == "event")
        exceptions = self._exceptions(activities, owned)
        return SiteReading(self.company_id, crons, automations, approvals, events, exceptions)

    # -- helpers ---------------------------------------------------------------------------
    def scoped(self, model: str, domain: list[Any]) -> list[Any]:
        if self.company_id is not None and model in COMPANY_MODELS:
            return [*domain, ("company_id", "=", self.company_id)]
        return list(domain)

    def count(self, model: str, domain: list[Any]) -> tuple[int | None, str | None]:
        try:
            return self.reader.search_count(model, self.scoped(model, domain)), None
        except TransportError:
            raise
        except OdooError as exc:
            return None, f"Odoo refused the count: {(str(exc).splitlines() or [''])[0][:160]}"

    def in_company(self, model: str, ids: Iterable[int]) -> set[int]:
        """The ids (of records of ``model``) that belong to the site's company: one search."""
        ids = sorted(set(ids))
        if not ids or self.company_id is None or model not in COMPANY_MODELS:
            return set(ids)
        return set(self.reader.search(model, [("id", "in", ids), ("company_id", "=", self.company_id)],
                                      context={"active_test": False}))

    # -- scheduled actions -----------------------------------------------------------------
    def _crons(self, owned: dict[str, tuple[str, int]]) -> tuple[CronHealth, ...]:
        ids = {name: owned[xmlid][1] for _a, xmlid, name in self.defs.crons if xmlid in owned}
        fields = ["name", "active", "interval_number", "interval_type", "nextcall", "lastcall"]
        if self.major >= 18:
            fields += ["failure_count", "first_failure_date"]
        rows = {}
        if ids:
            found = self.reader.search_read("ir.cron", [("id", "in", sorted(ids.values()))], fields,
                                            context={"active_test": False})
            rows = {int(r["id"]): r for r in found}
        source = ("failure_count / first_failure_date on ir.cron" if self.major >= 18 else
                  f"not kept by Odoo {self.major}.0 (no failure fields on ir.cron; a failed run is only logged)")
        out = []
        for address, xmlid, name in self.defs.crons:
            row = rows.get(ids.get(name, -1)) if xmlid in owned else None
            if row is None:
                out.append(CronHealth(address, name, deployed=False, failure_source=source))
                continue
            out.append(self._cron(address, row, source))
        return tuple(out)

    def _cron(self, address: str, row: dict[str, Any], source: str) -> CronHealth:
        number, unit = int(row.get("interval_number") or 0), str(row.get("interval_type") or "")
        interval_hours = number * _HOURS.get(unit, 0)
        nextcall = parse_stamp(row.get("nextcall"))
        late = (self.now - nextcall).total_seconds() / 3600 if nextcall and nextcall < self.now else None
        active = bool(row.get("active"))
        limit = interval_hours * self.defs.thresholds.cron_overdue_intervals
        overdue = active and late is not None and late > limit
        failures = int(row.get("failure_count") or 0) if self.major >= 18 else None
        return CronHealth(address, str(row.get("name") or ""), deployed=True, active=active,
                          interval=f"{number} {unit}", lastcall=row.get("lastcall") or None,
                          nextcall=row.get("nextcall") or None, late_hours=round(late, 1) if late else None,
                          overdue=overdue, failures=failures,
                          failing_since=(row.get("first_failure_date") or None) if failures else None,
                          failure_source=source)

    # -- activities ------------------------------------------------------------------------
    def _open_activities(self, owned: dict[str, tuple[str, int]]) -> list[dict[str, Any]]:
        """Open approval and owned-type activities of the site's company (one read, one search per model)."""
        summaries = sorted({a.summary for a in self.defs.approvals})
        type_ids = [owned[x][1] for x, _m in self.defs.activity_types if x in owned]
        if not summaries and not type_ids:
            return []
        domain: list[Any] = []
        if summaries and type_ids:
            domain = ["|", ("summary", "in", summaries), ("activity_type_id", "in", type_ids)]
        elif summaries:
            domain = [("summary", "in", summaries)]
        else:
            domain = [("activity_type_id", "in", type_ids)]
        rows = self.reader.search_read("mail.activity", domain, ["summary", "res_model", "res_id", "user_id",
                                                                 "activity_type_id", "create_date"], order="id")
        return self._of_company(rows)

    def _of_company(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_model: dict[str, set[int]] = {}
        for row in rows:
            by_model.setdefault(str(row.get("res_model")), set()).add(int(row.get("res_id") or 0))
        keep = {model: self.in_company(model, ids) for model, ids in by_model.items()}
        return [r for r in rows if int(r.get("res_id") or 0) in keep[str(r.get("res_model"))]]

    def _approvals(self, activities: list[dict[str, Any]]) -> ApprovalHealth:
        approvals = [a for a in activities if _m2o_id(a.get("activity_type_id")) not in self.stock_types]
        ages: list[tuple[float, dict[str, Any]]] = []
        for row in approvals:
            created = parse_stamp(row.get("create_date")) or self.now
            ages.append(((self.now - created).total_seconds() / 3600, row))
        buckets = [(label, sum(1 for age, _ in ages if low <= age < high)) for label, low, high in AGE_BUCKETS]
        approvers = Counter(_m2o_name(row.get("user_id")) for _, row in ages)
        oldest = None
        if ages:
            age, row = max(ages, key=lambda item: (item[0], -int(item[1]["id"])))
            oldest = OpenApproval(str(row.get("summary") or ""), str(row.get("res_model")), int(row.get("res_id") or 0),
                                  _m2o_name(row.get("user_id")), str(row.get("create_date") or ""), round(age, 1))
        aged = sum(1 for age, _ in ages if age > self.defs.thresholds.approval_max_age_hours)
        return ApprovalHealth(open=len(ages), by_age=tuple(buckets), by_approver=tuple(sorted(approvers.items())),
                              oldest=oldest, aged=aged, escalations=self._escalations())

    def _escalations(self) -> int:
        summaries = sorted({e.summary for e in self.defs.escalations})
        if not summaries:
            return 0
        rows = self.reader.search_read("mail.activity", [("summary", "in", summaries),
                                                         ("create_date", ">=", stamp(self.window_start))],
                                       ["res_model", "res_id"], context={"active_test": False})
        return len(self._of_company(rows))

    # -- automations -----------------------------------------------------------------------
    def _automations(self, owned: dict[str, tuple[str, int]],
                     activities: list[dict[str, Any]]) -> tuple[AutomationHealth, ...]:
        ids = {a.xmlid: owned[a.xmlid][1] for a in self.defs.automations if a.xmlid in owned}
        link = "action_server_ids" if self.major >= 17 else "child_ids"
        rows: dict[int, dict[str, Any]] = {}
        if ids:
            found = self.reader.search_read("base.automation", [("id", "in", sorted(ids.values()))],
                                            ["name", "active", "last_run", link], context={"active_test": False})
            rows = {int(r["id"]): r for r in found}
        action_ids = {name: owned[x][1] for name, x in self.defs.actions.items() if x in owned}
        existing: set[int] = set()
        if action_ids:
            existing = set(self.reader.search("ir.actions.server", [("id", "in", sorted(action_ids.values()))]))
        by_summary = Counter(str(a.get("summary") or "") for a in activities)
        out = []
        for auto in self.defs.automations:
            row = rows.get(ids.get(auto.xmlid, -1))
            if row is None:
                out.append(AutomationHealth(auto.address, auto.name, auto.model, auto.role, auto.trigger,
                                            deployed=False))
                continue
            linked = {int(i) for i in row.get(link) or []}
            missing = tuple(n for n in auto.actions if action_ids.get(n) not in existing
                            or (self.major >= 17 and action_ids.get(n) not in linked))
            waiting, note = self._waiting(auto, by_summary)
            out.append(AutomationHealth(auto.address, auto.name, auto.model, auto.role, auto.trigger, deployed=True,
                                        active=bool(row.get("active")), missing_actions=missing, waiting=waiting,
                                        waiting_note=note, last_run=row.get("last_run") or None))
        return tuple(out)

    def _waiting(self, auto: AutomationDef, by_summary: Counter[str]) -> tuple[int | None, str | None]:
        if auto.role == "approval":
            return sum(by_summary[s] for s in set(auto.summaries)), "open approval activities it scheduled"
        if auto.role in ("escalation", "event") and auto.trigger in TIME_TRIGGERS:
            if auto.domain is None:
                return None, "its condition is not a literal domain"
            count, error = self.count(auto.model, auto.domain)
            return count, error or "records its timer will act on"
        if auto.role == "block":
            return None, "see blocked orders"
        return None, None

    # -- events ----------------------------------------------------------------------------
    def _event(self, auto: AutomationDef) -> EventCount:
        if auto.domain is None:
            return EventCount(auto.address, auto.name, auto.model, None, "its condition is not a literal domain")
        if auto.trigger in TIME_TRIGGERS:
            delay = auto.delay_hours
            field = auto.date_field or "write_date"
            start, end = self.window_start - dt.timedelta(hours=delay), self.now - dt.timedelta(hours=delay)
            basis = f"{field} + {delay:g} h in the window"
        else:
            field = "create_date" if auto.trigger == "on_create" else _transition_field(auto)
            start, end = self.window_start, self.now + dt.timedelta(seconds=1)  # Odoo stamps microseconds
            basis = f"{field} in the window"
        count, error = self.count(auto.model, [*auto.domain, (field, ">=", stamp(start)), (field, "<", stamp(end))])
        return EventCount(auto.address, auto.name, auto.model, count, error or basis)

    # -- exceptions ------------------------------------------------------------------------
    def _exceptions(self, activities: list[dict[str, Any]], owned: dict[str, tuple[str, int]]) -> ExceptionHealth:
        rules = []
        for auto in self.defs.blocks:
            if auto.model != "sale.order":
                continue
            domain = draft_domain(auto.domain)
            if domain is None:
                rules.append(RuleCount(auto.address, None, "its condition has no threshold to check drafts against"))
                continue
            count, error = self.count("sale.order", domain)
            rules.append(RuleCount(auto.address, count, error))
        counted = [r.count for r in rules if r.count is not None]
        blocked = None
        if counted:
            ors = [draft_domain(a.domain) for a in self.defs.blocks if a.model == "sale.order"]
            usable = [d for d, r in zip(ors, rules, strict=True) if d is not None and r.count is not None]
            blocked = self._union_count(usable) if len(usable) > 1 else counted[0]
        stock = sum(1 for a in activities if _m2o_id(a.get("activity_type_id")) in self.stock_types)
        holds, note = None, None
        if self.major <= 17:
            holds, note = self.count("account.move", [("move_type", "=", "in_invoice"), ("state", "=", "draft"),
                                                      ("to_check", "=", True)])
        else:
            note = f"Odoo {self.major}.0 has no account.move.to_check (removed in 18.0): no hold to count"
        return ExceptionHealth(blocked_orders=blocked, blocked_by_rule=tuple(rules),
                               stock_exceptions=stock if self.stock_declared else None,
                               invoices_on_hold=holds, invoices_note=note)

    def _union_count(self, domains: list[list[Any]]) -> int | None:
        union: list[Any] = ["|"] * (len(domains) - 1)
        for domain in domains:
            union += ["&"] * (len(domain) - 1) + domain if domain else []
        count, _ = self.count("sale.order", union)
        return count


def _transition_field(auto: AutomationDef) -> str:
    for leaf in auto.domain or []:
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and leaf[0] == "state" and leaf[1] == "=":
            field = _TRANSITION_DATE.get((auto.model, str(leaf[2])))
            if field:
                return field
    return "write_date"


def _m2o_id(value: Any) -> int | None:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _m2o_name(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) > 1:
        return str(value[1])
    return "(nobody)"
