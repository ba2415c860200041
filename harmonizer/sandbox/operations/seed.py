"""Seed a stand-in database with weeks of operational history (``operations/<name>.json``).

The history is generated, deterministically, from a short description per company:
periods of weeks with an order rate, delivery cycle times (days), promised lead time,
backorder and approval rates and approval lead times; plus what is open now (aged approval
activities, draft orders blocked by a discount above the approval matrix's threshold,
stock exception activities, escalations fired), audit-trail records of past rollouts, and
scheduled actions that are overdue or failing.

Rules:
- Dates are relative to the seeding moment: week ``-1`` is the last full week (Monday to
  Sunday, UTC) before the current one, week ``0`` the current one. Orders are placed on
  working days, so weeks group the same whether they start on Sunday or Monday. Nothing is
  dated in the future: an order whose delivery would be done later is still open.
- Records are created through the stand-in's ORM with the environment's clock set to the
  moment they happened (``create_date``/``write_date`` then hold history, as a database
  that lived through those weeks would); an approval done is archived with ``date_done``,
  as Odoo 17+ keeps done activities (16.0 deletes them, and so does the seed there).
- Records that need something the database lacks (a harmonizer-owned activity type or
  cron before any apply) are skipped, so a description also fits a database not yet
  converged. Everything runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

from harmonizer.sandbox.env import Env

HERE = Path(__file__).parent
FORMAT = "%Y-%m-%d %H:%M:%S"
ADMIN_UID = 2
#: The subject harmonizer gives its audit-trail messages (written here as data, not imported).
AUDIT_SUBJECT = "harmonizer-apply"


def history_names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.json"))


def seed_operations(env: Env, name: str, now: dt.datetime | None = None) -> dict[str, int]:
    """Seed ``env``'s database with history ``name``; returns how many records of each model."""
    path = HERE / f"{name}.json"
    if not path.exists():
        raise ValueError(f"unknown operations history {name!r} (known: {', '.join(history_names())})")
    spec = json.loads(path.read_text())
    now = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    seeder = _Seeder(env.sudo(), now)
    for company in spec.get("companies", []):
        seeder.company(company)
    for cron in spec.get("crons", []):
        seeder.cron(cron)
    return dict(seeder.counts)


