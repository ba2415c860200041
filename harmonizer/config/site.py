"""Site files: ``sites/<name>.yaml``, the Odoo to reach, the scope it manages, its overrides.

Rules:
- The site name is the file stem; it may not be ``all`` nor contain ``,`` or ``=`` (those
  belong to the selection syntax).
- ``odoo.url`` is ``https://host[:port]`` (plain ``http`` only to loopback or with
  ``insecure: true``) or ``sandbox://NAME``. A non-sandbox site needs ``database`` and
  ``password_env`` and ``login``; a sandbox site defaults ``database`` to NAME and ``login``
  to ``admin``, and alone may set ``odoo_version`` (default 17.0).
- The password is never written in a site file, only the name of the environment variable
  that holds it (``password_env``); ``Site.secret`` reads it.
- ``scope.warehouse`` needs ``scope.company`` (a warehouse belongs to one company).
- ``waivers`` are accepted and validated (address, field, owner, reason, expires);
  ``harmonizer.drift`` applies them (a valid waiver turns that drift into "waived").
- ``access_exceptions`` (rule, login, owner, reason, expires) accept an access policy
  finding for one user; their rule is checked against the template's ``access_policy``.
- ``exclude`` entries (address, owner, reason, optional expires) name a template resource
  (``kind.name``) or a policy block rule (``block.rule``) the site leaves out; each address
  at most once. What they may name is checked against the template (``checks``).
- Site-local resources: ``sites/<name>/*.yaml``, beside the site file, in the template's
  resource-file format (``Site.local``: unrendered ``RawResource``s, ``Site.local_blocks``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml.comments import CommentedMap

from harmonizer.access.spec import AccessException
from harmonizer.config.template import RawBlock, RawResource, read_resource_folder
from harmonizer.config.validation import validate_model
from harmonizer.config.variables import ENV_NAME
from harmonizer.config.yamlio import line_of, load_mapping, plain, relative
from harmonizer.errors import ConfigError, HarmonizerError, Location
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Exclusion, Scope
from harmonizer.odoo.settings import SANDBOX_SCHEME, ConnectionSettings, parse_url
from harmonizer.policy import BLOCKS

SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ADDRESS = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9]*(?:_[a-z0-9]+)*)$")
SANDBOX_VERSIONS = ("16.0", "17.0", "18.0", "19.0")
DEFAULT_SANDBOX_VERSION = "17.0"
DEFAULT_SANDBOX_LOGIN = "admin"


class OdooSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    url: str
    database: str | None = None
    login: str | None = None
    password_env: str | None = None
    protocol: Literal["xmlrpc", "jsonrpc", "json2"] | None = None
    odoo_version: Literal["16.0", "17.0", "18.0", "19.0"] | None = None
    timeout: float | None = Field(default=None, gt=0)
    insecure: bool = False


class ScopeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    company: str | None = None
    warehouse: str | None = None


class AcceptedSpec(BaseModel):
    """What every accepted deviation carries: who owns it, why, until when."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    owner: str
    reason: str
    expires: dt.date = Field(strict=False)


class WaiverSpec(AcceptedSpec):
    address: str
    field: str


class AccessExceptionSpec(AcceptedSpec):
    rule: str
    login: str


class ExclusionSpec(BaseModel):
    """One ``exclude:`` entry: a template resource or policy rule this site leaves out."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    address: str = Field(description="kind.name of a template resource, or block.rule of a policy block rule")
    owner: str = Field(description="Who decided the exclusion (a person or team)")
    reason: str = Field(description="Why the resource does not apply to this site")
    expires: dt.date | None = Field(default=None, strict=False,
                                    description="Last day the exclusion holds (YYYY-MM-DD); none: until removed")


class SiteSpec(BaseModel):
    """A site file as written."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    template: str
    template_version: str | None = None
    description: str | None = None
    tags: list[str] = []
    odoo: OdooSpec
    scope: ScopeSpec = ScopeSpec()
    variables: dict[str, Any] = {}
    waivers: list[WaiverSpec] = []
    access_exceptions: list[AccessExceptionSpec] = []
    exclude: list[ExclusionSpec] = []


@dataclass(frozen=True)
class OdooSettings:
    """How to reach the site's Odoo (the password itself is only ever read from the environment)."""

    url: str
    database: str
    login: str
    password_env: str | None = None
    protocol: str | None = None
    odoo_version: str | None = None
    timeout: float | None = None
    insecure: bool = False

    @property
    def is_sandbox(self) -> bool:
        return self.url.lower().startswith(f"{SANDBOX_SCHEME}://")

    @property
    def database_key(self) -> tuple[str, str]:
        """Identifies one Odoo database: sites with equal keys share every database-level record."""
        return parse_url(self.url, insecure=self.insecure).display.lower(), self.database


