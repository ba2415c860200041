"""Impact preview: how many live records each changed rule would match, and the old one did.

For every pending change of an automation rule (hand-written or compiled from a policy
block) and of the company's purchase approval threshold, the site's live data is counted
through the read-only client: one ``search_count`` per rule version (new and old), no
record is ever read. The result is plain data on the change (``plan.model.Impact``).

What is counted:
- an automation with a record trigger: records of its model matching ``filter_domain``
  and created (creation triggers) or written (every other trigger) in the last
  ``window_days`` days; deletion triggers are not counted (deleted records are gone);
- a time-based automation: records matching ``filter_domain`` whose trigger date plus the
  delay has passed: what the rule acts on at its next run (a new rule's first run takes
  every such record);
- purchase double validation (``company_settings`` keys ``po_double_validation``,
  ``po_double_validation_amount``): purchase orders of the site's company created in the
  window with a total at or above the amount; with one-step approval none (not counted).

``filter_pre_domain`` is not part of the count (it describes a record's state before a
write, which live data no longer shows). A domain that is not literal data (it reads
``user``, ``datetime``... at run time) is not counted, except ``uid`` (the session's).
A new rule's domain that Odoo refuses is a plan error at its template line (the offline
checks are the first guard, this is the second); an old rule Odoo refuses is simply not
counted. A count Odoo denies the site's user (``AccessError``: e.g. real 17.0 refuses a
leaf on a field reserved to groups the user lacks, such as ``res.partner.credit`` for a
least-privilege user without accounting rights; 16.0, 18.0 and 19.0 accept it) says the
domain is fine and the user may not count with it: that rule is not counted, the plan goes
on (the automation itself filters its records as superuser). On Odoo 16.0 a record rule
whose filter has ``'!'`` before a condition on a path (``'!', ('activity_ids.summary', '=',
S)``) is not counted: 16.0's search reads it otherwise than the rule's filter does
(``checks.negated_paths``); the note says how to write it. Counting stops when
``timeout`` seconds have passed for the site (checked between counts); the rest say so.
"""

from __future__ import annotations

import ast
import calendar
import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from harmonizer.checks.fieldindex import field_index
from harmonizer.checks.negated_paths import negated_path_leaf, sixteen_search
from harmonizer.errors import ConfigError, OdooAccessError, OdooError
from harmonizer.model import DesiredState
from harmonizer.plan.impact_options import ImpactOptions
from harmonizer.plan.model import Action, Change, Impact, SitePlan

NOUNS = {
    "sale.order": "sale orders", "purchase.order": "purchase orders", "stock.picking": "transfers",
    "stock.move": "stock moves", "account.move": "journal entries", "res.partner": "contacts",
    "mail.activity": "activities", "product.product": "products", "product.template": "products",
    "crm.lead": "leads", "stock.quant": "stock quants",
}
TIME_DATE_FIELDS = {"on_time_created": "create_date", "on_time_updated": "write_date"}
CREATION_TRIGGERS = frozenset({"on_create"})
UNCOUNTED_TRIGGERS = frozenset({"on_unlink"})
_UNITS = {"minutes": "minutes", "hour": "hours", "day": "days"}


class _Counter:
    """search_count within the site's time budget; ``None`` with a note when it cannot count."""

    def __init__(self, reader: Any, timeout: float, clock: Callable[[], float]) -> None:
        self.reader = reader
        self.clock = clock
        self.deadline = clock() + timeout
        self.timeout = timeout

    def count(self, model: str, domain: list[Any]) -> int:
        if self.clock() > self.deadline:
            raise _NotCounted(f"not counted: --impact-timeout of {self.timeout:g}s reached")
        return int(self.reader.search_count(model, domain))


class _NotCounted(Exception):
    pass


@dataclass(frozen=True)
class _Rule:
    """One version (new or old) of an automation, as far as counting goes."""

    model: str
    trigger: str
    domain: str | None
    date_field: str | None
    delay: int
    unit: str


