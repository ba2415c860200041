"""Odoo's compute dependencies of the fields harmonizer writes, per model.

Two sources, one shape (``Dependencies``):
- a live server: ``fields_get(fields, attributes=["depends", "related", "store", "readonly",
  "type", "relation"])`` answers Odoo's own ``depends`` of every field over RPC (one call per
  model; ``ir.model.fields.depends`` is filled only for custom fields); ``fetch`` asks once
  per model and ``DependencyCache`` keeps the answers per Odoo version for a run;
- offline: the version's reference, shipped in ``harmonizer/coupling/data/<version>.json``
  (built by ``scripts/build_dependencies.py`` from a real server's answers), for ``validate``.
  A version without a shipped file falls back to the nearest one, and ``note`` says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

DATA = Path(__file__).parent / "data"
ATTRIBUTES = ["depends", "related", "store", "readonly", "type", "relation"]


@dataclass(frozen=True)
class FieldDeps:
    """One field's compute dependencies: Odoo's ``depends`` paths (``product_id.list_price``)."""

    model: str
    name: str
    type: str
    depends: tuple[str, ...] = ()
    related: str | None = None
    store: bool = False
    readonly: bool = False
    relation: str | None = None

    @property
    def computed(self) -> bool:
        return bool(self.depends or self.related)

    @property
    def through(self) -> tuple[str, ...]:
        """Paths through another record (``product_id.list_price``), shortest first."""
        return tuple(sorted((p for p in self.depends if "." in p), key=lambda p: (p.count("."), p)))

    def describe(self) -> str:
        """``fixed_price depends on product_id.list_price, product_id.product_tmpl_id.list_price``."""
        if self.related:
            return f"{self.name} is related to {self.related}"
        return f"{self.name} depends on {', '.join(self.depends)}"


@dataclass(frozen=True)
class Dependencies:
    """Compute dependencies by model and field, with where they came from."""

    version: str
    source: str
    models: Mapping[str, Mapping[str, FieldDeps]] = field(default_factory=dict)
    #: Set when the data is another version's (no data shipped for this one).
    note: str | None = None

    def of(self, model: str, name: str) -> FieldDeps | None:
        found = self.models.get(model, {}).get(name)
        return found if found is not None and found.computed else None

    def relation_of(self, model: str, name: str) -> str | None:
        found = self.models.get(model, {}).get(name)
        return found.relation if found is not None else None

    def merged(self, other: Dependencies) -> Dependencies:
        """These models plus ``other``'s (``other`` wins for a model both have)."""
        return Dependencies(self.version, self.source, {**self.models, **other.models}, self.note)


def _field(model: str, name: str, raw: Mapping[str, Any]) -> FieldDeps:
    return FieldDeps(model=model, name=name, type=str(raw.get("type") or ""),
                     depends=tuple(dict.fromkeys(raw.get("depends") or ())),
                     related=raw.get("related") or None, store=bool(raw.get("store")),
                     readonly=bool(raw.get("readonly")), relation=raw.get("relation") or None)


class _Fields(Mapping[str, FieldDeps]):
    """One model's ``fields_get`` answer as ``FieldDeps`` by name, each made when first asked:
    an answer lists every field of the model, the analysis asks about the few written."""

    def __init__(self, model: str, raw: Mapping[str, Mapping[str, Any]]) -> None:
        self._model = model
        self._raw = raw
        self._made: dict[str, FieldDeps] = {}

    def __getitem__(self, name: str) -> FieldDeps:
        found = self._made.get(name)
        if found is None:
            found = self._made[name] = _field(self._model, name, self._raw[name])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, name: object) -> bool:
        return name in self._raw


def from_answers(version: str, source: str, answers: Mapping[str, Mapping[str, Mapping[str, Any]]]
                 ) -> Dependencies:
    """``answers``: model -> the ``fields_get`` answer of that model."""
    return Dependencies(version, source, {model: _Fields(model, fields) for model, fields in answers.items()})


def shipped_versions() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.json"))


@cache
def reference(version: str) -> Dependencies:
    """The shipped reference of ``version`` ("17.0"), or of the nearest version shipped."""
    versions = shipped_versions()
    if not versions:
        return Dependencies(version, "none", {}, "no compute dependencies are shipped")
    chosen = version if version in versions else min(versions, key=lambda v: abs(float(v) - float(version)))
    raw = json.loads((DATA / f"{chosen}.json").read_text(encoding="utf-8"))
    deps = from_answers(version, f"reference {chosen}", raw["models"])
    if chosen != version:
        return Dependencies(version, deps.source, deps.models,
                            f"no compute dependencies of Odoo {version} are shipped: using {chosen}'s")
    return deps


class FieldsClient(Protocol):
    def fields_get(self, model: str, fields: Any = None, attributes: Any = None, *,
                   context: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]: ...


def fetch(client: FieldsClient, version: str, models: Iterable[str]) -> Dependencies:
    """Ask a live server: one ``fields_get`` per model (every field, six attributes)."""
    answers = {model: client.fields_get(model, None, ATTRIBUTES) for model in sorted(set(models))}
    return from_answers(version, "server", answers)


class DependencyCache:
    """Answers of live servers for one run, per Odoo version (``17.0-20240709``) and model:
    a model is asked once per version, whatever the number of sites."""

    def __init__(self) -> None:
        self._known: dict[str, dict[str, Mapping[str, FieldDeps]]] = {}

    def get(self, client: FieldsClient, version: str, models: Iterable[str]) -> Dependencies:
        known = self._known.setdefault(version, {})
        missing = sorted(set(models) - set(known))
        if missing:
            known.update(fetch(client, version, missing).models)
        return Dependencies(version, "server", dict(known))  # the per-model mappings are read-only
