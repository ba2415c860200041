"""On Odoo 16.0 a time rule runs by searching its records with its domain, and 16.0's search
reads ``'!'`` before a condition on a path as the opposite condition ("some related record
differs"), not as none matching as 17.0+ do: such a time rule is refused on 16.0, with the
``=like`` form that every version reads alike. Record rules filter (they read it as 17.0+):
not refused. Found by ``check_resources`` on a 16.0 site only."""

from __future__ import annotations

from harmonizer.checks import check_resources
from harmonizer.errors import Location
from harmonizer.model import Resource

WHERE = Location("site_templates/t/automation.yaml", 12)
GUARD = "['!', ('activity_ids.summary', '=', 'Chase the customer'), ('state', '=', 'sent')]"


def _errors(trigger: str, domain: str, majors: list[int]) -> list[str]:
    body = {"name": "Chase", "model": "sale.order", "trigger": trigger, "filter_domain": domain,
            "date_field": "date_order", "delay": 3, "delay_unit": "day"}
    resource = Resource("automation", "chase", body, WHERE, {"filter_domain": WHERE})
    return [str(e) for e in check_resources({"automation.chase": resource}, majors)]


def test_a_16_time_rule_negating_a_path_condition_is_refused_with_the_fix() -> None:
    [error] = _errors("on_time", GUARD, [16])
    assert error.startswith("site_templates/t/automation.yaml:12: automation.chase: filter_domain: a time rule "
                            "searches its records, and Odoo 16.0 searches '!', ('activity_ids.summary', '=', ")
    assert "('activity_ids.summary', '!=', 'Chase the customer')" in error
    assert "write '!', ('activity_ids.summary', '=like', 'Chase the customer')" in error
    assert _errors("on_time", GUARD.replace("'='", "'=like'", 1), [16]) == []


def test_record_rules_later_versions_and_undeclared_versions_pass() -> None:
    assert _errors("on_create_or_write", GUARD, [16]) == []
    assert _errors("on_time", GUARD, [17]) == [] and _errors("on_time", GUARD, [19]) == []
    assert _errors("on_time", GUARD, [16, 17, 18, 19]) == []  # only what every candidate refuses
    # a domain that is not literal data is not judged
    assert _errors("on_time", GUARD.replace("'sent'", "time.strftime('%Y')"), [16]) == []
