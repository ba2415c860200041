"""A configuration project: every template and site under one root, loaded, selected, rendered.

Layout: ``<root>/site_templates/<name>/template.yaml`` (+ resource files) and
``<root>/sites/<name>.yaml``; kept versions of a template in ``site_templates/<name>@<version>/``
(a site follows the version it pins, else the current one). ``load_project`` reads and checks every file (no rendering);
``Project.render`` turns one site into a ``DesiredState`` (hand-written resources, then those
the template's policy blocks compile to, see ``harmonizer.config.blocks``); ``Project.validate`` renders every
site offline and runs the cross-site checks.

Secrets: ``render`` reads each secret variable from ``env`` (default: the process
environment) through the environment variable the site names, else the template's ``env``.
A missing one is an error if the variable is ``required``, else it renders as ``""``.
``validate`` never fails on a missing secret: it renders a placeholder instead, and keys
rendered from a placeholder are left out of cross-site comparisons.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import LiteralScalarString

from harmonizer.access.spec import AccessSpec
from harmonizer.checks import check_resources
from harmonizer.checks.fieldindex import MAJORS
from harmonizer.config.blocks import CompiledBlocks, render_blocks
from harmonizer.config.checks import (
    RenderedSite,
    SiteOverrides,
    check_references,
    check_shared_databases,
    check_site,
)
from harmonizer.config.overrides import (
    apply_exclusions,
    check_local_names,
    check_template_to_local,
)
from harmonizer.config.render import (
    BodyRenderer,
    RenderContext,
    RenderedResource,
    context_key,
    render_raws,
    render_template,
)
from harmonizer.config.site import Site, load_site
from harmonizer.config.template import RawResource, Template, folder_identity, load_template
from harmonizer.config.variables import MIN_SECRET_LENGTH, SecretSource
from harmonizer.config.yamlio import relative
from harmonizer.coupling.analysis import offline_couplings
from harmonizer.errors import ConfigError, ConfigErrors, Location
from harmonizer.memo import ByIdentity
from harmonizer.model import DesiredState, Resource

TEMPLATES_DIR = "site_templates"
#: ``check_on_version`` per rendered state, site and version.
_CHECKED: ByIdentity[list[ConfigError]] = ByIdentity()
SITES_DIR = "sites"


@dataclass
class Project:
    """Loaded templates and sites (both keyed by name, sorted).

    ``templates`` holds each template's current version; ``kept`` its other versions
    (name -> version -> Template), from ``site_templates/<name>@<version>/`` folders.
    """

    root: Path
    templates: dict[str, Template]
    sites: dict[str, Site]
    _overrides: dict[str, SiteOverrides] = field(default_factory=dict, repr=False)
    #: ``_render`` results by site, template and context: a site whose values are the
    #: template's defaults renders its standard (drift) and its desired state once.
    _renders: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
    kept: dict[str, dict[str, Template]] = field(default_factory=dict)

    def template_for(self, site: Site | str) -> Template:
        """The template version ``site`` follows: its pin, else the current version."""
        site = self.site(site) if isinstance(site, str) else site
        current = self.templates[site.template]
        if site.template_version is None or site.template_version == current.version:
            return current
        return self.kept[site.template][site.template_version]

    def versions(self, template: str) -> list[str]:
        """Every version of ``template`` this project holds: kept ones (sorted), then the current one."""
        return [*sorted(self.kept.get(template, {})), self.templates[template].version]

    def with_pins(self, pins: Mapping[str, str | None]) -> Project:
        """A copy where each named site follows the given template version (files untouched).

        Raises ``ConfigErrors`` when a version does not exist or a site's variables do not
        fit it.
        """
        sites = dict(self.sites)
        overrides = dict(self._overrides)
        errors: list[ConfigError] = []
        for name, version in pins.items():
            site = replace(self.site(name), template_version=version)
            found_overrides, found = check_site(site, self.templates, (), self.kept)
            errors.extend(found)
            sites[name] = site
            if found_overrides is not None:
                overrides[name] = found_overrides
        if errors:
            raise ConfigErrors(errors)
        return Project(root=self.root, templates=self.templates, sites=sites, _overrides=overrides,
                       kept=self.kept)

    def site(self, name: str) -> Site:
        try:
            return self.sites[name]
        except KeyError:
            raise ConfigError(f"unknown site {name!r} (known sites: {self._known()})") from None

    def select(self, selectors: list[str]) -> list[Site]:
        """Sites named by ``selectors``: names, comma lists, ``all``, ``tag=T``; in name order."""
        chosen: set[str] = set()
        for selector in selectors:
            for token in (t.strip() for t in selector.split(",")):
                if not token:
                    continue
                chosen.update(self._select_one(token))
        if not chosen:
            raise ConfigError(f"no site selected: give site names, 'all' or 'tag=T' (known sites: {self._known()})")
        return [site for name, site in self.sites.items() if name in chosen]

    def _select_one(self, token: str) -> set[str]:
        if token == "all":
            return set(self.sites)
        if token.startswith("tag="):
            tag = token[len("tag="):]
            found = {name for name, site in self.sites.items() if tag in site.tags}
            if not found:
                tags = sorted({t for site in self.sites.values() for t in site.tags})
                raise ConfigError(f"no site has tag {tag!r} (tags in use: {', '.join(tags) or 'none'})")
            return found
        return {self.site(token).name}

    def render(self, site: str, env: Mapping[str, str] | None = None, *,
               defaults_only: bool = False, allow_expired: bool = False,
               today: str | None = None) -> DesiredState:
        """The desired state of ``site``; raises ``ConfigErrors`` with every problem found.

        An exclusion past its ``expires`` date (``today``: ISO date, default the current
        one) is one of them unless ``allow_expired`` (drift reports it instead)."""
        state, _, errors = self._render(self.site(site), os.environ if env is None else env,
                                        defaults_only=defaults_only, placeholders=False,
                                        allow_expired=allow_expired, today=today)
        if errors or state is None:
            raise ConfigErrors(errors)
        return state

    def validate(self, env: Mapping[str, str] | None = None) -> list[ConfigError]:
        """Every problem found offline: each site rendered (secrets may be placeholders), then cross-site."""
        env = os.environ if env is None else env
        errors: list[ConfigError] = []
        rendered: list[RenderedSite] = []
        states: dict[tuple[str, str], list[DesiredState]] = {}
        versions: dict[tuple[str, str], str] = {}
        for site in self.sites.values():
            state, resources, found = self._render(site, env, defaults_only=False, placeholders=True)
            errors.extend(found)
            if state is not None:
                rendered.append(RenderedSite(site, resources, state.excluded))
                states.setdefault(site.odoo.database_key, []).append(state)
                versions[site.odoo.database_key] = site.odoo.odoo_version or "17.0"
        errors.extend(check_shared_databases(rendered))
        # Coupled fields (harmonizer.coupling): per database, with the version's reference.
        groups = [(versions[key], members) for key, members in states.items()]
        for coupling, note in offline_couplings(groups):
            sites = sorted({coupling.first.site, coupling.second.site})
            where = f"site {sites[0]}" if len(sites) == 1 else f"sites {' and '.join(sites)} (one database)"
            noted = f" ({note})" if note else ""
            errors.append(ConfigError(f"{where}: coupled fields: {coupling.message()}{noted}"))
        return errors

    def short_secrets(self, env: Mapping[str, str] | None = None, sites: list[str] | None = None
                      ) -> list[ConfigError]:
        """Warnings (not errors): secrets set shorter than ``MIN_SECRET_LENGTH``, located where
        the site (else the template) names their environment variable. They are accepted and
        redacted where rendered, but could not be scrubbed from a message a server echoes."""
        env = os.environ if env is None else env
        out: dict[str, ConfigError] = {}
        for name in sites or list(self.sites):
            site = self.site(name)
            template = self.template_for(site)
            overrides = self._overrides.get(site.name)
            for var_name, var in template.variables.items():
                if not var.is_secret:
                    continue
                source = (overrides.secrets.get(var_name) if overrides else None) or SecretSource(
                    var_name, var.env or "", var.required, template.location("variables", var_name, "env"))
                value = env.get(source.env)
                if value and len(value) < MIN_SECRET_LENGTH:
                    warning = ConfigError(f"secret {var_name} (${source.env}) is shorter than {MIN_SECRET_LENGTH} "
                                          "characters: it is redacted where harmonizer renders it, but use a "
                                          "longer value", source.location)
                    out.setdefault(str(warning), warning)
        return list(out.values())

    def check_on_version(self, site: str, state: DesiredState, major: int) -> list[ConfigError]:
        """Domains, code and field names of ``state`` on Odoo ``major`` (the version a server
        reported): what ``validate`` could only check against every version it might be."""
        def check() -> list[ConfigError]:
            raws = {raw.address: raw for raw in self.template_for(site).resources}
            return check_resources(state.resources, [major], _locator(raws))

        # A plan and the verification after its apply check the same rendered state.
        return list(_CHECKED.get(state, (site, major), check))

    def _render(self, site: Site, env: Mapping[str, str], *, defaults_only: bool, placeholders: bool,
                allow_expired: bool = True, today: str | None = None
                ) -> tuple[DesiredState | None, dict[str, RenderedResource], list[ConfigError]]:
        template = self.template_for(site)
        overrides = self._overrides[site.name]
        context, errors = _context(template, site, overrides, env, defaults_only=defaults_only,
                                   placeholders=placeholders)
        if errors:
            return None, {}, errors
        today = today or _today()  # exclusions expire: the day is part of what a render depends on
        key = (id(site), id(template), context_key(context), allow_expired, today)
        found = self._renders.get(key)
        if found is None:
            found = self._renders[key] = self._render_with(site, template, context, allow_expired, today)
        return found

    def _render_with(self, site: Site, template: Template, context: RenderContext, allow_expired: bool,
                     today: str) -> tuple[DesiredState | None, dict[str, RenderedResource], list[ConfigError]]:
        rendered, errors = render_template(template, context)
        raws = {raw.address: raw for raw in template.resources}
        # Policy blocks compile to ordinary resources, after the hand-written ones.
        compiled, found = render_blocks(template, BodyRenderer(context), {a: r.location for a, r in raws.items()})
        errors.extend(found)
        rendered.update(compiled.resources)
        # The site's own resources (sites/<site>/), after the template's.
        local_raws = {raw.address: raw for raw in site.local}
        local, found = render_raws(site.local, context, local=True)
        errors.extend(found)
        declared = {**{a: r.location for a, r in raws.items()},
                    **{a: r.resource.location for a, r in compiled.resources.items()}}
        local_compiled = CompiledBlocks()
        if site.local_blocks:
            local_compiled, found = render_blocks(replace(template, blocks=site.local_blocks),
                                                  BodyRenderer(context, local=True),
                                                  {**declared, **{a: r.location for a, r in local_raws.items()}})
            errors.extend(found)
            local.update(local_compiled.resources)
        errors.extend(check_local_names(list(local), declared, {a: r.resource.location for a, r in local.items()}))
        rendered.update({a: r for a, r in local.items() if a not in declared})
        rendered, excluded, found = apply_exclusions(site, template, rendered, today=today,
                                                     allow_expired=allow_expired)
        errors.extend(found)
        resources = {address: item.resource for address, item in rendered.items()}
        everything = {**raws, **local_raws}
        errors.extend(check_references(resources, everything,
                                       compiled.addresses | local_compiled.addresses | set(excluded)))
        errors.extend(check_template_to_local(resources, everything, site.name))
        if not errors:
            errors.extend(check_resources(resources, _majors(site), _locator(everything)))
        if errors:
            return None, rendered, errors
        access, found = _access(compiled.access, site)
        if found:
            return None, rendered, found
        state = DesiredState(site=site.name, template=template.name, template_version=template.version,
                             scope=site.scope, resources=resources, policies=compiled.policies, access=access,
                             excluded=excluded)
        return state, rendered, []

    def _known(self) -> str:
        return ", ".join(self.sites) or "none"


def _access(spec: AccessSpec | None, site: Site) -> tuple[AccessSpec | None, list[ConfigError]]:
    """The template's access policy with the site's exceptions, each naming a rule it has."""
    if not site.access_exceptions:
        return spec, []
    if spec is None:
        return None, [ConfigError("access_exceptions: the template has no access_policy block to accept "
                                  "exceptions to", site.access_exceptions[0].location)]
    known = spec.rule_names()
    errors = [ConfigError(f"access_exceptions: unknown access rule {e.rule!r} (rules: {', '.join(sorted(known))})",
                          e.location) for e in site.access_exceptions if e.rule not in known]
    return (None, errors) if errors else (spec.with_exceptions(site.access_exceptions), [])


def _majors(site: Site) -> tuple[int, ...]:
    """The Odoo versions a site may run: its declared (sandbox) version, else every known one."""
    declared = site.odoo.odoo_version if site.odoo.is_sandbox else None
    return (int(declared.split(".")[0]),) if declared else MAJORS


def _locator(raws: Mapping[str, RawResource]) -> Callable[[Resource, str, int], Location]:
    """Findings inside a literal block scalar (``code: |``) go to their own line; any other
    value's findings to its key's line."""
    def locate(resource: Resource, key: str, line: int) -> Location:
        where = resource.location_of(key)
        raw = raws.get(resource.address)
        node = raw.body.get(key) if raw is not None else None
        if isinstance(node, LiteralScalarString) and where.line is not None:
            return Location(where.file, where.line + line)
        return where
    return locate


def _today() -> str:
    return dt.date.today().isoformat()


def _context(template: Template, site: Site, overrides: SiteOverrides, env: Mapping[str, str], *,
             defaults_only: bool, placeholders: bool) -> tuple[RenderContext, list[ConfigError]]:
    values: dict[str, Any] = {}
    secret_names: set[str] = set()
    placeholder_names: set[str] = set()
    errors: list[ConfigError] = []
    for name, var in template.variables.items():
        if not var.is_secret:
            # defaults_only: the template's standard values (secrets still come from the site's source).
            use_site = name in overrides.values and not defaults_only
            values[name] = overrides.values[name] if use_site else var.default
            continue
        secret_names.add(name)
        source = overrides.secrets.get(name) or SecretSource(name, var.env or "", var.required,
                                                             template.location("variables", name, "env"))
        value = env.get(source.env)
        if value is None and placeholders:
            value = f"<secret {name}>"
            placeholder_names.add(name)
        elif value is None and source.required:
            errors.append(ConfigError(f"environment variable {source.env} is not set (secret variable {name} "
                                      f"of site {site.name})", source.location))
        values[name] = "" if value is None else value
    context = RenderContext(
        values=values,
        site={"name": site.name, "tags": list(site.tags), "company": site.scope.company,
              "warehouse": site.scope.warehouse},
        template={"name": template.name, "version": template.version},
        secret_names=frozenset(secret_names), placeholder_names=frozenset(placeholder_names))
    return context, errors


def load_project(root: Path) -> Project:
    """Read and check every template and site under ``root``; raises ``ConfigErrors``."""
    root = Path(root)
    templates_dir, sites_dir = root / TEMPLATES_DIR, root / SITES_DIR
    if not templates_dir.is_dir() and not sites_dir.is_dir():
        raise ConfigErrors([ConfigError(f"not a harmonizer project: no {TEMPLATES_DIR}/ nor {SITES_DIR}/ folder",
                                        Location(str(root)))])
    errors: list[ConfigError] = []
    templates: dict[str, Template] = {}
    kept_folders: list[Path] = []
    broken: set[str] = set()
    for folder in _children(templates_dir):
        if folder.is_dir() and folder_identity(folder)[1] is not None:
            kept_folders.append(folder)
        elif folder.is_dir():
            template, found = load_template(folder, root)
            errors.extend(found)
            if template is not None:
                templates[template.name] = template
            else:
                broken.add(folder.name)
    kept = _load_kept(kept_folders, templates, broken, root, errors)
    sites: dict[str, Site] = {}
    for path in _children(sites_dir):
        if path.suffix == ".yml":
            errors.append(ConfigError("site files end in .yaml: rename this file", Location(relative(path, root))))
        if path.is_dir() and not (path.parent / f"{path.name}.yaml").is_file():
            errors.append(ConfigError(f"site folder {path.name}/ has no site file {path.name}.yaml beside it "
                                      "(a site's own resources live next to its site file)",
                                      Location(relative(path, root))))
        if path.suffix != ".yaml" or not path.is_file():
            continue
        site, found = load_site(path, root)
        errors.extend(found)
        if site is not None:
            sites[site.name] = site
    project = Project(root=root, templates=templates, sites=sites, kept=kept)
    for site in sites.values():
        overrides, found = check_site(site, templates, broken, kept)
        errors.extend(found)
        if overrides is not None:
            project._overrides[site.name] = overrides
    if errors:
        raise ConfigErrors(errors)
    return project


def _load_kept(folders: list[Path], templates: dict[str, Template], broken: set[str], root: Path,
               errors: list[ConfigError]) -> dict[str, dict[str, Template]]:
    """Kept versions (``name@version`` folders); each needs the current ``name/`` folder beside it."""
    kept: dict[str, dict[str, Template]] = {}
    for folder in folders:
        name, version = folder_identity(folder)
        where = Location(relative(folder, root))
        if name not in templates:
            if name not in broken:
                errors.append(ConfigError(f"kept template version {folder.name} has no current version "
                                          f"beside it ({TEMPLATES_DIR}/{name}/)", where))
            continue
        template, found = load_template(folder, root)
        errors.extend(found)
        if template is None or found:
            continue
        if version == templates[name].version:
            errors.append(ConfigError(f"version {version!r} is also the current version of {name} "
                                      f"({templates[name].file}): keep one of them", where))
            continue
        kept.setdefault(name, {})[template.version] = template
    return kept


def _children(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