@dataclass(frozen=True)
class Waiver:
    """An accepted, owned and dated exception to the template for one field of one resource."""

    address: str
    field: str
    owner: str
    reason: str
    expires: dt.date
    location: Location


@dataclass(frozen=True)
class Site:
    """A loaded site file. ``variables`` is the raw mapping as written (checked at load)."""

    name: str
    path: Path
    file: str
    template: str
    template_version: str | None
    description: str | None
    tags: tuple[str, ...]
    odoo: OdooSettings
    scope: Scope
    variables: Mapping[str, Any]
    waivers: tuple[Waiver, ...] = ()
    #: Accepted exceptions to the template's access policy (checked against it at render).
    access_exceptions: tuple[AccessException, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    #: Site-local resources (``sites/<name>/*.yaml``), unrendered, in file then declaration order.
    local: tuple[RawResource, ...] = ()
    #: Policy blocks written in the site's folder (see ``checks.check_local``).
    local_blocks: tuple[RawBlock, ...] = ()
    #: The site folder's resource files (relative to the project root), in the order read.
    local_files: tuple[str, ...] = ()
    _node: CommentedMap = field(default_factory=CommentedMap, repr=False, compare=False)

    def location(self, key: str = "") -> Location:
        """Where dotted ``key`` (e.g. ``"odoo.password_env"``) is written; the file's top if empty."""
        path = tuple(key.split(".")) if key else ()
        return Location(self.file, line_of(self._node, path))

    @property
    def node(self) -> CommentedMap:
        """The round-trip document (for locating values inside ``variables``)."""
        return self._node

    def secret(self, env: Mapping[str, str] | None = None) -> str | None:
        """The Odoo password or API key from the environment (``None`` for a sandbox without one)."""
        env = os.environ if env is None else env
        name = self.odoo.password_env
        if name is None:
            return None  # only sandbox sites may omit password_env (checked at load)
        value = env.get(name)
        if value is None and not self.odoo.is_sandbox:
            raise ConfigError(f"environment variable {name} is not set (password for site {self.name})",
                              self.location("odoo.password_env"))
        return value

    def connection_settings(self, env: Mapping[str, str] | None = None, *,
                            sandbox_home: Path | None = None) -> ConnectionSettings:
        """The settings to connect with (reads the password from ``env``, default the process's)."""
        extra: dict[str, Any] = {} if self.odoo.timeout is None else {"timeout": float(self.odoo.timeout)}
        return ConnectionSettings(
            url=self.odoo.url, database=self.odoo.database, login=self.odoo.login,
            secret=self.secret(env) or "", protocol=self.odoo.protocol,  # type: ignore[arg-type]
            insecure=self.odoo.insecure, sandbox_home=sandbox_home,
            sandbox_version=self.odoo.odoo_version or DEFAULT_SANDBOX_VERSION, **extra)


def load_site(path: Path, root: Path) -> tuple[Site | None, list[ConfigError]]:
    """Read and check one site file on its own (checks against its template live in ``checks``)."""
    file = relative(path, root)
    try:
        node = load_mapping(path, file)
    except ConfigError as exc:
        return None, [exc]
    errors: list[ConfigError] = []
    if not SITE_NAME.match(path.stem) or path.stem == "all":
        errors.append(ConfigError(f"site name {path.stem!r} (the file name) must match "
                                  "[A-Za-z0-9][A-Za-z0-9_.-]* and not be 'all'", Location(file, 1)))
    spec, found = validate_model(SiteSpec, node, file)
    errors.extend(found)
    if spec is None:
        return None, errors
    odoo, found = _odoo_settings(spec.odoo, node, file)
    errors.extend(found)
    errors.extend(_check_rest(spec, node, file))
    if odoo is None:
        return None, errors
    waivers = tuple(Waiver(w.address, w.field, w.owner, w.reason, w.expires,
                           Location(file, line_of(node, ("waivers", i))))
                    for i, w in enumerate(spec.waivers))
    exceptions = tuple(AccessException(e.rule, e.login, e.owner, e.reason, e.expires,
                                       Location(file, line_of(node, ("access_exceptions", i))))
                       for i, e in enumerate(spec.access_exceptions))
    exclusions = tuple(Exclusion(e.address, e.owner, e.reason, e.expires.isoformat() if e.expires else None,
                                 Location(file, line_of(node, ("exclude", i, "address"))))
                       for i, e in enumerate(spec.exclude))
    local, blocks, files, found = read_resource_folder(path.with_suffix(""), root)
    errors.extend(found)
    site = Site(name=path.stem, path=path, file=file, template=spec.template,
                template_version=spec.template_version, description=spec.description, tags=tuple(spec.tags),
                odoo=odoo, scope=Scope(spec.scope.company, spec.scope.warehouse),
                variables=plain(node.get("variables") or {}), waivers=waivers, access_exceptions=exceptions,
                exclusions=exclusions, local=tuple(local), local_blocks=tuple(blocks),
                local_files=tuple(files), _node=node)
    return site, errors


def _odoo_settings(spec: OdooSpec, node: CommentedMap, file: str
                   ) -> tuple[OdooSettings | None, list[ConfigError]]:
    def at(key: str) -> Location:
        return Location(file, line_of(node, ("odoo", key)))

    try:
        endpoint = parse_url(spec.url, insecure=spec.insecure)
    except HarmonizerError as exc:
        return None, [ConfigError(f"odoo.url: {exc}", at("url"))]
    errors: list[ConfigError] = []
    if endpoint.is_sandbox:
        database = spec.database or endpoint.host
        login = spec.login or DEFAULT_SANDBOX_LOGIN
    else:
        database, login = spec.database or "", spec.login or ""
        errors += [ConfigError(f"odoo: missing required key {key!r} (required for {endpoint.display})",
                               at(key) if key in node["odoo"] else Location(file, line_of(node, ("odoo",))))
                   for key in ("database", "login", "password_env") if getattr(spec, key) is None]
        if spec.odoo_version is not None:
            errors.append(ConfigError("odoo.odoo_version: only sandbox:// sites set it "
                                      "(a real server's version is detected)", at("odoo_version")))
    if spec.password_env is not None and not ENV_NAME.match(spec.password_env):
        errors.append(ConfigError(f"odoo.password_env: {spec.password_env!r} is not an environment variable "
                                  "name (write the variable's name, never the password)", at("password_env")))
    settings = OdooSettings(url=spec.url, database=database, login=login, password_env=spec.password_env,
                            protocol=spec.protocol,
                            odoo_version=spec.odoo_version or (DEFAULT_SANDBOX_VERSION
                                                               if endpoint.is_sandbox else None),
                            timeout=spec.timeout, insecure=spec.insecure)
    return settings, errors


def _check_rest(spec: SiteSpec, node: CommentedMap, file: str) -> list[ConfigError]:
    errors: list[ConfigError] = []
    for i, tag in enumerate(spec.tags):
        if not TAG.match(tag):
            errors.append(ConfigError(f"tags[{i}]: tag {tag!r} must match [A-Za-z0-9][A-Za-z0-9_.-]*",
                                      Location(file, line_of(node, ("tags", i)))))
    if spec.scope.warehouse is not None and spec.scope.company is None:
        errors.append(ConfigError("scope: a warehouse needs its 'company'",
                                  Location(file, line_of(node, ("scope",)))))
    for i, waiver in enumerate(spec.waivers):
        match = ADDRESS.match(waiver.address)
        if match is None or match.group(1) not in KINDS:
            errors.append(ConfigError(
                f"waivers[{i}].address: {waiver.address!r} is not a resource address (kind.name, "
                f"kinds: {', '.join(sorted(KINDS))})", Location(file, line_of(node, ("waivers", i, "address")))))
    seen: dict[str, int] = {}
    for i, entry in enumerate(spec.exclude):
        where = Location(file, line_of(node, ("exclude", i, "address")))
        match = ADDRESS.match(entry.address)
        if match is None or (match.group(1) not in KINDS and match.group(1) not in BLOCKS):
            errors.append(ConfigError(
                f"exclude[{i}].address: {entry.address!r} is neither a resource address (kind.name, kinds: "
                f"{', '.join(sorted(KINDS))}) nor a policy rule (block.rule, blocks: {', '.join(BLOCKS)})", where))
        elif entry.address in seen:
            errors.append(ConfigError(f"exclude[{i}].address: {entry.address} is already excluded "
                                      f"(exclude[{seen[entry.address]}])", where))
        else:
            seen[entry.address] = i
        if not entry.reason.strip() or not entry.owner.strip():
            errors.append(ConfigError(f"exclude[{i}]: an exclusion needs a non-empty owner and reason", where))
    return errors
