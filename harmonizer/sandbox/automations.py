"""Automation rules at run time: what a ``create`` or ``write`` over RPC sets off in the stand-in.

Real Odoo runs ``base.automation`` rules inside create and write (base_automation patches the
models). The stand-in models the record triggers harmonizer's templates compile to, as real
16.0 and 17.0-19.0 behave (checked on the real servers, Dec 2026, with one rule per trigger
variant: on_create_or_write or on_write, with or without trigger fields and pre-domain, for an
order created above a threshold, edited, created below it and pushed above it by a new line):

- Rules: active automations of the record's model, by id; a create runs those triggered
  ``on_create``/``on_create_or_write``, a write those triggered ``on_write``/``on_create_or_write``.
- A create runs a rule on the new record when its ``filter_domain`` holds. A write runs a
  rule on the records whose ``filter_pre_domain`` held before the write and whose
  ``filter_domain`` holds after it, and, when the rule names trigger fields, only if one of
  them is among the written fields and changed value.
- Stored amounts: a sale or purchase order's ``amount_untaxed``/``amount_total`` follow its
  lines (price x quantity x (1 - discount %); the stand-in has no taxes) when a create or
  write gives ``order_line``. Odoo computes them after the create or write, and that
  recomputation is a write of its own for the write rules: their pre-domain sees the old
  amounts, their trigger fields are compared with the old amounts. Odoo computes when a
  rule's filter first reads an amount (its filter evaluates the conditions last to first),
  else at the end of the call.
- A filter's ``'!'`` is the complement on every version (unlike 16.0's search, see
  ``orm.domain.negate_into_paths``); a negative leaf on a path is "no related value
  matches" on 16.0 and 17.0 (their filter maps the path's values), "some related record
  does not match" from 18.0 on (``VersionProfile.filter_path_negatives_complement``).
- A rule acts at most once per record while one create's or write's rules run. A
  recomputation set off inside a rule's filter shares that record of what was done from
  17.0 on; 16.0 gives it a copy, so the same rule acts again afterwards: real 16.0
  schedules an order's approval activity twice (``VersionProfile.automation_feedback``).
- Actions: ``next_activity`` schedules a ``mail.activity`` (17.0+: the rule's
  ``action_server_ids``; 16.0: the automation's own action and its ``child_ids``). Other
  action types are not run: the stand-in executes no server-action code, and a rule whose
  domain is not literal data (it reads ``uid``, ``user``, ``time``... when Odoo runs it) is
  not run either.

Seeding writes through ``_create``/``_write`` and runs no rule.
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.orm import domain as dom

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model

CREATE_TRIGGERS = ("on_create", "on_create_or_write")
WRITE_TRIGGERS = ("on_write", "on_create_or_write")
AMOUNTS = ("amount_untaxed", "amount_total")
#: Orders whose amounts follow their lines: model -> (line model, quantity field).
ORDERS = {"sale.order": ("sale.order.line", "product_uom_qty"),
          "purchase.order": ("purchase.order.line", "product_qty")}
_UNITS = {"days": 1, "weeks": 7}

#: What a rule has acted on while one call's rules run: rule id -> record ids.
Done = dict[int, set[int]]


@dataclass(frozen=True)
class _Rule:
    id: int
    trigger: str
    pre: list[Any]
    post: list[Any]
    trigger_fields: tuple[str, ...]
    actions: tuple[int, ...]


def create(model: Model, vals: dict[str, Any]) -> int:
    run = _Run(model)
    if not run.rules and model.name not in ORDERS:
        return model._create(vals)
    rec_id = model._create(vals)
    if model.name in ORDERS and not set(AMOUNTS) & set(vals):
        # Odoo computes the amounts of a new order (0 without lines); seeding writes its own
        run.model.env.store.update(run.model.spec, [rec_id], dict.fromkeys(AMOUNTS, 0.0))
        if "order_line" in vals:
            run.pending[rec_id] = dict.fromkeys(AMOUNTS, 0.0)
    done: Done = {}
    for rule in run.triggered(CREATE_TRIGGERS):
        if run.holds(rule.post, rec_id, done):
            run.process(rule, rec_id, done, None)
    run.flush()
    return rec_id


def write(model: Model, ids: list[int], vals: dict[str, Any]) -> bool:
    run = _Run(model)
    if not run.rules and model.name not in ORDERS:
        return model._write(ids, vals)
    rules = run.triggered(WRITE_TRIGGERS)
    pre = {rule.id: [i for i in ids if run.holds(rule.pre, i, None)] for rule in rules}
    fields = [name for name in vals if name in run.model.spec.fields and run.model.spec.fields[name].store]
    old = {row["id"]: row for row in run.model._read(ids, fields or ["id"])}
    amounts_before = {row["id"]: row for row in run.model._read(ids, list(AMOUNTS))} if model.name in ORDERS else {}
    result = model._write(ids, vals)
    if model.name in ORDERS and "order_line" in vals:
        run.pending.update({i: {name: amounts_before[i][name] for name in AMOUNTS} for i in amounts_before})
    done: Done = {}
    for rule in rules:
        for rec_id in pre[rule.id]:
            if run.holds(rule.post, rec_id, done):
                run.process(rule, rec_id, done, old.get(rec_id, {}))
    run.flush()
    return result


class _Run:
    """One create or write call: its model (as superuser), the rules and pending amounts."""

    def __init__(self, model: Model) -> None:
        self.model = model.sudo()
        self.env = self.model.env
        self.feedback = self.env.profile.automation_feedback
        self.rules = _rules(self.model)
        #: record id -> its amounts before the pending recomputation
        self.pending: dict[int, dict[str, Any]] = {}

    def triggered(self, triggers: tuple[str, ...]) -> list[_Rule]:
        return [rule for rule in self.rules if rule.trigger in triggers]

    # -- filters ----------------------------------------------------------------------------
    def holds(self, domain: list[Any], rec_id: int, done: Done | None) -> bool:
        """Does ``domain`` hold for the record? Conditions are evaluated last to first (as
        Odoo's filtered_domain); ``done`` given: a condition on a pending amount first has the
        amounts recomputed (running the write rules, see the module rules)."""
        stack: list[bool] = []
        for token in reversed(domain):
            if token == "&":
                stack.append(stack.pop() & stack.pop())
            elif token == "|":
                stack.append(stack.pop() | stack.pop())
            elif token == "!":
                stack.append(not stack.pop())
            else:
                if done is not None and rec_id in self.pending and str(token[0]).split(".")[0] in AMOUNTS:
                    self.recompute(rec_id, done if self.feedback else _copy(done))
                stack.append(self._leaf_holds(token, rec_id))
        return all(stack)

    def _leaf_holds(self, leaf: Any, rec_id: int) -> bool:
        rows = self.env.store.rows(self.model.spec, [rec_id])
        left, operator, right = leaf if isinstance(leaf, tuple) and len(leaf) == 3 else (None, None, None)
        if (self.env.profile.filter_path_negatives_complement and isinstance(left, str) and "." in left
                and operator in dom.NEGATIVE and operator != "not any"):
            # 16.0/17.0 map the path's values: ('activity_ids.summary', '!=', S) is "no activity S"
            return rec_id not in dom.leaf_ids(self.model, (left, dom.NEGATIVE[operator], right), rows)
        return rec_id in dom.leaf_ids(self.model, leaf, rows)

    # -- recomputation ----------------------------------------------------------------------
    def recompute(self, rec_id: int, done: Done) -> None:
        old = self.pending.pop(rec_id)
        rules = self.triggered(WRITE_TRIGGERS)
        pre = [rule for rule in rules if self.holds(rule.pre, rec_id, None)]
        line_model, quantity = ORDERS[self.model.name]
        lines = self.env[line_model].sudo()
        total = 0.0
        for row in lines._read(lines._search([("order_id", "=", rec_id)]), ["price_unit", quantity]):
            discount = 0.0
            if "discount" in lines.spec.fields:
                discount = lines._read([row["id"]], ["discount"])[0]["discount"] or 0.0
            total += (row["price_unit"] or 0.0) * (row[quantity] or 0.0) * (1 - discount / 100)
        self.env.store.update(self.model.spec, [rec_id], dict.fromkeys(AMOUNTS, total))
        self.env.invalidate()
        for rule in pre:
            if self.holds(rule.post, rec_id, done):
                self.process(rule, rec_id, done, old)

    def flush(self) -> None:
        """Amounts still pending at the end of the call are computed then (nothing shared)."""
        for rec_id in list(self.pending):
            if rec_id in self.pending:
                self.recompute(rec_id, {})

    # -- acting -----------------------------------------------------------------------------
    def process(self, rule: _Rule, rec_id: int, done: Done, old: dict[str, Any] | None) -> None:
        if rec_id in done.get(rule.id, set()):
            return
        if not self._triggered_by(rule, rec_id, old):
            if not self.feedback:  # 16.0 marks the record done before checking the fields
                done.setdefault(rule.id, set()).add(rec_id)
            return
        done.setdefault(rule.id, set()).add(rec_id)
        for action_id in rule.actions:
            self._run_action(action_id, rec_id)

    def _triggered_by(self, rule: _Rule, rec_id: int, old: dict[str, Any] | None) -> bool:
        if not rule.trigger_fields or old is None:
            return True  # no trigger fields, or a create: every field counts as changed
        now = self.model._read([rec_id], [f for f in rule.trigger_fields if f in old])
        return any(name in old and now and now[0][name] != old[name] for name in rule.trigger_fields)

    def _run_action(self, action_id: int, rec_id: int) -> None:
        actions = self.env["ir.actions.server"].sudo()
        names = [n for n in ("state", "child_ids", "activity_type_id", "activity_summary", "activity_note",
                             "activity_date_deadline_range", "activity_date_deadline_range_type",
                             "activity_user_type", "activity_user_id", "activity_user_field_name")
                 if n in actions.spec.fields]
        found = actions._read([action_id], names)
        if not found:
            return
        action = found[0]
        if action["state"] == "multi":
            for child in action.get("child_ids") or []:
                self._run_action(child, rec_id)
        elif action["state"] == "next_activity":
            self._schedule(action, rec_id)

    def _schedule(self, action: dict[str, Any], rec_id: int) -> None:
        user = _id(action.get("activity_user_id"))
        if action.get("activity_user_type") == "generic" and action.get("activity_user_field_name"):
            field = action["activity_user_field_name"]
            if field in self.model.spec.fields:
                user = _id(self.model._read([rec_id], [field])[0][field])
        days = (action.get("activity_date_deadline_range") or 0) * _UNITS.get(
            action.get("activity_date_deadline_range_type") or "days", 30)
        deadline = dt.date.fromisoformat(self.env.now[:10]) + dt.timedelta(days=days)
        ir_model = self.env["ir.model"].sudo()
        activities = self.env["mail.activity"].sudo()
        activities._create({
            "res_model_id": ir_model._search([("model", "=", self.model.name)], limit=1)[0],
            "res_model": self.model.name, "res_id": rec_id, "activity_type_id": _id(action.get("activity_type_id")),
            "summary": action.get("activity_summary") or False, "note": action.get("activity_note") or False,
            "user_id": user or self.env.uid, "date_deadline": deadline.isoformat(), "automated": True,
        })


def _rules(model: Model) -> list[_Rule]:
    automations = model.env["base.automation"].sudo()
    spec = automations.spec.fields
    ir_model = model.env["ir.model"].sudo()
    model_ids = ir_model._search([("model", "=", model.name)], limit=1)
    if not model_ids:
        return []
    ids = automations._search([("model_id", "=", model_ids[0]), ("trigger", "in", [*CREATE_TRIGGERS, "on_write"])],
                              order="id")
    link = "action_server_ids" if "action_server_ids" in spec else "action_server_id"
    rules = []
    for row in automations._read(ids, ["trigger", "filter_domain", "filter_pre_domain", "trigger_field_ids", link]):
        pre, post = _domain(row.get("filter_pre_domain")), _domain(row.get("filter_domain"))
        if pre is None or post is None:
            continue  # a domain reading uid, user, time... at run time: not modelled, not run
        fields = model.env["ir.model.fields"].sudo()._read(row["trigger_field_ids"] or [], ["name"])
        linked = row[link]
        actions = tuple(linked) if link == "action_server_ids" else ((linked[0],) if linked else ())
        rules.append(_Rule(row["id"], row["trigger"], pre, post, tuple(f["name"] for f in fields), actions))
    return rules


def _domain(text: Any) -> list[Any] | None:
    """A rule's domain text as normalised leaves; None when it is not literal data."""
    if not text or not isinstance(text, str):
        return []
    try:
        return dom.normalize(ast.literal_eval(text.strip()))
    except (ValueError, SyntaxError, TypeError):
        return None


def _copy(done: Done) -> Done:
    return {rule: set(ids) for rule, ids in done.items()}


def _id(value: Any) -> int | None:
    if isinstance(value, list | tuple):
        return int(value[0]) if value else None
    return int(value) if isinstance(value, int) and value else None