def add_impacts(site_plan: SitePlan, desired: DesiredState, reader: Any, major: int,
                options: ImpactOptions, *, uid: int | None = None, now: dt.datetime | None = None,
                clock: Callable[[], float] = time.monotonic) -> SitePlan:
    """``site_plan`` with an ``Impact`` on every pending rule change (see the module rules)."""
    if not options.enabled:
        return site_plan
    moment = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    counter = _Counter(reader, options.timeout, clock)
    context = _Context(desired, counter, major, options.window_days, moment, uid, site_plan.company_id)
    changes = tuple(context.impact_of(change) for change in site_plan.changes)
    return site_plan.with_changes(changes)


@dataclass
class _Context:
    desired: DesiredState
    counter: _Counter
    major: int
    window_days: int
    now: dt.datetime
    uid: int | None
    company_id: int | None

    @property
    def since(self) -> str:
        return _text(self.now - dt.timedelta(days=self.window_days))

    def impact_of(self, change: Change) -> Change:
        if change.action not in (Action.CREATE, Action.UPDATE) or not _changed(change):
            return change
        if change.kind == "automation":
            return replace(change, impact=self._automation(change))
        if change.kind == "company_settings" and _changed(change, {"po_double_validation",
                                                                   "po_double_validation_amount"}):
            return replace(change, impact=self._purchase_threshold(change))
        return change

    # -- automations ----------------------------------------------------------------------

    def _automation(self, change: Change) -> Impact | None:
        resource = self.desired.resources.get(change.address)
        if resource is None:
            return None
        body = dict(resource.body)
        new = _rule(body)
        old = _rule({**body, **_before(change)}) if change.action is Action.UPDATE else None
        noun = NOUNS.get(new.model, f"{new.model} records")
        due = new.trigger in TIME_DATE_FIELDS or new.trigger == "on_time"
        basis, verb = ("due", "would be due") if due else ("window", "would match")
        window = None if due else self.window_days
        if new.trigger in UNCOUNTED_TRIGGERS:
            return Impact(basis, new.model, noun, verb, None, None, window,
                          note="not counted: a deletion rule acts on records that are then gone")
        try:
            after = self._count_rule(new)
        except _NotCounted as exc:
            return Impact(basis, new.model, noun, verb, None, None, window, note=str(exc))
        except OdooAccessError as exc:
            return Impact(basis, new.model, noun, verb, None, None, window, note=_denied(exc))
        except OdooError as exc:
            key = "filter_domain"
            raise ConfigError(f"{change.address}: {key}: Odoo refuses to count with this domain: "
                              f"{exc.one_line()}", resource.location_of(key)) from exc
        before, note = None, None
        if old is not None:
            try:
                before = self._count_rule(old)
            except _NotCounted as exc:
                note = str(exc).replace("not counted", "the old rule was not counted")
            except OdooAccessError as exc:
                note = _denied(exc).replace("not counted", "the old rule was not counted")
            except OdooError:
                note = "the old rule's domain cannot be counted (Odoo refuses it)"
        return Impact(basis, new.model, noun, verb, after, before, window, note)

    def _count_rule(self, rule: _Rule) -> int:
        domain = self._domain(rule.domain)
        timed = rule.trigger in TIME_DATE_FIELDS or rule.trigger == "on_time"
        if self.major == 16 and not timed and (leaf := negated_path_leaf(domain)) is not None:
            # a record rule filters; 16.0's time rules search, so their count is what they do
            raise _NotCounted(f"not counted: {sixteen_search(leaf)}, as this rule's filter reads it")
        if timed:
            field = rule.date_field or TIME_DATE_FIELDS.get(rule.trigger)
            if not field:
                raise _NotCounted("not counted: the rule names no trigger date")
            return self.counter.count(rule.model, [*domain, (field, "<=", self._due_limit(rule, field))])
        field = "create_date" if rule.trigger in CREATION_TRIGGERS else "write_date"
        return self.counter.count(rule.model, [*domain, (field, ">=", self.since)])

    def _due_limit(self, rule: _Rule, field: str) -> str:
        limit = _minus(self.now, rule.delay, rule.unit)
        info = field_index(self.major).field(rule.model, field)
        return limit.strftime("%Y-%m-%d") if info is not None and info.type == "date" else _text(limit)

    def _domain(self, text: str | None) -> list[Any]:
        if not text or not text.strip():
            return []
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            raise _NotCounted("not counted: the domain does not parse") from None
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        if names - {"uid"} or (names and self.uid is None):
            shown = ", ".join(sorted(names))
            raise _NotCounted(f"not counted: the domain reads {shown} at run time")
        tree = _Uid(self.uid).visit(tree) if names else tree
        value = ast.literal_eval(tree)
        return list(value)

    # -- approval thresholds --------------------------------------------------------------

    def _purchase_threshold(self, change: Change) -> Impact:
        resource = self.desired.resources.get(change.address)
        body = dict(resource.body) if resource is not None else {}
        before_values = _before(change)
        new = (body.get("po_double_validation"), body.get("po_double_validation_amount"))
        old = (before_values.get("po_double_validation", new[0]),
               before_values.get("po_double_validation_amount", new[1]))
        noun, verb = NOUNS["purchase.order"], "would need a second approval"
        try:
            after = self._purchase_count(*new)
            before = self._purchase_count(*old) if change.action is Action.UPDATE else None
        except _NotCounted as exc:
            return Impact("window", "purchase.order", noun, verb, None, None, self.window_days, str(exc))
        except OdooError as exc:
            return Impact("window", "purchase.order", noun, verb, None, None, self.window_days,
                          f"not counted: {exc.one_line()}")
        return Impact("window", "purchase.order", noun, verb, after, before, self.window_days)

    def _purchase_count(self, levels: Any, amount: Any) -> int:
        if levels != "two_step":
            return 0  # one-step approval: no order waits for a second approval
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            raise _NotCounted("not counted: the approval amount is not set")
        domain: list[Any] = [("create_date", ">=", self.since), ("amount_total", ">=", amount)]
        if self.company_id is not None:
            domain.insert(0, ("company_id", "=", self.company_id))
        return self.counter.count("purchase.order", domain)


