"""Site templates: ``site_templates/<name>/template.yaml`` plus its resource files, unrendered.

Rules:
- ``template.yaml`` holds ``name`` (equal to the folder name), ``version`` (a string),
  ``description`` and ``variables``; unknown keys are refused.
- Several versions of one template live side by side: ``site_templates/<name>/`` is the
  current one, ``site_templates/<name>@<version>/`` a kept (usually older) one whose
  ``template.yaml`` must say ``name: <name>`` and ``version: "<version>"``. Sites pin the
  version they follow (``template_version``); a rollout moves the pins.
- Every other ``*.yaml`` file in the folder, in file-name order, is a resource file: its
  top-level keys are kind keys of ``harmonizer.kinds.registry.KINDS``, each mapping resource
  names (``^[a-z][a-z0-9]*(_[a-z0-9]+)*$``, unique per kind across the template) to a body.
- A top-level key of a resource file may also be a policy block key
  (``harmonizer.policy.BLOCKS``: ``approval_matrix``, ``escalation``, ...): a mapping kept
  as a round-trip node (``RawBlock``), at most once per template, compiled per site into
  ordinary resources (see ``harmonizer.config.blocks``).
- Bodies are kept as round-trip nodes: rendering happens per site (``render``), because
  Jinja expressions may use the site's name, tags and scope.
- ``local_kinds`` lists what a site may declare in its own folder (``sites/<site>/``): resource
  kind keys and, to allow them, policy block keys; empty by default (nothing local).
- ``mandatory: true`` on a resource body (or on a policy block rule) is a meta key: no site
  may exclude it (``checks.check_exclusions``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml.comments import CommentedMap

from harmonizer.config.validation import validate_model
from harmonizer.config.variables import Variable, parse_variables
from harmonizer.config.yamlio import line_of, load_mapping, relative, type_name
from harmonizer.errors import ConfigError, Location
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Level, address_of
from harmonizer.policy import BLOCKS

TEMPLATE_FILE = "template.yaml"
#: Separates a template's name from a kept version in a folder name (``name@1.0.0``).
VERSION_SEPARATOR = "@"
RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
#: Meta key of a resource body or policy rule: sites may not exclude it.
MANDATORY = "mandatory"


class TemplateSpec(BaseModel):
    """The header file ``template.yaml`` as written."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    name: str = Field(description="The template's name: equal to its folder name")
    version: str = Field(description="The template's version (a string, e.g. \"1.2.0\")")
    description: str | None = None
    variables: dict[str, Any] = Field(default={}, description="Variable declarations: type, default, bounds, "
                                                               "overridable, ...")
    local_kinds: list[str] = Field(default=[], description="Resource kinds (and policy blocks) a site may "
                                                           "declare in its own folder sites/<site>/")


@dataclass(frozen=True)
class RawResource:
    """One resource as declared in a template file: its body is a round-trip YAML node."""

    kind: str
    name: str
    body: CommentedMap
    file: str
    location: Location

    @functools.cached_property
    def address(self) -> str:  # kept in the instance's __dict__: not a field (equality ignores it)
        return address_of(self.kind, self.name)


@dataclass(frozen=True)
class RawBlock:
    """One policy block as declared in a template file (``approval_matrix: {...}``), unrendered."""

    key: str
    body: CommentedMap
    file: str
    location: Location


#: Approval matrix keys that compile to a company-level resource (``company_settings``).
_COMPANY_BLOCK_KEYS = ("purchase", "credit")


@dataclass(frozen=True)
class Template:
    """A loaded, checked template (not yet rendered for any site)."""

    name: str
    version: str
    description: str | None
    path: Path
    file: str
    variables: dict[str, Variable]
    resources: tuple[RawResource, ...]
    #: Resource files (relative to the project root), in the order they were read.
    resource_files: tuple[str, ...] = ()
    #: Policy blocks, in ``BLOCKS`` order (each key at most once per template).
    blocks: tuple[RawBlock, ...] = ()
    #: Kind keys (and policy block keys) a site may declare locally (``local_kinds``).
    local_kinds: tuple[str, ...] = ()
    _node: CommentedMap = field(default_factory=CommentedMap, repr=False, compare=False)

    def location(self, *path: str) -> Location:
        """Where ``path`` (e.g. ``"version"``, ``"variables", "x"``) is written in template.yaml."""
        return Location(self.file, line_of(self._node, path))

    @property
    def levels(self) -> set[str]:
        """The levels (``database``/``company``/``warehouse``) of the kinds this template uses.

        Policy blocks compile to database-level records, except the approval matrix's
        ``purchase``/``credit`` settings (the site's company).
        """
        levels = {KINDS[r.kind].level.value for r in self.resources}
        if self.blocks:
            levels.add(Level.DATABASE.value)
        if any(b.key == "approval_matrix" and any(k in b.body for k in _COMPANY_BLOCK_KEYS) for b in self.blocks):
            levels.add(Level.COMPANY.value)
        return levels


def folder_identity(folder: Path) -> tuple[str, str | None]:
    """``x`` -> ("x", None) for the current version; ``x@1.0.0`` -> ("x", "1.0.0") for a kept one."""
    name, sep, version = folder.name.partition(VERSION_SEPARATOR)
    return name, (version if sep else None)


