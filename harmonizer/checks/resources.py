"""Which parts of each resource kind are domains, code or field names, and their checks.

One checker per kind (``CHECKERS``), each returning ``(body key, Finding)`` pairs for one
rendered body on one Odoo version:

- ``automation``: ``filter_domain``/``filter_pre_domain`` (domains on the rule's model,
  automation names), ``trigger_fields`` and ``date_field`` (fields of the model); on 16.0
  a time rule's domain must not negate a condition on a path with an operator 16.0's
  search turns around (``checks.negated_paths``: the rule would act on other records);
- ``server_action``: ``code`` (server action names), an ``equation`` ``value`` (an
  expression), ``update_path`` (a field path), ``webhook_fields`` and
  ``activity_user_field`` (fields of the model);
- ``scheduled_action``: ``code``;
- ``default_value``: ``field`` on ``model``;
- ``record``: every value whose field name is ``domain`` or ends in ``_domain``/``domain_force``
  (syntax and operators; fields when the value names the model it filters: ``model`` or
  ``res_model`` among the values), and every value's field name on the record's model.

Policy blocks compile to automations and server actions, so their domains and code are
checked here like hand-written ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from harmonizer.checks.code import check_code
from harmonizer.checks.domains import Finding, check_domain, field_problem
from harmonizer.checks.fieldindex import FieldIndex
from harmonizer.checks.names import automation_domain_names, server_action_names
from harmonizer.checks.negated_paths import negated_path_leaf, sixteen_search
from harmonizer.kinds.automation import TIME_TRIGGERS, literal_domain  # time rules: Odoo runs them by searching

Found = list[tuple[str, Finding]]


def _fields(body: Mapping[str, Any], key: str, model: Any, index: FieldIndex) -> Found:
    value = body.get(key)
    names = value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
    out: Found = []
    for name in names:
        if isinstance(name, str) and isinstance(model, str):
            problem = field_problem(name, model, index)
            if problem:
                out.append((key, Finding(problem, 1, versioned=True)))
    return out


def _automation(body: Mapping[str, Any], index: FieldIndex) -> Found:
    model = body.get("model")
    names = automation_domain_names(index.major)
    out: Found = []
    for key in ("filter_pre_domain", "filter_domain"):
        text = body.get(key)
        if isinstance(text, str):
            out += [(key, f) for f in check_domain(text, model if isinstance(model, str) else None, index, names)]
    out += _fields(body, "trigger_fields", model, index)
    out += _fields(body, "date_field", model, index)
    if index.major == 16 and body.get("trigger") in TIME_TRIGGERS:
        leaf = negated_path_leaf(literal_domain(body.get("filter_domain")) or [])
        if leaf is not None:
            out.append(("filter_domain", Finding(f"a time rule searches its records, and {sixteen_search(leaf)}",
                                                 1, versioned=True)))
    return out


def _server_action(body: Mapping[str, Any], index: FieldIndex) -> Found:
    model = body.get("model")
    names = server_action_names(index.major)
    out: Found = []
    if isinstance(body.get("code"), str) and body.get("type", "code") == "code":
        out += [("code", f) for f in check_code(body["code"], names)]
    if body.get("evaluation_type") == "equation" and isinstance(body.get("value"), str):
        out += [("value", f) for f in check_code(body["value"], names, mode="eval")]
    for key in ("update_path", "webhook_fields", "activity_user_field"):
        out += _fields(body, key, model, index)
    return out


def _scheduled_action(body: Mapping[str, Any], index: FieldIndex) -> Found:
    code = body.get("code")
    return [("code", f) for f in check_code(code, server_action_names(index.major))] if isinstance(code, str) else []


def _default_value(body: Mapping[str, Any], index: FieldIndex) -> Found:
    return _fields(body, "field", body.get("model"), index)


def _record(body: Mapping[str, Any], index: FieldIndex) -> Found:
    model = body.get("model")
    values = body.get("values") if isinstance(body.get("values"), Mapping) else {}
    out: Found = []
    if isinstance(model, str) and index.knows(model):
        for name in values:
            problem = field_problem(str(name), model, index)
            if problem:
                out.append(("values", Finding(f"{name}: {problem}", 1, versioned=True)))
    target = values.get("model") or values.get("res_model")
    for name, value in values.items():
        if isinstance(value, str) and (name == "domain" or str(name).endswith(("_domain", "domain_force"))):
            found = check_domain(value, target if isinstance(target, str) else None, index, None)
            out += [("values", Finding(f"{name}: {f.message}", f.line, f.versioned, f.detail)) for f in found]
    return out


CHECKERS: dict[str, Callable[[Mapping[str, Any], FieldIndex], Found]] = {
    "automation": _automation,
    "server_action": _server_action,
    "scheduled_action": _scheduled_action,
    "default_value": _default_value,
    "record": _record,
}
