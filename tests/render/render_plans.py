"""Hand-built plans for the renderer tests (no Odoo, no planner).

Display texts are made the way the planner makes them: "(empty)" for no value, the
redaction marker for a secret, a quoted string or ``repr`` for text, "(deleted)" as the
after side of a deletion.
"""

from __future__ import annotations

from typing import Any

from harmonizer.plan.model import REDACTED, Action, Change, FieldChange, Plan, SiteFailure, SitePlan


def text_of(value: Any, secret: bool = False) -> str:
    if value is None:
        return "(empty)"
    if secret:
        return REDACTED
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if "\n" in value else f'"{value}"'
    return str(value)


def fc(key: str, before: Any, after: Any, *, secret: bool = False, deleted: bool = False) -> FieldChange:
    return FieldChange(key=key, field=f"x_{key}", before=before, after=after,
                       before_text=text_of(before, secret),
                       after_text="(deleted)" if deleted else text_of(after, secret), secret=secret)


def create(address: str, model: str, *fields: FieldChange, source: str | None = None,
           reason: str | None = None) -> Change:
    return Change(address=address, kind=address.split(".")[0], model=model, action=Action.CREATE,
                  record_id=None, xmlid=f"__harmonizer__.{address.replace('.', '__')}", fields=fields,
                  source=source, reason=reason)


def update(address: str, model: str, record_id: int, *fields: FieldChange, source: str | None = None,
           reason: str | None = None) -> Change:
    return Change(address=address, kind=address.split(".")[0], model=model, action=Action.UPDATE,
                  record_id=record_id, xmlid=None, fields=fields, source=source, reason=reason)


def delete(address: str, model: str, record_id: int, *fields: FieldChange,
           reason: str | None = "no template declares it any more") -> Change:
    return Change(address=address, kind=address.split(".")[0], model=model, action=Action.DELETE,
                  record_id=record_id, xmlid=f"__harmonizer__.{address.replace('.', '__')}",
                  fields=fields, reason=reason)


def noop(address: str, model: str, record_id: int) -> Change:
    return Change(address=address, kind=address.split(".")[0], model=model, action=Action.NOOP,
                  record_id=record_id, xmlid=None, source="sites/noop.yaml:1")


def site(name: str, *changes: Change, database: str | None = None) -> SitePlan:
    return SitePlan(site=name, url="https://erp.example.com", database=database or name.replace("-", "_"),
                    odoo_version="17.0", template="warehouse", template_version="1.2.0",
                    company_id=1, warehouse_id=2, changes=changes)


def plan(*sites: SitePlan, failures: tuple[SiteFailure, ...] = ()) -> Plan:
    return Plan(sites=sites, failures=failures, created_at="2026-03-01T10:00:00Z", harmonizer_version="0.1.0")


CODE_BEFORE = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\n"
CODE_AFTER = "a = 1\nb = 20\nc = 3\nd = 4\ne = 5\nf = 60\ng = 7\n"


def mixed_site(name: str = "warehouse-1") -> SitePlan:
    """One of each action, with a multi-line field, a reason and sources."""
    return site(
        name,
        create("automation.order_approved_event", "base.automation",
               fc("name", None, "Order approved"), fc("active", None, True),
               source="site_templates/warehouse/automations.yaml:12"),
        update("company_settings.purchase_approval", "res.company", 1,
               fc("po_double_validation", "one_step", "two_step"),
               fc("po_double_validation_amount", 5000.0, 10000.0),
               source="sites/warehouse-1.yaml:4", reason="set by the site file"),
        noop("system_parameter.web_base_url", "ir.config_parameter", 3),
        update("server_action.notify", "ir.actions.server", 9, fc("code", CODE_BEFORE, CODE_AFTER),
               source="site_templates/warehouse/actions.yaml:30"),
        delete("system_parameter.legacy_flag", "ir.config_parameter", 7, fc("value", "1", None, deleted=True)),
    )
