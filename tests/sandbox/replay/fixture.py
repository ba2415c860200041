"""The replay database: the reference records as they were BEFORE the capture, plus pins.

Rows come from ``<ver>/records/*.json`` (``ir.model.data.sample`` loads as ir.model.data)
with their ORIGINAL ids, minus the rows the capture script itself created. A row counts as
capture-created when (documented rule):

- its ``name`` starts with "Harmonizer", or
- its ``create_date`` is not earlier than the capture start (the earliest ``create_date`` of
  any "Harmonizer" row: this catches rows Odoo created for them, e.g. renamed actions), or
- it is an ir.model.data row of module ``__harmonizer__`` or ``harmonizer``.

Rows are normalised for ``load_rows``: many2one ``[id, name]`` -> id, one2many and
non-stored fields dropped (the reference ``fields/`` say which), then references to models
the stand-in generates itself (ir.model, ir.model.fields, res.country, ...) are translated
to the stand-in's ids; rows whose such reference cannot be resolved are left out.

``pins-<ver>.json`` adds what records/ lacks: ``rows`` (merged by id into the record rows:
new rows, or the pre-capture values of fields the capture changed), ``lookups`` (captured id
-> a domain finding the stand-in's own row, e.g. res.country 20 -> code BE) and ``users``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replay.transcripts import REFERENCE_ROOT

PINS_DIR = Path(__file__).parent
CAPTURE_MODULES = {"__harmonizer__", "harmonizer"}
CAPTURE_PREFIX = "Harmonizer"
#: Files of records/ whose model name differs from the file name.
RECORD_FILE_MODELS = {"ir.model.data.sample": "ir.model.data"}
#: Models whose rows the stand-in generates itself: references to them are translated.
GENERATED_MODELS = ("ir.model", "ir.model.fields", "ir.model.fields.selection", "res.country",
                    "res.country.state", "res.currency", "res.users", "res.groups")
DROPPED_FIELDS = {"display_name", "__last_update"}


class ReferenceFields:
    """``fields_get`` of the reference, per model: types, relations, selections, store flags."""

    def __init__(self, version: str) -> None:
        self._models: dict[str, dict[str, dict[str, Any]]] = {}
        for path in sorted((REFERENCE_ROOT / version / "fields").glob("*.json")):
            self._models[path.stem] = json.loads(path.read_text(encoding="utf-8"))

    def field(self, model: str, name: str) -> dict[str, Any] | None:
        return self._models.get(model, {}).get(name)

    def relation(self, model: str, name: str) -> str | None:
        spec = self.field(model, name)
        return spec.get("relation") if spec else None

    def ftype(self, model: str, name: str) -> str | None:
        spec = self.field(model, name)
        return spec.get("type") if spec else None

    def knows(self, model: str) -> bool:
        return model in self._models


def load_pins(version: str) -> dict[str, Any]:
    path = PINS_DIR / f"pins-{version}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _name(row: dict[str, Any]) -> str:
    value = row.get("name")
    return value if isinstance(value, str) else ""


def load_records(version: str) -> dict[str, list[dict[str, Any]]]:
    records: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((REFERENCE_ROOT / version / "records").glob("*.json")):
        model = RECORD_FILE_MODELS.get(path.stem, path.stem)
        records[model] = json.loads(path.read_text(encoding="utf-8"))
    return records


def capture_start(records: dict[str, list[dict[str, Any]]]) -> str | None:
    dates = [row["create_date"] for rows in records.values() for row in rows
             if _name(row).startswith(CAPTURE_PREFIX) and isinstance(row.get("create_date"), str)]
    return min(dates) if dates else None


def is_capture_row(model: str, row: dict[str, Any], start: str | None) -> bool:
    if _name(row).startswith(CAPTURE_PREFIX):
        return True
    if model == "ir.model.data" and row.get("module") in CAPTURE_MODULES:
        return True
    created = row.get("create_date")
    return start is not None and isinstance(created, str) and created >= start


@dataclass
class FixturePlan:
    """Rows to load per model, and what was left out (for the report)."""

    rows: dict[str, list[dict[str, Any]]]
    dropped_capture_rows: dict[str, list[int]] = field(default_factory=dict)
    #: captured ir.model id -> model name, learnt from rows carrying both (model_id, model_name)
    model_names: dict[int, str] = field(default_factory=dict)


def _normalise(model: str, row: dict[str, Any], ref: ReferenceFields) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        spec = ref.field(model, name)
        if name in DROPPED_FIELDS or (name != "id" and spec is None and ref.knows(model)):
            continue
        if spec is not None and (spec.get("type") == "one2many" or spec.get("store") is False):
            continue
        if spec is not None and spec.get("type") == "many2one" and isinstance(value, list):
            value = value[0] if value else False
        out[name] = value
    return out


def _merge(rows: list[dict[str, Any]], pinned: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {row["id"]: row for row in rows}
    for pin in pinned:
        if pin["id"] in by_id:
            by_id[pin["id"]].update(pin)
        else:
            by_id[pin["id"]] = dict(pin)
    return [by_id[key] for key in sorted(by_id)]


def plan_fixture(version: str, pins: dict[str, Any]) -> FixturePlan:
    records = load_records(version)
    ref = ReferenceFields(version)
    start = capture_start(records)
    plan = FixturePlan(rows={})
    for model, rows in records.items():
        kept = []
        for row in rows:
            if isinstance(row.get("model_id"), list) and isinstance(row.get("model_name"), str):
                plan.model_names[row["model_id"][0]] = row["model_name"]
            if is_capture_row(model, row, start):
                plan.dropped_capture_rows.setdefault(model, []).append(row["id"])
            else:
                kept.append(_normalise(model, row, ref))
        plan.rows[model] = kept
    for model, pinned in pins.get("rows", {}).items():
        plan.rows[model] = _merge(plan.rows.get(model, []), pinned)
    return plan
