"""Policy blocks of a template, rendered and compiled for one site into ordinary resources.

Rules:
- Each block body (``RawBlock``) is rendered with the site's ``BodyRenderer``, exactly like
  a resource body: every string scalar, Jinja errors located at the scalar's line.
- The rendered blocks are validated and compiled by ``harmonizer.policy.compile_blocks``
  (errors at the offending key's line), then every compiled body is validated with its
  kind's ``body_model`` like a hand-written one; the body kept is
  ``model_dump(mode="json", exclude_unset=True)``.
- A compiled resource's ``location`` (and every key's) is its rule's line (the block's line
  for a block's own settings); ``block``/``rule`` say where it came from.
- ``variables[key]`` lists the template variables the resource depends on: those of its
  rule plus those of the block's own settings (except in the approval matrix, whose
  purchase/credit settings compile on their own); an escalation on a matrix approval also
  depends on that approval rule. Keys whose text holds a rendered secret are
  ``secret_keys`` (redacted); keys holding a placeholder secret are ``placeholder_keys``.
  Compilers mark the keys they put a secret into themselves (the events' webhook URL);
  besides, a compiled key holding the text of a secret of at least ``MIN_SECRET_LENGTH``
  characters is marked (a shorter one would match ordinary text).
- The block description (``policies``) hides the values the template rendered from a
  secret variable, found by where they are written (never by searching for the value).
- A compiled address that a hand-written resource also declares is an error at the rule's
  line: two resources would manage one record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harmonizer.access.spec import AccessSpec, NamedLogin, RequiredSpec, RoleSpec, SegregationSpec, SensitiveSpec
from harmonizer.config.render import BodyRenderer, RenderedResource, redacted, value_key
from harmonizer.config.template import RawBlock, Template
from harmonizer.config.validation import validate_model
from harmonizer.config.variables import MIN_SECRET_LENGTH
from harmonizer.config.yamlio import PathKey, line_of
from harmonizer.errors import ConfigError, ConfigErrors, Location
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Resource
from harmonizer.policy import CompiledResource, compile_blocks, describe_policies, validate_blocks
from harmonizer.policy.access import AccessPolicy, named_logins

#: Blocks whose own settings compile on their own (the matrix's purchase/credit settings):
#: their rules do not depend on them. In the other blocks every rule uses the block's
#: settings (the events' endpoint and token, ...).
_RULES_STAND_ALONE = frozenset({"approval_matrix"})


@dataclass
class CompiledBlocks:
    """What a template's blocks give one site: resources (by address, compile order) and a description."""

    resources: dict[str, RenderedResource] = field(default_factory=dict)
    policies: dict[str, Any] = field(default_factory=dict)
    #: Every address compiled, including those whose body failed validation.
    addresses: set[str] = field(default_factory=set)
    #: The ``access_policy`` block as plain data (None: the template has none).
    access: AccessSpec | None = None


def render_blocks(template: Template, renderer: BodyRenderer, declared: Mapping[str, Location]
                  ) -> tuple[CompiledBlocks, list[ConfigError]]:
    """Render, compile and validate ``template``'s blocks; ``declared`` maps hand-written addresses
    to where they are written (a compiled resource may not take one of them)."""
    if not template.blocks:
        return CompiledBlocks(), []
    context = renderer.context
    blocks: dict[str, dict[str, Any]] = {}
    used: dict[str, dict[tuple[str, ...], set[str]]] = {}
    errors: list[ConfigError] = []
    for raw in template.blocks:
        body, names, found = renderer.render_block(raw)
        errors.extend(found)
        blocks[raw.key], used[raw.key] = body, names
    if errors:
        return CompiledBlocks(), errors
    locations = {raw.key: raw.location for raw in template.blocks}
    nodes = {raw.key: raw.body for raw in template.blocks}
    secrets = [str(context.values[n]) for n in sorted(context.secret_names)
               if len(str(context.values.get(n) or "")) >= MIN_SECRET_LENGTH]
    placeholders = [str(context.values[n]) for n in sorted(context.placeholder_names) if context.values.get(n)]
    try:
        models = validate_blocks(blocks, locations, nodes)
        compiled = compile_blocks(blocks, context.as_dict(), locations, nodes, secrets=secrets)
    except ConfigErrors as exc:
        return CompiledBlocks(), list(exc.errors)
    hidden = {path for raw in template.blocks for path in _secret_paths(raw, renderer)}
    out = CompiledBlocks(policies=describe_policies(models, compiled, locations, hidden),
                         addresses={item.address for item in compiled},
                         access=_access_spec(models, locations, nodes))
    for item in compiled:
        where = declared.get(item.address)
        if where is not None:
            errors.append(ConfigError(f"{item.address}: compiled from {_origin(item)}, but also declared by hand "
                                      f"at {where}: keep one (two resources would manage one record)",
                                      item.location))
            continue
        variables = _variables(item, used, blocks)
        rendered, found = _shared_resource(template, item, variables, placeholders, renderer.local)
        errors.extend(found)
        if rendered is not None:
            out.resources[item.address] = rendered
    return out, errors


