"""Checks that need more than one file: site against template, references, shared databases.

Rules:
- A site's ``template`` must name a template folder; ``template_version``, if given, must
  equal that template's current version or a kept version (``site_templates/<name>@<v>/``);
  its variable overrides must pass the declarations of the version it follows.
- A site needs ``scope.company`` when its template has company- or warehouse-level
  resources, and ``scope.warehouse`` when it has warehouse-level ones.
- Every reference a kind reports (``Kind.references``) must name a resource the rendered
  template declares; it is located at the referencing key (at the list item when it is one).
- A resource on an Odoo model may only link resources on the same model (Odoo refuses,
  e.g., an automation on sale.order running a server action of purchase.order).
- Sites sharing one Odoo database (same URL and database) share every database-level
  record: they must declare the same set of them and render each identically, and they
  must manage different (company, warehouse) scopes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from harmonizer.config.overrides import check_overrides, template_references
from harmonizer.config.render import RenderedResource
from harmonizer.config.site import Site
from harmonizer.config.template import RawResource, Template
from harmonizer.config.variables import SecretSource, site_overrides
from harmonizer.config.yamlio import line_of
from harmonizer.errors import ConfigError, Location
from harmonizer.kinds.base import site_marker
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Exclusion, Level, Resource

#: Longest value shown when two sites render a shared record differently.
MAX_SHOWN = 40


@dataclass(frozen=True)
class SiteOverrides:
    """A site's checked variable values and secret sources."""

    values: Mapping[str, Any]
    secrets: Mapping[str, SecretSource]


def check_site(site: Site, templates: Mapping[str, Template], broken: Collection[str] = (),
               kept: Mapping[str, Mapping[str, Template]] | None = None
               ) -> tuple[SiteOverrides | None, list[ConfigError]]:
    """Check ``site`` against the template version it follows (existence, pin, variables, scope).

    ``broken`` names template folders that exist but failed to load: their own errors say
    why, so sites using them are not checked further. ``kept`` maps a template name to its
    kept versions (version -> Template), besides the current one in ``templates``.
    """
    template = templates.get(site.template)
    if template is None and site.template in broken:
        return None, []
    if template is None:
        known = ", ".join(sorted(templates)) or "none"
        return None, [ConfigError(f"template {site.template!r} not found: no site_templates/{site.template}/"
                                  f" (known templates: {known})", site.location("template"))]
    errors: list[ConfigError] = []
    others = (kept or {}).get(site.template, {})
    if site.template_version is not None and site.template_version != template.version:
        if site.template_version in others:
            template = others[site.template_version]
        else:
            also = f" nor a kept version ({', '.join(sorted(others))})" if others else ""
            errors.append(ConfigError(f"template_version {site.template_version!r} does not match template "
                                      f"{template.name} version {template.version!r}{also}",
                                      site.location("template_version")))
    raw_vars = site.node.get("variables") or {}
    values, secrets, found = site_overrides(template.variables, raw_vars, site.file, template.name)
    errors.extend(found)
    errors.extend(check_scope(site, template))
    errors.extend(check_overrides(site, template))
    return SiteOverrides(values, secrets), errors


def check_scope(site: Site, template: Template) -> list[ConfigError]:
    levels = template.levels
    where = site.location("scope") if "scope" in site.node else site.location("template")
    errors = []
    if site.scope.company is None and levels & {Level.COMPANY.value, Level.WAREHOUSE.value}:
        errors.append(ConfigError(f"scope.company is required: template {template.name} manages "
                                  "company-level resources", where))
    if site.scope.warehouse is None and Level.WAREHOUSE.value in levels:
        errors.append(ConfigError(f"scope.warehouse is required: template {template.name} manages "
                                  "warehouse-level resources", where))
    return errors


