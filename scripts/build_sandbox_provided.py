"""Build the stand-in's Odoo-provided records of each version from the captured reference.

Reads ``<reference>/<version>/xmlids/odoo-provided.json`` (external IDs and names of the
records Odoo provides: activity types, countries, states, routes, groups, products, partner
tags, product categories, carriers, units of measure) and writes
``harmonizer/sandbox/demo/provided/<version>.json``, which the demo loader adds to every new
stand-in database of that version (see ``harmonizer/sandbox/demo/loader.py``). Run from the
repository root::

    python scripts/build_sandbox_provided.py [--reference ../shared/odoo-reference]

The generated files are committed; the package never reads the reference at runtime.

- Records ``base.json`` or the version's ``versions/<version>.json`` already create (by
  external ID) are left out; operation types are not records of their own here (the demo
  loader names the first warehouses' generated types, ``warehouse_xmlids``).
- A product whose internal reference a demo company record already has (``Delivery_007``...)
  becomes an alias: a second external ID on that record, never a duplicate product.
- Products and carriers are loaded after the companies and the aliases (``after_companies``):
  carriers name their products by Odoo's external ID; a record whose reference does not
  exist in a fixture (no company records) is left out.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

VERSIONS = ("16.0", "17.0", "18.0", "19.0")
REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "harmonizer" / "sandbox" / "demo"
OUT = DEMO / "provided"
#: Carriers' service products (``odoo-reference/<version>/records/delivery.carrier.json``).
CARRIER_PRODUCTS = {"delivery.free_delivery_carrier": "Delivery_007", "delivery.delivery_carrier": "Delivery_009",
                    "delivery.delivery_local_delivery": "Delivery_010"}
CARRIER_TYPES = {"delivery.delivery_carrier": "base_on_rule"}
ACTIVITY_DEFAULTS = {"category": "default", "delay_count": 0, "delay_unit": "days",
                     "delay_from": "previous_activity", "chaining_type": "suggest"}


def _known(version: str) -> tuple[set[str], dict[str, str]]:
    """External IDs the other demo files create, and demo products by internal reference."""
    known: set[str] = set()
    codes: dict[str, str] = {}
    for name in ("base.json", "company_records.json", f"versions/{version}.json"):
        path = DEMO / name
        if not path.exists():
            continue
        for record in json.loads(path.read_text()).get("records", []):
            if record.get("xmlid"):
                known.add(record["xmlid"])
            if record["model"] == "product.product" and record["values"].get("default_code"):
                codes[record["values"]["default_code"]] = record["xmlid"]
    return known, codes


def _record(model: str, xmlid: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"model": model, "xmlid": xmlid, "values": values}


def _categories(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_path = {row["complete_name"]: row["xmlid"] for row in rows}
    out = []
    for row in sorted(rows, key=lambda r: r["complete_name"].count(" / ")):  # parents first
        parent, _, name = row["complete_name"].rpartition(" / ")
        values: dict[str, Any] = {"name": name}
        if parent:
            values["parent_id"] = f"ref:{by_path[parent]}"
        out.append(_record("product.category", row["xmlid"], values))
    return out


def build(version: str, provided: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    known, codes = _known(version)
    countries = {row["name"]: row["xmlid"] for row in provided.get("res.country", [])}
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    aliases: dict[str, str] = {}
    for row in provided.get("mail.activity.type", []):
        before.append(_record("mail.activity.type", row["xmlid"], {"name": row["name"], **ACTIVITY_DEFAULTS}))
    for row in provided.get("res.country", []):
        before.append(_record("res.country", row["xmlid"], {"name": row["name"], "code": row["code"]}))
    for row in provided.get("res.country.state", []):
        before.append(_record("res.country.state", row["xmlid"], {
            "name": row["name"], "code": row["code"], "country_id": f"ref:{countries[row['country_id'][1]]}"}))
    for row in provided.get("res.partner.category", []):
        before.append(_record("res.partner.category", row["xmlid"], {"name": row["name"]}))
    before += _categories(provided.get("product.category", []))
    for row in provided.get("res.groups", []):
        before.append(_record("res.groups", row["xmlid"], {"name": row["full_name"].rpartition(" / ")[2]}))
    for row in provided.get("uom.uom", []):
        before.append(_record("uom.uom", row["xmlid"], {"name": row["name"], "category_id": 1, "factor": 1.0,
                                                       "rounding": 0.01, "uom_type": "bigger",
                                                       "relative_factor": 1.0}))
    for row in provided.get("stock.route", []):
        before.append(_record("stock.route", row["xmlid"], {"name": row["name"], "company_id": False}))
    products = {}
    for row in provided.get("product.product", []):
        code = row.get("default_code") or False
        products[code] = row["xmlid"]
        if code and code in codes:
            aliases[row["xmlid"]] = codes[code]
            continue
        after.append(_record("product.product", row["xmlid"], {
            "name": row["name"], "default_code": code, "categ_id": "ref:product.product_category_all",
            "detailed_type": "service" if str(code).startswith("Delivery_") else "consu",
            "type": "service" if str(code).startswith("Delivery_") else "consu", "company_id": False}))
    for row in provided.get("delivery.carrier", []):
        product = products.get(CARRIER_PRODUCTS.get(row["xmlid"]))
        if product is None:
            continue
        after.append(_record("delivery.carrier", row["xmlid"], {
            "name": row["name"], "delivery_type": CARRIER_TYPES.get(row["xmlid"], "fixed"),
            "product_id": f"ref:{product}", "company_id": False}))
    return {"_doc": f"Generated by scripts/build_sandbox_provided.py from odoo-reference/{version}/xmlids/"
                    "odoo-provided.json: Odoo's own records of this version the other demo files lack.",
            "records": [r for r in before if r["xmlid"] not in known],
            "after_companies": [r for r in after if r["xmlid"] not in known],
            "aliases": dict(sorted(aliases.items()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "odoo-reference")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    for version in VERSIONS:
        path = args.reference / version / "xmlids" / "odoo-provided.json"
        if not path.exists():
            print(f"{version}: no {path}, skipped")
            continue
        data = build(version, json.loads(path.read_text()))
        (OUT / f"{version}.json").write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n")
        print(f"{version}: {len(data['records'])} + {len(data['after_companies'])} records, "
              f"{len(data['aliases'])} aliases")


if __name__ == "__main__":
    main()
