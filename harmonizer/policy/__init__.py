"""Policy building blocks: approval matrix, escalation, business events, finance controls, access,
health.

Rollout teams write policy, not automation plumbing: a template's resource file may hold,
next to kind keys, the block keys of ``BLOCKS``. Each block's body is rendered by Jinja
like any resource body, then ``compile_blocks`` validates it (pydantic, unknown keys
refused, errors located at their YAML line) and compiles it into ordinary resources of
existing kinds (``server_action``, ``automation``, ``company_settings``,
``default_value``), which config then validates with the kinds' schemas.

Pure: no Odoo access, no file access; the same blocks and context always give the same
resources, in the same order (blocks in ``BLOCKS`` order, rules in written order).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from harmonizer.errors import ConfigError, ConfigErrors, Location
from harmonizer.policy.access import AccessPolicy, compile_access
from harmonizer.policy.approval_matrix import ApprovalMatrix, compile_matrix
from harmonizer.policy.base import RULE_NAME, CompiledResource, PolicyContext, PolicyError
from harmonizer.policy.describe import describe_blocks, describe_policies
from harmonizer.policy.escalation import Escalation, compile_escalation
from harmonizer.policy.events import BusinessEvents, compile_events
from harmonizer.policy.finance import FinanceControls, compile_finance
from harmonizer.policy.health import HealthThresholds, compile_health
from harmonizer.policy.versions import constrain

__all__ = ["BLOCKS", "CompiledResource", "PolicyContext", "compile_blocks", "describe_blocks",
           "describe_policies", "validate_blocks"]

#: Block key (a top-level key of a template resource file) -> the schema of its body.
BLOCKS: Mapping[str, type[BaseModel]] = {
    "approval_matrix": ApprovalMatrix,
    "escalation": Escalation,
    "business_events": BusinessEvents,
    "finance_controls": FinanceControls,
    "access_policy": AccessPolicy,
    "health": HealthThresholds,
}


def validate_blocks(blocks: Mapping[str, Mapping[str, Any]], locations: Mapping[str, Location] | None = None,
                    nodes: Mapping[str, Any] | None = None) -> dict[str, BaseModel]:
    """Each block body checked by its schema; every problem raised together as ``ConfigErrors``.

    ``locations[key]`` is where the block key is written (file and line); ``nodes[key]`` the
    block's round-trip YAML node, so an error points at the line of the offending key.
    """
    from harmonizer.config.validation import validate_model  # config imports policy: import late

    models: dict[str, BaseModel] = {}
    errors: list[ConfigError] = []
    for key, body in blocks.items():
        where = _where(key, locations)
        schema = BLOCKS.get(key)
        if schema is None:
            errors.append(ConfigError(f"unknown policy block {key!r} (known blocks: {', '.join(BLOCKS)})", where))
            continue
        raw = (nodes or {}).get(key, body)
        model, found = validate_model(schema, raw, where.file, label=key, data=dict(body), base=where.line)
        errors.extend(found)
        if model is None:
            continue
        for rule in getattr(model, "rules", {}) or {}:
            if not RULE_NAME.match(rule):
                errors.append(ConfigError(f"{key}: rules: rule name {rule!r} must match {RULE_NAME.pattern}",
                                          _line(where, raw, ("rules", rule))))
        models[key] = model
    if errors:
        raise ConfigErrors(errors)
    return models


def compile_blocks(blocks: Mapping[str, Mapping[str, Any]], context: Mapping[str, Any] | PolicyContext | None,
                   locations: Mapping[str, Location] | None = None, nodes: Mapping[str, Any] | None = None,
                   secrets: Collection[str] = ()) -> list[CompiledResource]:
    """The resources the rendered ``blocks`` compile to for one site (see the module docstring).

    ``context`` is the Jinja render context (``RenderContext.as_dict()``) or a
    ``PolicyContext``. ``secrets`` are the site's rendered secret values: every compiled
    body key whose text contains one is listed in the resource's ``secret_keys``.
    Raises ``ConfigErrors`` (each located) when a block is invalid or cannot compile.
    """
    models = validate_blocks(blocks, locations, nodes)
    ctx = PolicyContext.from_mapping(context)
    out: list[CompiledResource] = []
    errors: list[ConfigError] = []
    for key in BLOCKS:
        if key not in models:
            continue
        where = _where(key, locations)
        raw = (nodes or {}).get(key, blocks[key])
        rule_where = {rule: _line(where, raw, ("rules", rule)) for rule in getattr(models[key], "rules", {}) or {}}
        if key == "access_policy":  # its rules are its roles
            rule_where = {role: _line(where, raw, ("roles", role)) for role in models[key].roles}
        try:
            out.extend(_compile_one(key, models[key], models, ctx, where, rule_where))
        except PolicyError as exc:
            errors.append(ConfigError(f"{key}: {exc}", _line(where, raw, exc.path)))
    errors.extend(_duplicates(out))
    if errors:
        raise ConfigErrors(errors)
    return [_mark_secrets(resource, secrets) for resource in constrain(out, models)]


def _compile_one(key: str, model: Any, models: Mapping[str, Any], ctx: PolicyContext, where: Location,
                 rule_where: dict[str, Location]) -> list[CompiledResource]:
    if key == "approval_matrix":
        return compile_matrix(model, ctx, where, rule_where)
    if key == "escalation":
        return compile_escalation(model, models.get("approval_matrix"), where, rule_where)
    if key == "business_events":
        return compile_events(model, ctx, where)
    if key == "access_policy":
        return compile_access(model, where, rule_where)
    if key == "health":
        return compile_health(model)
    return compile_finance(model, ctx, where)


def _duplicates(resources: list[CompiledResource]) -> list[ConfigError]:
    seen: dict[str, CompiledResource] = {}
    errors = []
    for resource in resources:
        first = seen.setdefault(resource.address, resource)
        if first is not resource:
            errors.append(ConfigError(f"{resource.block}: compiles {resource.address} twice (also from "
                                      f"{first.block} {first.rule}): rename one rule", resource.location))
    return errors


def _mark_secrets(resource: CompiledResource, secrets: Collection[str]) -> CompiledResource:
    values = [s for s in secrets if s]
    keys = {k for k, v in resource.body.items() if isinstance(v, str) and any(s in v for s in values)}
    if not keys - resource.secret_keys:
        return resource
    return replace(resource, secret_keys=resource.secret_keys | keys)


def _where(key: str, locations: Mapping[str, Location] | None) -> Location:
    return (locations or {}).get(key) or Location("<policy>")


def _line(where: Location, raw: Any, path: tuple[Any, ...]) -> Location:
    if not path:
        return where
    from harmonizer.config.yamlio import line_of

    return Location(where.file, line_of(raw, path, where.line))