def check_references(resources: Mapping[str, Resource], raws: Mapping[str, RawResource],
                     declared: Collection[str] = ()) -> list[ConfigError]:
    """Dangling references and links across Odoo models, within one rendered template.

    ``raws`` are the hand-written resources; a resource not among them (compiled from a
    policy block) is located at its own key. ``declared`` names further addresses that
    exist but failed to render or compile (their own errors say why).
    """
    errors: list[ConfigError] = []
    for address, resource in resources.items():
        raw = raws.get(address)
        for ref in template_references(resource):
            where = (_reference_location(raw, ref.key, ref.target) if raw is not None
                     else resource.location_of(ref.key))
            target = resources.get(ref.target)
            if target is None:
                if ref.target not in raws and ref.target not in declared:  # failed ones report on their own
                    errors.append(ConfigError(f"{address}: {ref.key}: refers to {ref.target}, which the "
                                              "template does not declare", where))
                continue
            mine, theirs = resource.body.get("model"), target.body.get("model")
            if isinstance(mine, str) and isinstance(theirs, str) and mine != theirs:
                errors.append(ConfigError(f"{address}: {ref.key}: {ref.target} is on model {theirs!r} but "
                                          f"{address} is on {mine!r} (Odoo only links records of one model)",
                                          where))
    return errors


def _reference_location(raw: RawResource, key: str, target: str) -> Location:
    name = target.split(".", 1)[1]
    value = raw.body.get(key)
    if isinstance(value, list) and name in value:
        return Location(raw.file, line_of(raw.body, (key, value.index(name))))
    return Location(raw.file, line_of(raw.body, (key,)))


@dataclass(frozen=True)
class RenderedSite:
    """One site's successful rendering, as the cross-site checks need it."""

    site: Site
    resources: Mapping[str, RenderedResource]
    #: Template addresses the site excludes (``DesiredState.excluded``).
    excluded: Mapping[str, Exclusion] = field(default_factory=dict)


def check_shared_databases(rendered: list[RenderedSite]) -> list[ConfigError]:
    """Scopes and database-level resources of sites that share one Odoo database."""
    groups: dict[tuple[str, str], list[RenderedSite]] = {}
    for item in sorted(rendered, key=lambda r: r.site.name):
        groups.setdefault(item.site.odoo.database_key, []).append(item)
    errors: list[ConfigError] = []
    for (url, database), members in groups.items():
        where = f"database {database!r} at {url}"
        for i, later in enumerate(members):
            for earlier in members[:i]:
                if site_marker(earlier.site.name) == site_marker(later.site.name):
                    errors.append(ConfigError(
                        f"sites {earlier.site.name} and {later.site.name} share {where} and their names differ only "
                        "in case or punctuation, which the external IDs of their own records cannot tell apart: "
                        "rename one", later.site.location()))
                if earlier.site.scope == later.site.scope:
                    errors.append(ConfigError(
                        f"sites {earlier.site.name} and {later.site.name} share {where} with the same scope "
                        f"({_scope_text(later.site)}): each site must manage its own company/warehouse",
                        later.site.location("scope") if "scope" in later.site.node
                        else later.site.location("template")))
        first = members[0]
        for other in members[1:]:
            errors.extend(_compare_shared(first, other, where))
        errors.extend(_natural_key_conflicts(members, where))
    return errors


def _natural_key_conflicts(members: list[RenderedSite], where: str) -> list[ConfigError]:
    """Database-level records of different identities (template ones, each site's local ones)
    that Odoo would hold as one, because they share a natural key (e.g. a parameter's key)."""
    seen: dict[tuple[str, tuple[str, ...]], tuple[str, RenderedSite, Resource]] = {}
    errors: list[ConfigError] = []
    for item in members:
        for address, rendered in _database_level(item, local=True).items():
            resource = rendered.resource
            kind = KINDS[resource.kind]
            names = kind.natural_key()
            if not names or not kind.owned:
                continue
            body = kind.effective_body(resource)
            key = (kind.key, tuple(repr(body.get(n)) for n in names))
            identity = f"{address}@{item.site.name}" if resource.local else address
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = (identity, item, resource)
                continue
            if earlier[0] == identity:
                continue
            other = f"{earlier[1].site.name}'s local" if earlier[2].local else "the template's"
            mine = f"{item.site.name}'s local" if resource.local else "the template's"
            shown = ", ".join(f"{n} {body.get(n)!r}" for n in names)
            errors.append(ConfigError(
                f"{mine} {address} and {other} {earlier[2].address} would be one record in {where} "
                f"(same {shown}): rename or exclude one of them", resource.location))
    return errors


