"""Bulk loading of rows with explicit ids (the transcript-replay fixture), bypassing business rules.

Rows are in ``read`` form (as the reference's ``records/*.json``): many2one ``[id, name]``
becomes the id, many2many id lists become links, one2many and non-stored values are
ignored (they follow from the inverse fields), unknown fields are skipped.
"""

from __future__ import annotations

import json
from typing import Any

from harmonizer.sandbox.env import Env
from harmonizer.sandbox.orm.fields import JSON_TYPES


def load_rows(env: Env, model: str, rows: list[dict[str, Any]]) -> None:
    spec = env.spec(model)
    store = env.store
    for row in rows:
        values: dict[str, Any] = {"id": int(row["id"])}
        links: list[tuple[Any, list[int]]] = []
        for name, value in row.items():
            field = spec.fields.get(name)
            if field is None or name == "id":
                continue
            if field.type == "many2many" and field.store:
                links.append((field, [int(v) for v in value or []]))
            elif field.has_column:
                values[name] = _column(field.type, value)
        existing = store.existing(spec, [values["id"]])
        if existing:
            store.update(spec, existing, {k: v for k, v in values.items() if k != "id"})
        else:
            store.insert(spec, values)
        for field, targets in links:
            store.unlink_links(spec, field, values["id"])
            store.link(spec, field, values["id"], targets)
    env.invalidate()


def _column(kind: str, value: Any) -> Any:
    if kind == "many2one":
        if isinstance(value, list | tuple):
            return int(value[0]) if value else None
        return int(value) if value else None
    if kind == "boolean":
        return 1 if value else 0
    if kind in JSON_TYPES:
        return None if value is False else json.dumps(value)
    if value is False and kind not in ("integer", "float", "monetary"):
        return None
    return value
