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
    """Models and their fields on one Odoo version."""

    def __init__(self, major: int, models: dict[str, dict[str, FieldInfo]]) -> None:
        self.major = major
        self.models = models

    @property
    def serie(self) -> str:
        return f"{self.major}.0"

    def knows(self, model: str) -> bool:
        return model in self.models

    def field(self, model: str, name: str) -> FieldInfo | None:
        return self.models.get(model, {}).get(name)

    def names(self, model: str) -> list[str]:
        return sorted(self.models.get(model, {}))


@cache
def field_index(major: int) -> FieldIndex:
    """The index of Odoo ``major`` (an empty one for a version the package has no data for)."""
    models: dict[str, dict[str, FieldInfo]] = {}
    serie = f"{major}.0"
    path = SCHEMA_DIR / f"{serie}.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        _add(models, data.get("models", {}))
    supplement = SCHEMA_DIR / "supplement.json"
    if supplement.is_file():
        _add(models, json.loads(supplement.read_text(encoding="utf-8")).get(serie, {}))
    return FieldIndex(major, models)


def _add(models: dict[str, dict[str, FieldInfo]], source: dict[str, Any]) -> None:
    for model, spec in source.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("fields"), dict) or spec.get("verified") is False:
            continue
        fields = models.setdefault(model, {})
        for name, attrs in spec["fields"].items():
            fields[name] = FieldInfo(name, str(attrs.get("type", "")), attrs.get("relation"))