def load_template(folder: Path, root: Path) -> tuple[Template | None, list[ConfigError]]:
    """Read and check one template folder; ``None`` when its header is unusable."""
    expected_name, expected_version = folder_identity(folder)
    header = folder / TEMPLATE_FILE
    file = relative(header, root)
    if not header.is_file():
        return None, [ConfigError(f"template folder has no {TEMPLATE_FILE}", Location(relative(folder, root)))]
    try:
        node = load_mapping(header, file)
    except ConfigError as exc:
        return None, [exc]
    spec, errors = validate_model(TemplateSpec, node, file)
    raw_variables = node.get("variables")
    variables, found = parse_variables(raw_variables if isinstance(raw_variables, CommentedMap)
                                       else CommentedMap(), file)
    errors.extend(found)
    if spec is None:
        return None, errors
    if spec.name != expected_name:
        errors.append(ConfigError(f"name {spec.name!r} must equal the template folder name {expected_name!r}",
                                  Location(file, line_of(node, ("name",)))))
    if expected_version is not None and spec.version != expected_version:
        errors.append(ConfigError(f"version {spec.version!r} must equal the version in the folder name "
                                  f"{folder.name!r}", Location(file, line_of(node, ("version",)))))
    for i, key in enumerate(spec.local_kinds):
        if key not in KINDS and key not in BLOCKS:
            errors.append(ConfigError(f"local_kinds[{i}]: {key!r} is neither a resource kind nor a policy block "
                                      f"(kinds: {', '.join(sorted(KINDS))}; blocks: {', '.join(BLOCKS)})",
                                      Location(file, line_of(node, ("local_kinds", i)))))
    resources, blocks, files, found = read_resource_folder(folder, root)
    errors.extend(found)
    template = Template(name=expected_name, version=spec.version, description=spec.description, path=folder,
                        file=file, variables=variables, resources=tuple(resources),
                        resource_files=tuple(files), blocks=tuple(blocks), local_kinds=tuple(spec.local_kinds),
                        _node=node)
    return template, errors


def is_mandatory(body: CommentedMap | Any) -> bool:
    """Does a resource body (or a policy rule's body) say ``mandatory: true``?"""
    return isinstance(body, dict) and body.get(MANDATORY) is True


def read_resource_folder(folder: Path, root: Path
                         ) -> tuple[list[RawResource], list[RawBlock], list[str], list[ConfigError]]:
    """The resources and policy blocks of every ``*.yaml`` file of ``folder`` but ``template.yaml``
    (a template folder, or a site's own folder; nothing when it does not exist)."""
    if not folder.is_dir():
        return [], [], [], []
    return _load_resources(folder, root)


def _load_resources(folder: Path, root: Path
                    ) -> tuple[list[RawResource], list[RawBlock], list[str], list[ConfigError]]:
    resources: list[RawResource] = []
    blocks: dict[str, RawBlock] = {}
    seen: dict[str, Location] = {}
    files: list[str] = []
    errors: list[ConfigError] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.suffix == ".yml":
            errors.append(ConfigError("resource files end in .yaml: rename this file",
                                      Location(relative(path, root))))
        if path.name == TEMPLATE_FILE or path.suffix != ".yaml" or not path.is_file():
            continue
        file = relative(path, root)
        files.append(file)
        try:
            doc = load_mapping(path, file, allow_empty=True)
        except ConfigError as exc:
            errors.append(exc)
            continue
        for resource in _file_resources(doc, file, errors):
            earlier = seen.get(resource.address)
            if earlier is not None:
                errors.append(ConfigError(f"{resource.address} is declared twice (first at {earlier})",
                                          resource.location))
                continue
            seen[resource.address] = resource.location
            resources.append(resource)
        for block in _file_blocks(doc, file, errors):
            earlier_block = blocks.get(block.key)
            if earlier_block is not None:
                errors.append(ConfigError(f"policy block {block.key} is declared twice (first at "
                                          f"{earlier_block.location}): keep one", block.location))
                continue
            blocks[block.key] = block
    ordered = [blocks[key] for key in BLOCKS if key in blocks]
    return resources, ordered, files, errors


def _file_blocks(doc: CommentedMap, file: str, errors: list[ConfigError]) -> list[RawBlock]:
    out: list[RawBlock] = []
    for key, body in doc.items():
        if key not in BLOCKS:
            continue
        where = Location(file, line_of(doc, (key,)))
        if not isinstance(body, CommentedMap):
            errors.append(ConfigError(f"{key}: expected a mapping (the policy block's body), found "
                                      f"{type_name(body)}", where))
            continue
        out.append(RawBlock(key, body, file, where))
    return out


def _file_resources(doc: CommentedMap, file: str, errors: list[ConfigError]) -> list[RawResource]:
    out: list[RawResource] = []
    for kind, names in doc.items():
        where = Location(file, line_of(doc, (kind,)))
        if kind in BLOCKS:
            continue  # a policy block: see _file_blocks
        if kind not in KINDS:
            known = ", ".join(sorted(KINDS))
            errors.append(ConfigError(f"unknown resource kind {kind!r} (known kinds: {known}; policy blocks: "
                                      f"{', '.join(BLOCKS)})", where))
            continue
        if not isinstance(names, CommentedMap):
            errors.append(ConfigError(f"{kind}: expected a mapping of resource names to bodies, "
                                      f"found {type_name(names)}", where))
            continue
        for name, body in names.items():
            at = Location(file, line_of(names, (name,)))
            if not isinstance(name, str) or not RESOURCE_NAME.match(name):
                errors.append(ConfigError(
                    f"{kind}: resource name {name!r} must match ^[a-z][a-z0-9]*(_[a-z0-9]+)*$", at))
            elif not isinstance(body, CommentedMap):
                errors.append(ConfigError(f"{kind}.{name}: expected a mapping body, found {type_name(body)}", at))
            else:
                out.append(RawResource(kind, name, body, file, at))
    return out
