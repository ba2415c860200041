"""Reading one site's weekly figures from its live Odoo: aggregated in Odoo wherever a sum can do.

Counts come from Odoo's grouping by week (``read_group`` with ``<date field>:week`` on 16-18,
``formatted_read_group`` on 19), one call per figure over the whole window:
orders (``sale.order`` by ``date_order``), deliveries done (outgoing ``stock.picking`` by
``date_done``), backorders created (outgoing pickings with a ``backorder_id``, by
``create_date``), approvals requested (the template's approval activities, archived ones
included, by ``create_date``) and blocked drafts (draft orders above a block rule's
threshold, by ``date_order``). Weeks are Odoo's: they start on the day the Odoo user's
language starts them (Sunday for en_US on 17+, Monday on 16), read from the groups' ranges.

Medians and percentiles cannot come from sums, so two figures read the few fields they need
in bulk, one ``search_read`` per figure and site (never record by record):
- cycle time and lateness: the done outgoing pickings of the window (``sale_id``,
  ``date_done``, ``date_deadline``, ``scheduled_date``, ``backorder_id``), plus one ``read``
  of their orders' ``date_order``. Cycle time is order date to done date of an order's
  first delivery (backorders left out); a delivery is late when done after its deadline
  (its scheduled date when it has none);
- approval lead time: the approval activities done in the window (Odoo 17+ keeps done
  activities archived, with ``date_done``): creation to completion (the archiving write).
  Odoo 16 deletes done activities, so 16.0 has no approval lead time.
Rollouts come from the audit trail on the site's company (``harmonizer.safety.audit``): the
first apply of each template version at the site.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from harmonizer.errors import OdooError, TransportError
from harmonizer.health.definitions import Definitions, draft_domain
from harmonizer.odoo.reader import OdooReader
from harmonizer.safety.audit import MODEL as AUDIT_MODEL
from harmonizer.safety.audit import SUBJECT as AUDIT_SUBJECT
from harmonizer.safety.audit import parse_body

from .model import Rollout

ODOO_FORMAT = "%Y-%m-%d %H:%M:%S"
OUTGOING = ("picking_type_id.code", "=", "outgoing")
APPROVAL_MODELS_WITH_COMPANY = frozenset({"sale.order", "purchase.order", "stock.picking"})


@dataclass
class SiteData:
    """Raw weekly figures of one site (internal; ``compute`` turns them into ``Week`` rows)."""

    first_day: int | None = None
    orders: dict[dt.date, int] = field(default_factory=dict)
    deliveries: dict[dt.date, int] = field(default_factory=dict)
    backorders: dict[dt.date, int] = field(default_factory=dict)
    approvals: dict[dt.date, int] = field(default_factory=dict)
    blocks: dict[dt.date, int] = field(default_factory=dict)
    cycle_days: dict[dt.date, list[float]] = field(default_factory=lambda: defaultdict(list))
    late: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))
    timed: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))
    lead_hours: dict[dt.date, list[float]] = field(default_factory=lambda: defaultdict(list))
    rollouts: list[Rollout] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    text = str(value)
    return dt.datetime.strptime(text[:19], ODOO_FORMAT) if len(text) > 10 else dt.datetime.strptime(text[:10],
                                                                                                      "%Y-%m-%d")


def week_of(moment: dt.datetime, first_day: int) -> dt.date:
    day = moment.date()
    return day - dt.timedelta(days=(day.weekday() - first_day) % 7)


class MetricsReader:
    def __init__(self, reader: OdooReader, major: int, defs: Definitions, site: str, company: str | None,
                 start: dt.datetime, end: dt.datetime) -> None:
        self.reader = reader
        self.major = major
        self.defs = defs
        self.site = site
        self.company = company
        self.start = start
        self.end = end
        self.company_id: int | None = None
        self.single_company = True
        self.data = SiteData()

    def read(self) -> SiteData:
        if self.company:
            rows = self.reader.search_read("res.company", [("name", "=", self.company)], ["id"], limit=1)
            self.company_id = int(rows[0]["id"]) if rows else None
            self.single_company = self.reader.search_count("res.company", []) <= 1
        window = [(">=", self._stamp(self.start)), ("<", self._stamp(self.end))]
        d = self.data
        d.orders = self.weekly("sale.order", [("state", "!=", "cancel")], "date_order", window)
        d.deliveries = self.weekly("stock.picking", [OUTGOING, ("state", "=", "done")], "date_done", window)
        d.backorders = self.weekly("stock.picking", [OUTGOING, ("backorder_id", "!=", False)], "create_date", window)
        self._blocks(window)
        self._approvals(window)
        self._deliveries(window)
        self._rollouts()
        if d.first_day is None:
            d.first_day = 0 if self.major < 17 else 6
            d.notes.append("no grouped figure in the window: weeks assumed to start on "
                           f"{'Monday' if d.first_day == 0 else 'Sunday'}")
        return d

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _stamp(moment: dt.datetime) -> str:
        return moment.strftime(ODOO_FORMAT)

    def scoped(self, model: str, domain: list[Any]) -> list[Any]:
        if self.company_id is not None and model in ("sale.order", "stock.picking", "purchase.order"):
            return [*domain, ("company_id", "=", self.company_id)]
        return list(domain)

    def weekly(self, model: str, domain: list[Any], date_field: str, window: list[tuple[str, str]],
               context: dict[str, Any] | None = None) -> dict[dt.date, int]:
        """Records per week (Odoo's weeks) of ``model`` matching ``domain``: one grouped read."""
        full = self.scoped(model, [*domain, *((date_field, op, value) for op, value in window)])
        spec = f"{date_field}:week"
        extra = {"context": context} if context else {}
        # by keyword: JSON-2 (19) takes no positional argument but ids
        if self.major >= 19:
            rows = self.reader.call_read(model, "formatted_read_group", domain=full, groupby=[spec],
                                         aggregates=["__count"], **extra)
        else:
            rows = self.reader.call_read(model, "read_group", domain=full, fields=[date_field], groupby=[spec],
                                         lazy=False, **extra)
        out: dict[dt.date, int] = {}
        for row in rows:
            start = group_start(row, spec, date_field)
            if start is None:
                continue
            if self.data.first_day is None:
                self.data.first_day = start.weekday()
            out[start] = out.get(start, 0) + int(row.get("__count") or 0)
        return out

    def _week(self, moment: dt.datetime) -> dt.date:
        first = self.data.first_day if self.data.first_day is not None else (0 if self.major < 17 else 6)
        return week_of(moment, first)

    # -- figures ---------------------------------------------------------------------------
    def _blocks(self, window: list[tuple[str, str]]) -> None:
        """Draft orders above any block rule's threshold, per week (one grouped read over the rules
        together; a rule whose condition this Odoo cannot search is left out, with a note)."""
        rules = [(a.address, draft_domain(a.domain)) for a in self.defs.blocks if a.model == "sale.order"]
        domains = [(address, d) for address, d in rules if d]
        if not domains:
            self.data.notes.append("no block rule on sales orders with a threshold: blocks not counted")
            return
        try:
            self.data.blocks = self.weekly("sale.order", _union([d for _a, d in domains]), "date_order", window)
            return
        except TransportError:
            raise
        except OdooError:
            pass
        usable = []
        for address, domain in domains:
            try:
                self.weekly("sale.order", domain, "date_order", window)
                usable.append(domain)
            except TransportError:
                raise
            except OdooError as exc:
                self.data.notes.append(f"blocks of {address} not counted: Odoo refused its condition "
                                       f"({(str(exc).splitlines() or [''])[0][:120]})")
        if usable:
            self.data.blocks = self.weekly("sale.order", _union(usable), "date_order", window)

    def _approval_domain(self) -> list[Any] | None:
        summaries = sorted({a.summary for a in self.defs.approvals})
        if not summaries:
            return None
        domain: list[Any] = [("summary", "in", summaries)]
        if self.company_id is None or self.single_company:
            return domain
        models = sorted({a.model for a in self.defs.approvals})
        parts: list[list[Any]] = []
        for model in models:
            if model in APPROVAL_MODELS_WITH_COMPANY:
                since = self._stamp(self.start - dt.timedelta(days=60))
                ids = self.reader.search(model, [("company_id", "=", self.company_id), ("create_date", ">=", since)],
                                         context={"active_test": False})
                parts.append(["&", ("res_model", "=", model), ("res_id", "in", ids)])
            else:
                parts.append([("res_model", "=", model)])
        scope: list[Any] = ["|"] * (len(parts) - 1)
        for part in parts:
            scope += part
        return [*domain, *scope]

    def _approvals(self, window: list[tuple[str, str]]) -> None:
        domain = self._approval_domain()
        if domain is None:
            self.data.notes.append("the template requests no approval activity: approvals not counted")
            return
        context = {"active_test": False}
        self.data.approvals = self.weekly("mail.activity", domain, "create_date", window, context)
        if self.major < 17:
            self.data.notes.append(f"Odoo {self.major}.0 deletes done activities: no approval lead time")
            return
        rows = self.reader.search_read("mail.activity", [*domain, ("active", "=", False), ("date_done", "!=", False),
                                                         *(("create_date", op, v) for op, v in window)],
                                       ["create_date", "write_date"], context=context)
        for row in rows:
            created, done = parse_moment(row.get("create_date")), parse_moment(row.get("write_date"))
            if created and done and done >= created:
                self.data.lead_hours[self._week(created)].append((done - created).total_seconds() / 3600)

    def _deliveries(self, window: list[tuple[str, str]]) -> None:
        domain = self.scoped("stock.picking", [OUTGOING, ("state", "=", "done"),
                                               *(("date_done", op, v) for op, v in window)])
        rows = self.reader.search_read("stock.picking", domain,
                                       ["sale_id", "date_done", "date_deadline", "scheduled_date", "backorder_id"])
        order_ids = sorted({int(r["sale_id"][0]) for r in rows if r.get("sale_id") and not r.get("backorder_id")})
        ordered = {}
        if order_ids:
            ordered = {int(r["id"]): parse_moment(r.get("date_order"))
                       for r in self.reader.read("sale.order", order_ids, ["date_order"])}
        for row in rows:
            done = parse_moment(row.get("date_done"))
            if done is None:
                continue
            week = self._week(done)
            promised = parse_moment(row.get("date_deadline")) or parse_moment(row.get("scheduled_date"))
            if promised is not None:
                self.data.timed[week] += 1
                if done > promised:
                    self.data.late[week] += 1
            if row.get("sale_id") and not row.get("backorder_id"):
                start = ordered.get(int(row["sale_id"][0]))
                if start is not None and done >= start:
                    self.data.cycle_days[week].append((done - start).total_seconds() / 86400)

    def _rollouts(self) -> None:
        domain: list[Any] = [("model", "=", "res.company"), ("subject", "=like", f"{AUDIT_SUBJECT} %")]
        if self.company_id is not None:
            domain.append(("res_id", "=", self.company_id))
        rows = self.reader.search_read(AUDIT_MODEL, domain, ["body"], order="id")
        first: dict[tuple[str, str], str] = {}
        for row in rows:
            record = parse_body(str(row.get("body") or ""))
            if record is None or record.kind != "apply" or record.site != self.site:
                continue
            key = (record.template, record.template_version)
            if key not in first or record.when < first[key]:
                first[key] = record.when
        self.data.rollouts = sorted((Rollout(self.site, t, v, when) for (t, v), when in first.items()),
                                    key=lambda r: r.applied_at)


def _union(domains: list[list[Any]]) -> list[Any]:
    out: list[Any] = ["|"] * (len(domains) - 1)
    for domain in domains:
        out += ["&"] * (len(domain) - 1) + list(domain)
    return out


def group_start(row: dict[str, Any], spec: str, field_name: str) -> dt.date | None:
    """The first day of a week group, whatever form the version gives it in."""
    span = (row.get("__range") or {}).get(spec) if isinstance(row.get("__range"), dict) else None
    if isinstance(span, dict) and span.get("from"):
        return _date(span["from"])
    value = row.get(spec)
    if isinstance(value, list | tuple) and value:
        found = _date(value[0])
        if found is not None:
            return found
    for leaf in row.get("__extra_domain") or row.get("__domain") or []:
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and leaf[0] == field_name and leaf[1] == ">=":
            return _date(leaf[2])
    return None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
