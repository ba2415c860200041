"""Rollout files (``rollout.yaml``) and waves: which sites, in which order, how many at once.

A rollout file::

    name: distribution-1.1          # optional; default: the file name without .yaml
    template: distribution-standard # optional: every site of the rollout must follow it
    version: "1.1.0"                # optional: the template version the pins move to
    parallelism: 4                  # sites applied at once within a wave (default 4)
    waves:
      - name: pilot
        sites: [tag=pilot]          # selectors, as on the command line
      - name: rest
        sites: [all]
        parallelism: 8              # this wave only

Rules:
- A site belongs to the first wave that selects it; a wave left with no site is an error,
  so is a wave name given twice.
- When the rollout moves pins (``version``), sites sharing one Odoo database must be in the
  same wave: their database-level records are shared and cannot follow two versions.
- Waves may also come from tags (``waves_from_selectors(["tag=pilot", "all"])``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from harmonizer.config import Project
from harmonizer.config.validation import validate_model
from harmonizer.config.yamlio import load_mapping
from harmonizer.errors import ConfigError, ConfigErrors

DEFAULT_PARALLELISM = 4


class WaveSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    name: str
    sites: list[str] = Field(min_length=1)
    parallelism: int | None = Field(default=None, ge=1)


class RolloutFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    name: str | None = None
    template: str | None = None
    version: str | None = None
    parallelism: int = Field(default=DEFAULT_PARALLELISM, ge=1)
    waves: list[WaveSpec] = Field(min_length=1)


@dataclass(frozen=True)
class RolloutSpec:
    """A rollout as declared (selectors not yet resolved to sites)."""

    name: str
    waves: tuple[WaveSpec, ...]
    parallelism: int = DEFAULT_PARALLELISM
    template: str | None = None
    version: str | None = None

    def fingerprint(self) -> str:
        """Identifies the rollout's content: the resume state belongs to one fingerprint."""
        # Parallelism is left out: running the same rollout with more workers is a resume.
        data = {"waves": [[w.name, w.sites] for w in self.waves], "template": self.template,
                "version": self.version}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Wave:
    name: str
    sites: tuple[str, ...]
    parallelism: int


def load_rollout(path: Path) -> RolloutSpec:
    """Read a rollout file; problems are ``ConfigErrors`` located by file and line."""
    shown = path.name
    node = load_mapping(path, shown)
    spec, errors = validate_model(RolloutFile, node, shown)
    if spec is None or errors:
        raise ConfigErrors(errors)
    return RolloutSpec(name=spec.name or path.stem, waves=tuple(spec.waves), parallelism=spec.parallelism,
                       template=spec.template, version=spec.version)


def waves_from_selectors(selectors: list[str], *, name: str = "rollout", parallelism: int = DEFAULT_PARALLELISM,
                         version: str | None = None, template: str | None = None) -> RolloutSpec:
    """One wave per selector (``tag=pilot``, ``warehouse-3``, ``all``...), in the order given."""
    waves = tuple(WaveSpec(name=s.removeprefix("tag="), sites=[s]) for s in selectors)
    return RolloutSpec(name=name, waves=waves, parallelism=parallelism, template=template, version=version)


def resolve_waves(spec: RolloutSpec, project: Project) -> list[Wave]:
    """The sites of each wave (first wave wins), checked against the project."""
    seen: set[str] = set()
    waves: list[Wave] = []
    errors: list[str] = []
    names = [w.name for w in spec.waves]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"wave {dup!r} is declared twice")
    for wave in spec.waves:
        sites = [s.name for s in project.select(wave.sites) if s.name not in seen]
        if not sites:
            errors.append(f"wave {wave.name!r} has no site left (every site it selects is in an earlier wave)")
        seen.update(sites)
        waves.append(Wave(wave.name, tuple(sites), wave.parallelism or spec.parallelism))
    for name in sorted(seen):
        site = project.sites[name]
        if spec.template is not None and site.template != spec.template:
            errors.append(f"site {name} follows template {site.template}, not {spec.template}")
    if spec.version is not None:
        errors.extend(_shared_database_split(waves, project))
    if errors:
        raise ConfigErrors([ConfigError(f"rollout {spec.name}: {e}") for e in errors])
    return waves


def _shared_database_split(waves: list[Wave], project: Project) -> list[str]:
    wave_of: dict[tuple[str, str], tuple[str, str]] = {}
    errors = []
    for wave in waves:
        for name in wave.sites:
            key = project.sites[name].odoo.database_key
            first = wave_of.setdefault(key, (wave.name, name))
            if first[0] != wave.name:
                errors.append(f"sites {first[1]} and {name} share one Odoo database: put them in the same wave "
                              f"(now {first[0]!r} and {wave.name!r})")
    return errors
