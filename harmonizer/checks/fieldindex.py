"""The offline field index: which fields each model has on each Odoo version (16.0-19.0).

Read from the data files the package ships (``harmonizer/sandbox/schema/<serie>.json`` and
its ``supplement.json``: the ``fields_get`` answers captured from real Odoo servers); only
the data is read, none of the stand-in's code is used. A model the index does not hold is
*unknown*, not wrong: checks skip it (the online guard, Odoo itself, still answers). Models
marked ``"verified": false`` (written by hand, partial, e.g. ``sale.order.line``) are left
out: a field missing there says nothing about Odoo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from harmonizer.diskcache import derived

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "sandbox" / "schema"
#: Odoo versions the index knows.
MAJORS = (16, 17, 18, 19)
RELATIONAL = frozenset({"many2one", "one2many", "many2many"})


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type: str
    relation: str | None = None

    @property
    def relational(self) -> bool:
        return self.type in RELATIONAL


class FieldIndex:
    """Models and their fields on one Odoo version (``models``: model -> field -> (type, relation))."""

    def __init__(self, major: int, models: dict[str, dict[str, tuple[str, str | None]]]) -> None:
        self.major = major
        self.models = models
        self._infos: dict[tuple[str, str], FieldInfo | None] = {}

    @property
    def serie(self) -> str:
        return f"{self.major}.0"

    def knows(self, model: str) -> bool:
        return model in self.models

    def field(self, model: str, name: str) -> FieldInfo | None:
        found = self._infos.get((model, name), self)
        if found is self:
            spec = self.models.get(model, {}).get(name)
            found = self._infos[(model, name)] = None if spec is None else FieldInfo(name, *spec)
        return found  # type: ignore[return-value]

    def names(self, model: str) -> list[str]:
        return sorted(self.models.get(model, {}))


@cache
def field_index(major: int) -> FieldIndex:
    """The index of Odoo ``major`` (an empty one for a version the package has no data for).
    What it needs of the data files is kept between runs (``harmonizer.diskcache``)."""
    serie = f"{major}.0"
    path, supplement = SCHEMA_DIR / f"{serie}.json", SCHEMA_DIR / "supplement.json"
    return FieldIndex(major, derived(f"fields-{serie}", [path, supplement, Path(__file__)],
                                     lambda: _models(serie, path, supplement)))


def _models(serie: str, path: Path, supplement: Path) -> dict[str, dict[str, tuple[str, str | None]]]:
    models: dict[str, dict[str, tuple[str, str | None]]] = {}
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        _add(models, data.get("models", {}))
    if supplement.is_file():
        _add(models, json.loads(supplement.read_text(encoding="utf-8")).get(serie, {}))
    return models


def _add(models: dict[str, dict[str, tuple[str, str | None]]], source: dict[str, Any]) -> None:
    for model, spec in source.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("fields"), dict) or spec.get("verified") is False:
            continue
        fields = models.setdefault(model, {})
        for name, attrs in spec["fields"].items():
            fields[name] = (str(attrs.get("type", "")), attrs.get("relation"))