def _compare_shared(first: RenderedSite, other: RenderedSite, where: str) -> list[ConfigError]:
    a, b = _database_level(first), _database_level(other)
    names = f"sites {first.site.name} and {other.site.name} share {where}"
    errors = []
    for address in [addr for addr in a if addr not in b]:
        errors.append(ConfigError(f"{names}, but only {first.site.name} declares {address}"
                                  f"{_excluded_hint(other, address)}",
                                  _exclusion_line(other, address) or other.site.location("template")))
    for address in [addr for addr in b if addr not in a]:
        errors.append(ConfigError(f"{names}, but only {other.site.name} declares {address}"
                                  f"{_excluded_hint(first, address)}",
                                  _exclusion_line(first, address) or other.site.location("template")))
    for address in [addr for addr in b if addr in a]:
        differing = _differing_keys(a[address], b[address])
        if differing:
            shown = "; ".join(_difference(key, a[address].resource, b[address].resource) for key in differing)
            errors.append(ConfigError(f"{names}, but render {address} differently: {shown}",
                                      _difference_location(other, b[address].resource, differing)))
    return errors


def _excluded_hint(item: RenderedSite, address: str) -> str:
    if address not in item.excluded:
        return ""
    return (f" ({item.site.name} excludes it: a database-level record is shared, so every site of the database "
            "must exclude it, or none)")


def _exclusion_line(item: RenderedSite, address: str) -> Location | None:
    entry = item.excluded.get(address)
    return entry.location if entry is not None else None


def _database_level(item: RenderedSite, *, local: bool = False) -> dict[str, RenderedResource]:
    """The database-level resources of a site: the template's, plus its own if ``local``
    (each site's own records have their own identity, never shared)."""
    return {address: rendered for address, rendered in item.resources.items()
            if KINDS[rendered.resource.kind].level is Level.DATABASE and (local or not rendered.resource.local)}


def _differing_keys(a: RenderedResource, b: RenderedResource) -> list[str]:
    # A key rendered from an unset secret (a placeholder, the same for every site) on one
    # side only cannot be compared offline; on both sides the rest of the value still can.
    unknown = a.placeholder_keys ^ b.placeholder_keys
    keys = (a.resource.body.keys() | b.resource.body.keys()) - unknown
    return sorted(k for k in keys if a.resource.body.get(k, _ABSENT) != b.resource.body.get(k, _ABSENT))


_ABSENT = object()


def _difference(key: str, a: Resource, b: Resource) -> str:
    if key in a.secret_keys or key in b.secret_keys:
        return f"{key} (from a secret)"
    return f"{key} {_short(a.body.get(key, _ABSENT))} vs {_short(b.body.get(key, _ABSENT))}"


def _short(value: Any) -> str:
    if value is _ABSENT:
        return "(not set)"
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."


def _difference_location(item: RenderedSite, resource: Resource, keys: list[str]) -> Location:
    """The site's own line for a variable behind the difference, else the resource's key."""
    site_vars = item.site.node.get("variables") or {}
    for key in keys:
        for name in resource.variables.get(key, ()):
            if name in site_vars:
                return item.site.location(f"variables.{name}")
    return resource.location_of(keys[0]) if keys else resource.location


def _scope_text(site: Site) -> str:
    text = f"company {site.scope.company!r}" if site.scope.company else "no company"
    return text + (f", warehouse {site.scope.warehouse!r}" if site.scope.warehouse else "")
