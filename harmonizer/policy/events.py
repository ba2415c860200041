"""Canonical business events: a fixed catalogue compiled to webhook automations (n8n).

```yaml
business_events:
  endpoint: "{{ n8n_base_url }}"
  token: "{{ n8n_token }}"          # optional; a secret-typed variable
  events: [order_approved, shipment_dispatched, shipment_delayed, backorder_created, return_authorized]
```

Each event compiles to a ``webhook`` ``server_action`` and an ``automation`` named
``event_<event>``. Odoo 17 posts (from the server process, 1 s timeout, "send and forget")
a JSON object to ``<endpoint>/<path>`` (``?token=<token>`` appended when a token is set):

    {"_model": "sale.order", "_id": 42, "_action": "[Harmonizer] Event: order_approved(#57)",
     <each standard field of the event>: <value as read with load=None (a many2one is an id)>}

The standard fields are the contract n8n workflows rely on: they are fixed per event here
(not per site) and include ``company_id`` so one endpoint can serve sites sharing a
database. The URL carries no site name for the same reason (database-level records must
render identically on every site of a database).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, field_validator

from harmonizer.errors import Location
from harmonizer.policy.base import BlockBody, CompiledResource, domain_text

PREFIX = "event"
EventKey = Literal["order_approved", "stock_exception_raised", "shipment_dispatched", "shipment_delayed",
                   "invoice_blocked", "return_authorized", "backorder_created"]


@dataclass(frozen=True)
class EventSpec:
    """One canonical event: where it happens in Odoo and what its payload carries."""

    model: str
    description: str
    trigger: str
    filter_domain: tuple[Any, ...]
    filter_pre_domain: tuple[Any, ...] = ()
    trigger_fields: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    #: time-based events: the date field the delay counts from.
    date_field: str | None = None


_OUT = ("picking_type_code", "=", "outgoing")
_PICKING_FIELDS = ("name", "origin", "partner_id", "company_id", "scheduled_date", "date_deadline", "state")

CATALOGUE: dict[str, EventSpec] = {
    "order_approved": EventSpec(
        "sale.order", "a sales order is confirmed (released to fulfilment)", "on_write",
        (("state", "=", "sale"),), (("state", "!=", "sale"),), ("state",),
        ("name", "partner_id", "company_id", "user_id", "amount_total", "currency_id", "date_order",
         "commitment_date", "client_order_ref", "state")),
    "stock_exception_raised": EventSpec(
        "stock.move", "an inventory discrepancy is applied (a counted quantity differs from stock)", "on_write",
        (("state", "=", "done"), ("is_inventory", "=", True)), (("state", "!=", "done"),), ("state",),
        ("reference", "product_id", "company_id", "quantity", "location_id", "location_dest_id", "date",
         "state")),
    "shipment_dispatched": EventSpec(
        "stock.picking", "a delivery to a customer is validated", "on_write",
        (("state", "=", "done"), _OUT), (("state", "!=", "done"),), ("state",),
        (*_PICKING_FIELDS, "date_done")),
    "shipment_delayed": EventSpec(
        "stock.picking", "a delivery is still not shipped some time after its scheduled date", "on_time",
        (_OUT, ("state", "not in", ["done", "cancel"])), fields=_PICKING_FIELDS, date_field="scheduled_date"),
    "invoice_blocked": EventSpec(
        "account.move", "a vendor bill is put on hold (marked To Check)", "on_write",
        (("to_check", "=", True), ("move_type", "=", "in_invoice")), (("to_check", "=", False),),
        ("to_check",),
        ("name", "partner_id", "company_id", "invoice_origin", "ref", "amount_total", "currency_id",
         "invoice_date", "state")),
    "return_authorized": EventSpec(
        "stock.picking", "a return is confirmed and ready to receive", "on_create_or_write",
        (("return_id", "!=", False), ("state", "=", "assigned")),
        ("!", "&", ("return_id", "!=", False), ("state", "=", "assigned")), (),
        (*_PICKING_FIELDS, "return_id")),
    "backorder_created": EventSpec(
        "stock.picking", "a backorder is created for the quantities not shipped", "on_create",
        (("backorder_id", "!=", False),), fields=(*_PICKING_FIELDS, "backorder_id")),
}


class BusinessEvents(BlockBody):
    endpoint: str = Field(pattern=r"^https?://\S+$")
    token: str | None = None
    events: list[EventKey] = Field(min_length=1)
    #: shipment_delayed: hours after the scheduled date.
    delay_hours: int = Field(default=4, ge=1, le=720)

    @field_validator("events")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        seen = [v for i, v in enumerate(value) if v in value[:i]]
        if seen:
            raise ValueError(f"event {seen[0]!r} is listed twice")
        return value


def event_url(body: BusinessEvents, event: str) -> str:
    url = f"{body.endpoint.rstrip('/')}/{event.replace('_', '-')}"
    return f"{url}?token={body.token}" if body.token else url


def compile_events(body: BusinessEvents, context: Any, location: Location) -> list[CompiledResource]:
    out: list[CompiledResource] = []
    secret = frozenset({"webhook_url"}) if body.token else frozenset()
    for event in body.events:
        spec = CATALOGUE[event]
        name = f"{PREFIX}_{event}"
        purpose = f"POST {event} to n8n when {spec.description}"
        action = {"name": f"[Harmonizer] Event: {event}", "model": spec.model, "type": "webhook",
                  "webhook_url": event_url(body, event), "webhook_fields": list(spec.fields)}
        automation: dict[str, Any] = {"name": f"[Harmonizer] Event: {event}", "model": spec.model,
                                      "trigger": spec.trigger, "filter_domain": domain_text(list(spec.filter_domain)),
                                      "actions": [name]}
        if spec.filter_pre_domain:
            automation["filter_pre_domain"] = domain_text(list(spec.filter_pre_domain))
        if spec.trigger_fields:
            automation["trigger_fields"] = list(spec.trigger_fields)
        if spec.date_field:
            automation.update(date_field=spec.date_field, delay=body.delay_hours, delay_unit="hour")
        out.append(CompiledResource("server_action", name, action, "business_events", event, location,
                                    secret_keys=secret, purpose=purpose))
        out.append(CompiledResource("automation", name, automation, "business_events", event, location,
                                    purpose=purpose))
    return out