class _Seeder:
    def __init__(self, env: Env, now: dt.datetime) -> None:
        self.env = env
        self.now = now
        today = dt.datetime(now.year, now.month, now.day)
        self.monday = today - dt.timedelta(days=today.weekday())
        self.counts: dict[str, int] = {}
        self.sequence = 0
        # 16.0 requires a pricelist on orders; the stand-in has no pricelist model, so orders
        # name Odoo's default one (id 1, the Public Pricelist every 16.0 database has)
        field = env.spec("sale.order").fields.get("pricelist_id")
        self.pricelist = {"pricelist_id": 1} if field is not None and field.required else {}

    # -- helpers ---------------------------------------------------------------------------
    def at(self, moment: dt.datetime) -> Env:
        env = self.env.with_context()
        env.now = moment.strftime(FORMAT)
        return env

    def create(self, model: str, values: dict[str, Any], moment: dt.datetime) -> int:
        fields = self.env.spec(model).fields
        rec_id = self.at(moment)[model]._create({k: v for k, v in values.items() if k in fields})
        self.counts[model] = self.counts.get(model, 0) + 1
        return rec_id

    def write(self, model: str, ids: list[int], values: dict[str, Any], moment: dt.datetime) -> None:
        fields = self.env.spec(model).fields
        self.at(moment)[model]._write(ids, {k: v for k, v in values.items() if k in fields})

    def find(self, model: str, domain: list[Any]) -> int | None:
        ids = self.env[model]._search(domain, limit=1)
        return ids[0] if ids else None

    def xmlid(self, xmlid: str) -> int | None:
        module, _, name = xmlid.partition(".")
        return self.find_res("ir.model.data", [("module", "=", module), ("name", "=", name)])

    def find_res(self, model: str, domain: list[Any]) -> int | None:
        data = self.env[model]
        rows = data._read(data._search(domain, limit=1), ["res_id"])
        return int(rows[0]["res_id"]) if rows else None

    def model_id(self, model: str) -> int | None:
        return self.find("ir.model", [("model", "=", model)])

    def week_day(self, week: int, index: int, per_week: int) -> dt.datetime:
        """The moment of order ``index`` of ``per_week`` in week ``week``: working days, office hours."""
        day = index * 5 // max(per_week, 1)
        hour = 8 + (index * 7) % 9
        return self.monday + dt.timedelta(weeks=week, days=day, hours=hour, minutes=(index * 13) % 60)

    # -- a company's history ---------------------------------------------------------------
    def company(self, spec: dict[str, Any]) -> None:
        company_id = self.find("res.company", [("name", "=", spec["company"])])
        if company_id is None:
            raise ValueError(f"operations history: no company named {spec['company']!r}")
        wh = self.env["stock.warehouse"]
        wh_ids = wh._search([("code", "=", spec["warehouse"]), ("company_id", "=", company_id)], limit=1)
        if not wh_ids:
            raise ValueError(f"operations history: no warehouse {spec['warehouse']!r} in {spec['company']!r}")
        row = wh._read(wh_ids, ["lot_stock_id", "out_type_id"])[0]
        ctx = _Company(company_id, wh_ids[0], _id(row["lot_stock_id"]), _id(row["out_type_id"]),
                       self.xmlid("stock.stock_location_customers"),
                       [c for c in (self.xmlid(x) for x in spec["customers"]) if c is not None],
                       spec.get("prefix", "S"))
        for period in spec.get("periods", []):
            for week in range(int(period["from_week"]), int(period["to_week"]) + 1):
                self.week(ctx, period, week)
        for item in spec.get("open_approvals", []):
            self.open_approval(ctx, item)
        for item in spec.get("blocked_drafts", []):
            self.blocked_draft(ctx, item)
        for item in spec.get("stock_exceptions", []):
            self.stock_exception(ctx, item)
        for item in spec.get("audit", []):
            self.audit(ctx, item)

    def order(self, ctx: _Company, moment: dt.datetime, amount: float, state: str,
              discount: float = 0.0) -> int:
        self.sequence += 1
        customer = ctx.customers[self.sequence % len(ctx.customers)]
        order_id = self.create("sale.order", {
            "name": f"{ctx.prefix}{self.sequence:05d}", "company_id": ctx.company_id, "partner_id": customer,
            "partner_invoice_id": customer, "partner_shipping_id": customer, "date_order": moment.strftime(FORMAT),
            "warehouse_id": ctx.warehouse_id, "picking_policy": "direct", "state": state, "user_id": ADMIN_UID,
            "amount_untaxed": amount, "amount_total": amount, **self.pricelist}, moment)
        self.create("sale.order.line", {"order_id": order_id, "name": "Fasteners, assorted", "product_uom_qty": 10,
                                        "price_unit": amount / 10, "discount": discount,
                                        "company_id": ctx.company_id}, moment)
        return order_id

    def week(self, ctx: _Company, period: dict[str, Any], week: int) -> None:
        per_week = int(period["orders_per_week"])
        cycles = period["cycle_days"]
        approvals = int(period.get("approvals_per_week", 0))
        for index in range(per_week):
            moment = self.week_day(week, index, per_week)
            if moment >= self.now:
                return
            serial = week * 100 + index
            amount = float(900 + (serial * 1379) % 9000)
            if index < approvals:  # the orders that needed an approval: key-account sized
                amount = float(52000 + (serial * 37) % 8000)
            order_id = self.order(ctx, moment, amount, "sale")
            cycle = float(cycles[(index + week) % len(cycles)])
            promised = moment + dt.timedelta(days=float(period["promise_days"]))
            done = moment + dt.timedelta(days=cycle)
            backorder = bool(period.get("backorder_every")) and (index + week) % int(period["backorder_every"]) == 0
            self.delivery(ctx, order_id, moment, promised, done, backorder)
            if index < approvals:
                hours = period["approval_hours"][(index + week) % len(period["approval_hours"])]
                self.approval(order_id, period["approval_summary"], moment + dt.timedelta(minutes=5),
                              moment + dt.timedelta(hours=float(hours)))

    def delivery(self, ctx: _Company, order_id: int, ordered: dt.datetime, promised: dt.datetime,
                 done: dt.datetime, backorder: bool) -> None:
        name = self.env["sale.order"]._read([order_id], ["name"])[0]["name"]
        values = {"company_id": ctx.company_id, "picking_type_id": ctx.out_type_id, "location_id": ctx.stock_id,
                  "location_dest_id": ctx.customers_location, "move_type": "direct", "sale_id": order_id,
                  "origin": name, "scheduled_date": promised.strftime(FORMAT),
                  "date_deadline": promised.strftime(FORMAT), "user_id": ADMIN_UID}
        picking_id = self.create("stock.picking", {**values, "state": "assigned"}, ordered)
        if done < self.now:
            self.write("stock.picking", [picking_id], {"state": "done", "date_done": done.strftime(FORMAT)}, done)
        if backorder and done < self.now:
            rest_done = done + dt.timedelta(days=3)
            rest = self.create("stock.picking", {**values, "backorder_id": picking_id, "state": "assigned"}, done)
            if rest_done < self.now:
                self.write("stock.picking", [rest], {"state": "done", "date_done": rest_done.strftime(FORMAT)},
                           rest_done)

    def approval(self, order_id: int, summary: str, created: dt.datetime, done: dt.datetime | None,
                 model: str = "sale.order", type_xmlid: str = "mail.mail_activity_data_todo") -> int | None:
        type_id = self.xmlid(type_xmlid)
        if type_id is None:
            return None
        activity_id = self.create("mail.activity", {
            "res_model_id": self.model_id(model), "res_model": model, "res_id": order_id,
            "activity_type_id": type_id, "summary": summary, "user_id": ADMIN_UID,
            "date_deadline": (created + dt.timedelta(days=1)).strftime("%Y-%m-%d"), "automated": True}, created)
        if done is not None and done < self.now:
            if "active" in self.env.spec("mail.activity").fields:  # 17+: done activities stay, archived
                self.write("mail.activity", [activity_id], {"active": False, "date_done": done.strftime("%Y-%m-%d")},
                           done)
            else:  # 16.0 deletes an activity marked done
                self.at(done)["mail.activity"]._unlink([activity_id])
                return None
        return activity_id

    def open_approval(self, ctx: _Company, item: dict[str, Any]) -> None:
        created = self.now - dt.timedelta(hours=float(item["hours_ago"]))
        order_id = self.order(ctx, created - dt.timedelta(minutes=10), float(item.get("amount", 62000)), "sent")
        self.approval(order_id, item["summary"], created, None)
        if item.get("escalation"):
            self.approval(order_id, item["escalation"], created + dt.timedelta(hours=float(item["escalated_after"])),
                          None)

    def blocked_draft(self, ctx: _Company, item: dict[str, Any]) -> None:
        moment = self.now - dt.timedelta(hours=float(item["hours_ago"]))
        self.order(ctx, moment, float(item["amount"]), "draft", discount=float(item["discount"]))

    def stock_exception(self, ctx: _Company, item: dict[str, Any]) -> None:
        moment = self.now - dt.timedelta(hours=float(item["hours_ago"]))
        type_id = self.xmlid(item["activity_type"])
        if type_id is None:
            return  # the owned activity type exists once the template is applied
        order_id = self.order(ctx, moment - dt.timedelta(days=2), 4200.0, "sale")
        picking = self.env["stock.picking"]._search([("sale_id", "=", order_id)], limit=1)
        if not picking:
            self.delivery(ctx, order_id, moment - dt.timedelta(days=2), moment, self.now + dt.timedelta(days=1), False)
            picking = self.env["stock.picking"]._search([("sale_id", "=", order_id)], limit=1)
        self.approval(picking[0], item["summary"], moment, None, model="stock.picking",
                      type_xmlid=item["activity_type"])

    def audit(self, ctx: _Company, item: dict[str, Any]) -> None:
        """A past apply in the audit trail (``harmonizer.safety.audit``'s message on the company)."""
        moment = self.monday - dt.timedelta(weeks=int(item["weeks_ago"])) + dt.timedelta(days=2, hours=14)
        record = {"id": moment.strftime("%Y%m%dT%H%M%SZ") + "-seed00", "kind": "apply",
                  "who": item.get("who", "rollout"), "host": "ci", "when": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "site": item["site"],
                  "database": self.env.dbname, "url": f"sandbox://{self.env.dbname}", "company_id": ctx.company_id,
                  "template": item["template"], "template_version": item["version"], "plan_fingerprint": "",
                  "ok": True, "error": None, "changes": [], "reverts": []}
        text = html.escape(json.dumps(record, sort_keys=True), quote=False)
        self.create("mail.message", {"model": "res.company", "res_id": ctx.company_id, "message_type": "notification",
                                     "subject": f"{AUDIT_SUBJECT} {record['id']}", "body": f"<pre>{text}</pre>",
                                     "date": moment.strftime(FORMAT)}, moment)

    # -- scheduled actions -----------------------------------------------------------------
    def cron(self, spec: dict[str, Any]) -> None:
        cron_id = self.xmlid(spec["xmlid"])
        if cron_id is None:
            return
        values: dict[str, Any] = {}
        if "nextcall_hours_ago" in spec:
            values["nextcall"] = (self.now - dt.timedelta(hours=float(spec["nextcall_hours_ago"]))).strftime(FORMAT)
        if "lastcall_hours_ago" in spec:
            values["lastcall"] = (self.now - dt.timedelta(hours=float(spec["lastcall_hours_ago"]))).strftime(FORMAT)
        if "failure_count" in spec:  # 18.0+ keeps failures on the cron
            values["failure_count"] = int(spec["failure_count"])
            values["first_failure_date"] = (self.now - dt.timedelta(hours=float(spec["failing_for_hours"]))
                                            ).strftime(FORMAT)
        self.write("ir.cron", [cron_id], values, self.now)


class _Company:
    def __init__(self, company_id: int, warehouse_id: int, stock_id: int | None, out_type_id: int | None,
                 customers_location: int | None, customers: list[int], prefix: str) -> None:
        if not customers:
            raise ValueError("operations history: none of the customers exists in this database")
        self.company_id = company_id
        self.warehouse_id = warehouse_id
        self.stock_id = stock_id
        self.out_type_id = out_type_id
        self.customers_location = customers_location
        self.customers = customers
        self.prefix = prefix


def _id(value: Any) -> int | None:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return int(value) if value else None
