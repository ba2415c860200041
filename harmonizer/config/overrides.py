"""Per-site overrides beyond variables: exclusions of template resources, and site-local resources.

Rules:
- An ``exclude:`` entry of a site names a template resource (``kind.name``) or a policy block
  rule (``block.rule``) of the template version the site follows; it may not name a
  resource the template marks ``mandatory: true`` (nor a mandatory rule), nor a resource the
  site itself declares locally. Errors are located at the entry's line of the site file.
- An excluded resource is left out of the site's desired state; ``DesiredState.excluded``
  keeps the entry for each address left out (a rule's entry for every address it compiles
  to), so the planner and drift can say why.
- Excluding a resource that others still reference (an automation's server action, a rule's
  route, an escalation of an approval rule) is an error naming them, unless they are excluded
  too.
- An exclusion whose ``expires`` date has passed is an error when rendering for a plan;
  ``drift`` renders with ``allow_expired`` and reports it as drift instead.
- Site-local resources (``sites/<site>/*.yaml``) may only be of the kinds (and policy blocks)
  the template lists in ``local_kinds``; none may take the address of a template resource or
  of a resource the template's policy blocks compile to; they may refer to template
  resources, never the other way round.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from harmonizer.config.render import RenderedResource
from harmonizer.config.site import Site
from harmonizer.config.template import RawResource, Template, is_mandatory
from harmonizer.config.yamlio import line_of
from harmonizer.errors import ConfigError, Location
from harmonizer.kinds.base import Reference
from harmonizer.kinds.registry import KINDS
from harmonizer.memo import beside
from harmonizer.model import Exclusion, Resource
from harmonizer.policy import BLOCKS

#: Beside a rendered resource: its references (``template_references``).
_REFERENCES = "_template_references"


def template_references(resource: Resource) -> list[Reference]:
    """What a rendered resource's body refers to (its kind's ``references``, as the template
    checks read them), kept beside the resource: the sites rendering it share it. Read, never change."""
    table = resource.__dict__.get(_REFERENCES)  # what ``beside`` gives, without its call: once per site
    found = table.get(None) if table is not None else None
    if found is not None:
        return found  # type: ignore[no-any-return]
    return beside(resource, _REFERENCES, None, lambda: KINDS[resource.kind].references(resource.body))


def check_overrides(site: Site, template: Template) -> list[ConfigError]:
    """Load-time checks of a site's exclusions and local declarations against its template."""
    return _check_exclusions(site, template) + _check_local(site, template)


def _template_rules(template: Template) -> dict[str, tuple[Any, Location]]:
    """``block.rule`` -> (the rule's raw body, its line) for every rule of the template's blocks."""
    out: dict[str, tuple[Any, Location]] = {}
    for block in template.blocks:
        rules = block.body.get("rules")
        if not isinstance(rules, dict):
            continue
        for name, body in rules.items():
            out[f"{block.key}.{name}"] = (body, Location(block.file, line_of(block.body, ("rules", name))))
    return out


def _check_exclusions(site: Site, template: Template) -> list[ConfigError]:
    raws = {raw.address: raw for raw in template.resources}
    rules = _template_rules(template)
    local = {raw.address: raw for raw in site.local}
    errors: list[ConfigError] = []
    for entry in site.exclusions:
        raw = raws.get(entry.target)
        if entry.target in local:
            errors.append(ConfigError(f"exclude: {entry.target} is declared by this site itself "
                                      f"({local[entry.target].location}): remove it there instead", entry.location))
        elif raw is not None:
            if is_mandatory(raw.body):
                errors.append(ConfigError(f"exclude: {entry.target} is mandatory in template {template.name} "
                                          f"({raw.location}): no site may exclude it", entry.location))
        elif entry.target in rules:
            body, where = rules[entry.target]
            if is_mandatory(body):
                errors.append(ConfigError(f"exclude: policy rule {entry.target} is mandatory in template "
                                          f"{template.name} ({where}): no site may exclude it", entry.location))
        elif entry.target.split(".", 1)[0] in KINDS:
            errors.append(ConfigError(f"exclude: template {template.name} {template.version} declares no "
                                      f"{entry.target}", entry.location))
        elif entry.target.split(".", 1)[0] in BLOCKS:
            known = ", ".join(sorted(rules)) or "none"
            errors.append(ConfigError(f"exclude: template {template.name} {template.version} has no policy rule "
                                      f"{entry.target} (rules: {known})", entry.location))
    return errors


