"""Build the compact per-version compute-dependency files from the captured Odoo reference.

Reads ``<reference>/<version>/dependencies/*.json`` (for each model, every field whose
``fields_get(attributes=["depends", "related", ...])`` answer on a real server has a
``depends`` or ``related``) and writes two compact copies:

- ``harmonizer/coupling/data/<version>.json``: what ``harmonizer validate`` checks a desired
  state against offline (the client side; ``harmonizer.coupling.depends``);
- ``harmonizer/sandbox/schema/depends-<version>.json``: what the stand-in answers in
  ``fields_get`` and follows when it recomputes stored copies (the stand-in side).

The two packages never read each other's copy (the stand-in is an independent oracle of
the client). Run from the repository root::

    python scripts/build_dependencies.py [--reference ../shared/odoo-reference]

A version without captured dependencies is skipped with a message (the client then falls
back to the nearest version it has, and says so).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

VERSIONS = ("16.0", "17.0", "18.0", "19.0")
REPO = Path(__file__).resolve().parents[1]
CLIENT = REPO / "harmonizer" / "coupling" / "data"
STANDIN = REPO / "harmonizer" / "sandbox" / "schema"
ATTRIBUTES = ("type", "store", "readonly", "relation", "related")


def compact(spec: dict[str, Any]) -> dict[str, Any]:
    """One field: its attributes, ``depends`` deduplicated in Odoo's order, no empty values."""
    out: dict[str, Any] = {key: spec[key] for key in ATTRIBUTES if spec.get(key) not in (None, "", [])}
    out["depends"] = list(dict.fromkeys(spec.get("depends") or []))
    return out


def build(reference: Path, version: str) -> dict[str, Any] | None:
    folder = reference / version / "dependencies"
    if not folder.is_dir():
        return None
    models = {}
    for path in sorted(folder.glob("*.json")):
        fields = json.loads(path.read_text(encoding="utf-8"))
        models[path.stem] = {name: compact(spec) for name, spec in sorted(fields.items())}
    return {"version": version, "source": f"odoo-reference/{version}/dependencies (fields_get of a fresh "
                                          "demo database)", "models": models}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "odoo-reference")
    args = parser.parse_args()
    CLIENT.mkdir(parents=True, exist_ok=True)
    for version in VERSIONS:
        data = build(args.reference, version)
        if data is None:
            print(f"{version}: no dependencies captured, skipped")
            continue
        text = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
        for target in (CLIENT / f"{version}.json", STANDIN / f"depends-{version}.json"):
            target.write_text(text, encoding="utf-8")
        count = sum(len(fields) for fields in data["models"].values())
        print(f"{version}: {len(data['models'])} models, {count} fields, {len(text)} bytes")


if __name__ == "__main__":
    main()
