"""Findings: which health figures cross the template's thresholds (pure)."""

from __future__ import annotations

from harmonizer.policy.health import HealthThresholds

from .model import ApprovalHealth, AutomationHealth, CronHealth, ExceptionHealth, Finding


def findings(thresholds: HealthThresholds, crons: tuple[CronHealth, ...], automations: tuple[AutomationHealth, ...],
             approvals: ApprovalHealth, exceptions: ExceptionHealth) -> tuple[Finding, ...]:
    out: list[Finding] = []
    for cron in crons:
        if not cron.deployed:
            continue  # a declared record missing in Odoo is drift's finding, not health's
        if cron.active is False and thresholds.inactive_is_finding:
            out.append(Finding("crons", cron.address, "scheduled action is switched off"))
        if cron.overdue:
            out.append(Finding("crons", cron.address, f"overdue: next run {cron.nextcall} is {cron.late_hours:g} h "
                                                      f"in the past (interval {cron.interval})"))
        if cron.failures is not None and cron.failures > thresholds.cron_failures_max:
            out.append(Finding("crons", cron.address, f"{cron.failures} failed run(s) in a row since "
                                                      f"{cron.failing_since}"))
    for auto in automations:
        if not auto.deployed:
            continue
        if auto.active is False and thresholds.inactive_is_finding:
            out.append(Finding("automations", auto.address, "automation rule is switched off"))
        if auto.missing_actions:
            out.append(Finding("automations", auto.address,
                               f"server action(s) missing or unlinked: {', '.join(auto.missing_actions)}"))
    if approvals.aged:
        oldest = approvals.oldest
        tail = f"; oldest {oldest.age_hours:g} h ({oldest.summary}, {oldest.model} {oldest.res_id}, " \
               f"{oldest.approver})" if oldest else ""
        out.append(Finding("approvals", "approvals", f"{approvals.aged} approval(s) open longer than "
                                                     f"{thresholds.approval_max_age_hours:g} h{tail}"))
    if exceptions.blocked_orders is not None and exceptions.blocked_orders > thresholds.blocked_orders_max:
        out.append(Finding("exceptions", "blocked orders", f"{exceptions.blocked_orders} draft order(s) above a "
                                                          f"block rule's threshold (allowed "
                                                          f"{thresholds.blocked_orders_max})"))
    if exceptions.stock_exceptions is not None and exceptions.stock_exceptions > thresholds.stock_exceptions_max:
        out.append(Finding("exceptions", "stock exceptions", f"{exceptions.stock_exceptions} stock exception(s) "
                                                            f"open (allowed {thresholds.stock_exceptions_max})"))
    if exceptions.invoices_on_hold is not None and exceptions.invoices_on_hold > thresholds.invoices_on_hold_max:
        out.append(Finding("exceptions", "invoices on hold", f"{exceptions.invoices_on_hold} vendor bill(s) on hold "
                                                            f"(allowed {thresholds.invoices_on_hold_max})"))
    return tuple(out)