def _access_spec(models: Mapping[str, Any], locations: Mapping[str, Location], nodes: Mapping[str, Any]
                 ) -> AccessSpec | None:
    """The ``access_policy`` block as plain data, each rule with its line; the logins the other
    blocks name go with it (they must be usable users of the site)."""
    policy = models.get("access_policy")
    if not isinstance(policy, AccessPolicy):
        return None

    def at(key: str, *path: Any) -> Location:
        where = locations.get(key) or Location("<policy>")
        return Location(where.file, line_of(nodes.get(key), path, where.line)) if key in nodes else where

    roles = {name: RoleSpec(name, tuple(role.groups), at("access_policy", "roles", name),
                            tuple((spec, tuple(groups)) for spec, groups in role.groups_by_version.items()),
                            role.description or "", role.enforce == "required_roles")
             for name, role in policy.roles.items()}
    segregation = tuple(SegregationSpec(name, tuple(rule.roles), rule.severity,
                                        at("access_policy", "segregation", name), rule.description or "")
                        for name, rule in policy.segregation.items())
    sensitive = tuple(SensitiveSpec(role, at("access_policy", "sensitive", role), rule.max_holders,
                                    None if rule.logins is None else tuple(rule.logins))
                      for role, rule in policy.sensitive.items())
    required = tuple(RequiredSpec(role, at("access_policy", "required", role), tuple(rule.approvers),
                                  rule.min_holders) for role, rule in policy.required.items())
    block_of = {"approval_matrix": ("rules",), "escalation": ("rules",), "finance_controls": ("invoice_hold",)}
    named = []
    for login, used_by in named_logins(models):
        block, _, rest = used_by.partition(" ")
        rule = rest.split(" ")[1] if rest.startswith("rule ") else None
        path = (*block_of.get(block, ()), rule) if rule else block_of.get(block, ())
        named.append(NamedLogin(login, used_by, at(block, *path)))
    return AccessSpec(roles=roles, location=at("access_policy"), segregation=segregation, sensitive=sensitive,
                      required=required, named_logins=tuple(named))


#: Where a template keeps the resources its blocks compiled to, by what made them (beside its fields).
_COMPILED = "_compiled_resources"


def _shared_resource(template: Template, item: CompiledResource, variables: tuple[str, ...],
                     placeholders: list[str], local: bool) -> tuple[RenderedResource | None, list[ConfigError]]:
    """``_resource``, made once per template for every site whose block compiled to the same item:
    sites then share the resource (and what is derived from it, kept beside it) as they share
    the template's hand-written resources."""
    key = (item.kind, item.name, value_key(item.body), item.block, item.rule, item.location, item.secret_keys,
           item.odoo_versions, variables, tuple(placeholders), local)
    made = template.__dict__.setdefault(_COMPILED, {})
    found = made.get(key)
    if found is None:
        rendered, errors = _resource(item, variables, placeholders, local)
        found = made[key] = (rendered, tuple(errors))
    return found[0], list(found[1])


def _resource(item: CompiledResource, variables: tuple[str, ...], placeholders: list[str], local: bool = False
              ) -> tuple[RenderedResource | None, list[ConfigError]]:
    kind = KINDS.get(item.kind)
    if kind is None:  # a compiler bug, not a template error: say so at the rule
        return None, [ConfigError(f"{item.address}: compiled from {_origin(item)} into unknown kind "
                                  f"{item.kind!r}", item.location)]
    data = dict(item.body)
    model, errors = validate_model(kind.body_model, data, item.location.file,
                                   label=f"{item.address} (compiled from {_origin(item)})", data=data,
                                   redact=item.secret_keys, base=item.location.line)
    if model is None:
        return None, errors
    body = model.model_dump(mode="json", exclude_unset=True)
    secret_keys = item.secret_keys & set(body)
    for key in secret_keys:
        body[key] = redacted(body[key])
    resource = Resource(kind=item.kind, name=item.name, body=body, location=item.location,
                        locations={key: item.location for key in body}, secret_keys=secret_keys,
                        variables={key: variables for key in body} if variables else {},
                        block=item.block, rule=item.rule, odoo_versions=item.odoo_versions, local=local)
    unknown = frozenset(k for k, v in body.items() if _holds(v, placeholders))
    return RenderedResource(resource, unknown), []


def _variables(item: CompiledResource, used: Mapping[str, Mapping[tuple[str, ...], set[str]]],
               blocks: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    """The template variables behind ``item``: its block's settings, its rule, the rule it escalates."""
    mine = used.get(item.block, {})
    names: set[str] = set()
    if item.rule is None or item.block not in _RULES_STAND_ALONE:
        names = names.union(*(v for k, v in mine.items() if k[0] != "rules"))
    if item.rule is not None:
        names |= mine.get(("rules", item.rule), set())
        rule = (blocks.get(item.block, {}).get("rules") or {}).get(item.rule)
        approval = rule.get("approval") if isinstance(rule, dict) else None
        if item.block == "escalation" and isinstance(approval, str):
            matrix = used.get("approval_matrix", {})
            names |= matrix.get(("rules", approval), set())
    return tuple(sorted(names))


def _secret_paths(raw: RawBlock, renderer: BodyRenderer) -> list[tuple[PathKey, ...]]:
    """Paths (block key first) of the block's scalars whose Jinja reads a secret variable."""
    secret = renderer.context.secret_names
    out: list[tuple[PathKey, ...]] = []

    def walk(node: Any, path: tuple[PathKey, ...]) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, str(k)))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))
        elif isinstance(node, str) and renderer.reads(str(node)) & secret:
            out.append(path)

    walk(raw.body, (raw.key,))
    return out


def _holds(value: Any, texts: list[str]) -> bool:
    if isinstance(value, str):
        return any(t in value for t in texts)
    if isinstance(value, list):
        return any(_holds(v, texts) for v in value)
    if isinstance(value, dict):
        return any(_holds(v, texts) for v in value.values())
    return False


def _origin(item: CompiledResource) -> str:
    return f"policy block {item.block}" + (f" rule {item.rule}" if item.rule else "")