def _check_local(site: Site, template: Template) -> list[ConfigError]:
    allowed = set(template.local_kinds)
    shown = ", ".join(template.local_kinds) or "none"
    raws = {raw.address: raw for raw in template.resources}
    errors: list[ConfigError] = []
    for raw in site.local:
        if raw.kind not in allowed:
            errors.append(ConfigError(f"{raw.address}: template {template.name} does not let a site declare "
                                      f"{raw.kind} resources of its own (its local_kinds: {shown})", raw.location))
        elif raw.address in raws:
            errors.append(ConfigError(f"{raw.address}: template {template.name} already declares it "
                                      f"({raws[raw.address].location}): a site-local resource takes a name of "
                                      "its own (or exclude the template's and declare yours)", raw.location))
    template_blocks = {block.key: block for block in template.blocks}
    for block in site.local_blocks:
        if block.key not in allowed:
            errors.append(ConfigError(f"{block.key}: template {template.name} does not let a site declare "
                                      f"policy block {block.key} of its own (its local_kinds: {shown})",
                                      block.location))
        elif block.key in template_blocks:
            errors.append(ConfigError(f"{block.key}: template {template.name} already declares this policy block "
                                      f"({template_blocks[block.key].location}): a site may only add blocks the "
                                      "template does not have", block.location))
    return errors


def check_local_names(local: Collection[str], template_addresses: Mapping[str, Location],
                      where: Mapping[str, Location]) -> list[ConfigError]:
    """A local address may not be one the template (hand-written or compiled) already has."""
    return [ConfigError(f"{address}: the template already has it ({template_addresses[address]}): a "
                        "site-local resource takes a name of its own", where[address])
            for address in local if address in template_addresses]


def check_template_to_local(resources: Mapping[str, Resource], raws: Mapping[str, RawResource],
                            site: str) -> list[ConfigError]:
    """Template resources may not refer to a site's own resources (other sites do not have them)."""
    errors: list[ConfigError] = []
    if not any(resource.local for resource in resources.values()):
        return errors  # no site-local resource to refer to
    for address, resource in resources.items():
        if resource.local:
            continue
        for ref in template_references(resource):
            target = resources.get(ref.target)
            if target is not None and target.local:
                raw = raws.get(address)
                where = raw.location if raw is not None else resource.location_of(ref.key)
                errors.append(ConfigError(f"{address}: {ref.key}: refers to {ref.target}, which only site {site} "
                                          f"declares ({target.location}): template resources may not refer to "
                                          "site-local ones", where))
    return errors


def apply_exclusions(site: Site, template: Template, rendered: Mapping[str, RenderedResource], *,
                     today: str, allow_expired: bool
                     ) -> tuple[dict[str, RenderedResource], dict[str, Exclusion], list[ConfigError]]:
    """``rendered`` without what ``site`` excludes, the exclusion behind each address left out,
    and the errors: expired exclusions (unless ``allow_expired``), excluded resources still
    referenced by kept ones."""
    excluded: dict[str, Exclusion] = {}
    errors: list[ConfigError] = []
    for entry in site.exclusions:
        if entry.expired(today) and not allow_expired:
            errors.append(ConfigError(f"exclude: the exclusion of {entry.target} expired on {entry.expires} "
                                      f"(owner {entry.owner}): renew it with a new date or remove it",
                                      entry.location))
        for address, item in rendered.items():
            resource = item.resource
            rule = f"{resource.block}.{resource.rule}" if resource.block and resource.rule else None
            if not resource.local and entry.target in (address, rule):
                excluded[address] = entry
    kept = {a: r for a, r in rendered.items() if a not in excluded}
    errors.extend(_still_referenced(template, site, kept, excluded))
    return kept, excluded, errors


def _still_referenced(template: Template, site: Site, kept: Mapping[str, RenderedResource],
                      excluded: Mapping[str, Exclusion]) -> list[ConfigError]:
    users: dict[str, list[str]] = {}
    for address, item in kept.items() if excluded else ():
        for ref in template_references(item.resource):
            if ref.target in excluded:
                users.setdefault(excluded[ref.target].target, []).append(address)
    # An escalation rule escalating a matrix approval rule needs that rule.
    rules = _template_rules(template)
    gone = {e.target for e in site.exclusions}
    for name, (body, _where) in rules.items():
        approval = body.get("approval") if isinstance(body, dict) else None
        if name.startswith("escalation.") and isinstance(approval, str):
            target = f"approval_matrix.{approval}"
            if target in gone and name not in gone:
                users.setdefault(target, []).append(name)
    errors = []
    for entry in site.exclusions:
        names = list(dict.fromkeys(users.get(entry.target, ())))
        if names:
            errors.append(ConfigError(f"exclude: {entry.target} is still used by {', '.join(names)}: exclude "
                                      f"{'them' if len(names) > 1 else 'it'} too, or keep {entry.target}",
                                      entry.location))
    return errors
