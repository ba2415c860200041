"""Build the stand-in's compact schema from the captured Odoo reference.

Reads ``<reference>/<version>/fields/*.json`` (``fields_get`` output of a real server) and
writes ``harmonizer/sandbox/schema/<version>.json``: per model its description and per field
the attributes the stand-in needs (no help texts). Run from the repository root::

    python scripts/build_sandbox_schema.py [--reference ../shared/odoo-reference]

The generated files are committed; the package never reads the reference at runtime.
Inverse fields of one2many and shared tables of many2many pairs are derived here, with a
small table of overrides where the reference alone is ambiguous.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

VERSIONS = ("16.0", "17.0", "18.0", "19.0")
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "harmonizer" / "sandbox" / "schema"
SUPPLEMENT = OUT / "supplement.json"

#: Model descriptions (Odoo's ``_description``) as they appear in error messages. The
#: reference has no ir.model rows, so these are labels checked against the transcripts
#: where they appear there (marked verified) and otherwise written from knowledge.
DESCRIPTIONS: dict[str, tuple[str, bool]] = {
    "account.move": ("Journal Entry", False),
    "account.payment.term": ("Payment Terms", False),
    "base.automation": ("Automation Rule", True),
    "delivery.carrier": ("Shipping Methods", False),
    "delivery.price.rule": ("Delivery Price Rules", False),
    "delivery.zip.prefix": ("Delivery Zip Prefix", False),
    "ir.actions.server": ("Server Actions", False),
    "ir.config_parameter": ("System Parameter", True),
    "ir.cron": ("Scheduled Actions", True),
    "ir.default": ("Default Values", False),
    "ir.model.data": ("Model Data", False),
    "ir.model.fields": ("Fields", False),
    "ir.model.fields.selection": ("Fields Selection", False),
    "ir.model": ("Models", False),
    "ir.module.module": ("Module", False),
    "ir.sequence": ("Sequence", False),
    "mail.activity": ("Activity", False),
    "mail.activity.type": ("Activity Type", False),
    "mail.message": ("Message", False),
    "product.category": ("Product Category", False),
    "product.product": ("Product Variant", False),
    "product.supplierinfo": ("Supplier Pricelist", False),
    "product.template": ("Product", False),
    "purchase.order": ("Purchase Order", False),
    "res.company": ("Companies", True),
    "res.config.settings": ("Config Settings", False),
    "res.country": ("Country", False),
    "res.country.state": ("Country state", False),
    "res.currency": ("Currency", False),
    "res.groups": ("Access Groups", False),
    "res.partner.category": ("Partner Tags", False),
    "res.partner": ("Contact", False),
    "res.users": ("User", False),
    "res.users.apikeys": ("Users API Keys", False),
    "res.users.apikeys.description": ("API Key Description", False),
    "sale.order": ("Sales Order", True),
    "stock.location": ("Inventory Locations", True),
    "stock.lot": ("Lot/Serial", False),
    "stock.move": ("Stock Move", False),
    "stock.picking": ("Transfer", False),
    "stock.picking.type": ("Picking Type", False),
    "stock.quant": ("Quants", False),
    "stock.route": ("Inventory Routes", True),
    "stock.rule": ("Stock Rule", False),
    "stock.warehouse": ("Warehouse", True),
    "stock.warehouse.orderpoint": ("Minimum Inventory Rule", False),
    "uom.uom": ("Product Unit of Measure", False),
}

#: one2many fields whose inverse many2one cannot be guessed (several candidates).
INVERSE_OVERRIDES: dict[tuple[str, str], str] = {
    ("res.partner", "child_ids"): "parent_id",
    ("res.partner", "invoice_ids"): "partner_id",
    ("res.partner", "sale_order_ids"): "partner_id",
    ("res.partner", "bank_ids"): "partner_id",
    ("stock.location", "warehouse_view_ids"): "view_location_id",
    ("stock.location", "child_ids"): "location_id",
    ("stock.picking", "backorder_ids"): "backorder_id",
    ("stock.picking", "return_ids"): "return_id",
    ("stock.warehouse", "resupply_route_ids"): "supplied_wh_id",
    ("account.move", "reversal_move_id"): "reversed_entry_id",
    ("account.move", "tax_cash_basis_created_move_ids"): "tax_cash_basis_origin_move_id",
    ("product.category", "child_id"): "parent_id",
}

#: Attributes copied from the reference, in output order.
KEPT = ("type", "string", "relation", "relation_field", "selection", "required", "readonly", "store",
        "translate", "company_dependent")


def compact_field(spec: dict[str, Any]) -> dict[str, Any]:
    # attributes the reference leaves out stay out (e.g. res.users' virtual in_group_* fields)
    return {key: spec[key] for key in KEPT if key in spec}


def find_inverse(models: dict[str, Any], model: str, name: str, comodel: str) -> str | None:
    if (model, name) in INVERSE_OVERRIDES:
        return INVERSE_OVERRIDES[(model, name)]
    cofields = models.get(comodel, {}).get("fields", {})
    many2ones = [n for n, f in cofields.items()
                 if f["type"] == "many2one" and f.get("relation") == model and f.get("store")]
    if len(many2ones) == 1:
        return many2ones[0]
    if "res_id" in cofields and "res_model" in cofields:
        return "res_id"  # polymorphic link (mail.message, mail.activity)
    return None


def link_relations(models: dict[str, Any]) -> None:
    """Fill relation_field of one2many and a shared ``relation_table`` for many2many pairs."""
    for model, info in models.items():
        for name, field in info["fields"].items():
            if field["type"] == "one2many" and "relation_field" not in field:
                inverse = find_inverse(models, model, name, field["relation"])
                if inverse:
                    field["relation_field"] = inverse
    for model, info in models.items():
        for name, field in info["fields"].items():
            if field["type"] != "many2many" or not field.get("store") or "relation_table" in field:
                continue
            comodel = field["relation"]
            partners = _m2m_partners(models, comodel, model)
            back = _m2m_partners(models, model, comodel)
            if comodel != model and len(partners) == 1 and len(back) == 1:
                table = "|".join(sorted([f"{model}.{name}", f"{comodel}.{partners[0]}"]))
                field["relation_table"] = table
                models[comodel]["fields"][partners[0]]["relation_table"] = table
            else:
                field["relation_table"] = f"{model}.{name}"


def _m2m_partners(models: dict[str, Any], model: str, comodel: str) -> list[str]:
    fields = models.get(model, {}).get("fields", {})
    return [n for n, f in fields.items()
            if f["type"] == "many2many" and f.get("relation") == comodel and f.get("store")]


def build(reference: Path, version: str) -> dict[str, Any]:
    models: dict[str, Any] = {}
    for path in sorted((reference / version / "fields").glob("*.json")):
        model = path.stem
        raw = json.loads(path.read_text())
        label, verified = DESCRIPTIONS.get(model, (model, False))
        models[model] = {
            "description": label,
            "description_verified": verified,
            "fields": {name: compact_field(spec) for name, spec in sorted(raw.items())},
        }
    supplement = json.loads(SUPPLEMENT.read_text()) if SUPPLEMENT.exists() else {}
    for model, info in supplement.get(version, {}).items():
        if model not in models:
            models[model] = {**info, "verified": False}
    link_relations(models)
    version_info = json.loads((reference / version / "version.json").read_text())
    return {"version": version, "version_info": version_info, "models": models}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "odoo-reference")
    args = parser.parse_args()
    for version in VERSIONS:
        if not (args.reference / version / "fields").is_dir():
            print(f"skip {version}: no reference")
            continue
        schema = build(args.reference, version)
        out = OUT / f"{version}.json"
        out.write_text(json.dumps(schema, indent=0, sort_keys=False, ensure_ascii=False) + "\n")
        print(f"{out.relative_to(REPO)}: {len(schema['models'])} models")


if __name__ == "__main__":
    main()