def _denied(exc: OdooAccessError) -> str:
    """One line: Odoo denied the count to this user, naming the fields it reserves when it says."""
    fields = [line.strip()[2:] for line in exc.message.splitlines() if line.strip().startswith("- ")]
    why = "; ".join(fields) if fields else exc.one_line()
    return f"not counted: Odoo denies this user the count ({why})"


class _Uid(ast.NodeTransformer):
    def __init__(self, uid: int | None) -> None:
        self.uid = uid

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Constant(self.uid), node) if node.id == "uid" else node


def _changed(change: Change, keys: set[str] | None = None) -> bool:
    """Does the change really change something (``keys``: one of these)?"""
    return any(not f.carried and (keys is None or f.key in keys) for f in change.fields)


def _before(change: Change) -> dict[str, Any]:
    """The old values of the changed keys, in template vocabulary (field references by name)."""
    return {f.key: _plain(f.before) for f in change.fields if not f.carried}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get("label") or value.get("name") or value.get("id")
    return value


def _rule(body: Mapping[str, Any]) -> _Rule:
    delay = body.get("delay") or 0
    return _Rule(model=str(body.get("model") or ""), trigger=str(body.get("trigger") or ""),
                 domain=body.get("filter_domain") or None, date_field=_plain(body.get("date_field")) or None,
                 delay=int(delay) if isinstance(delay, int | float) else 0, unit=str(body.get("delay_unit") or "hour"))


def _minus(moment: dt.datetime, delay: int, unit: str) -> dt.datetime:
    if unit == "month":
        return _add_months(moment, -delay)
    return moment - dt.timedelta(**{_UNITS.get(unit, "hours"): delay})


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _text(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
