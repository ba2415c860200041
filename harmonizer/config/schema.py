"""JSON Schemas of the configuration files, generated from the pydantic models that validate them.

Three documents (``harmonizer schema site|template|resources``), for editors through the
``yaml-language-server`` modeline (``# yaml-language-server: $schema=...``):

- ``site``: a site file (``SiteSpec``);
- ``template``: a template header, ``template.yaml`` (``TemplateSpec``, each variable a
  ``VariableSpec``);
- ``resources``: a resource file of a template or of a site folder: top-level kind keys (each a
  mapping of resource names to that kind's ``body_model``, plus the meta keys
  ``prevent_destroy``, ``odoo_versions`` and ``mandatory``) and policy block keys (each block's
  model; its rules may say ``mandatory``).

Values of template and resource files may be Jinja text rendered per site (``"{{ x }}"``), so
wherever a typed value is expected the schema also accepts a string holding ``{{`` or ``{%``.
The package ships the generated files (``SHIPPED``); ``scripts/build_config_schemas.py``
rewrites them and a test checks they are current.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from harmonizer.config.render import ODOO_VERSIONS, PREVENT_DESTROY
from harmonizer.config.site import SiteSpec
from harmonizer.config.template import MANDATORY, RESOURCE_NAME, TemplateSpec
from harmonizer.config.variables import VariableSpec
from harmonizer.kinds.registry import KINDS
from harmonizer.policy import BLOCKS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = ("site", "template", "resources")
#: Where the package keeps the generated files (``<name>.schema.json``).
SHIPPED = Path(__file__).parent / "schemas"
#: A Jinja expression or statement, accepted wherever a typed value is.
JINJA = {"type": "string", "pattern": r"\{\{|\{%", "description": "Jinja, rendered per site"}
_META = {
    PREVENT_DESTROY: {"type": "boolean", "description": "Refuse any plan that deletes this resource's record"},
    ODOO_VERSIONS: {"type": "string", "description": "Odoo versions the resource exists on, e.g. '>=17.0'"},
    MANDATORY: {"type": "boolean", "description": "No site may exclude this resource"},
}


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema document ``name`` (one of ``NAMES``)."""
    if name == "site":
        return _document(_model(SiteSpec), "Harmonizer site file (sites/<site>.yaml)")
    if name == "template":
        out = _model(TemplateSpec)
        variable = _model(VariableSpec)
        out.setdefault("$defs", {}).update(variable.pop("$defs", {}))
        out["$defs"]["VariableSpec"] = variable
        out["properties"]["variables"] = {"type": "object", "description": "Variable declarations",
                                          "propertyNames": {"pattern": r"^[a-z_][a-z0-9_]*$"},
                                          "additionalProperties": {"$ref": "#/$defs/VariableSpec"}}
        out["properties"]["local_kinds"]["items"] = {"enum": sorted(KINDS) + list(BLOCKS)}
        return _document(out, "Harmonizer template header (site_templates/<name>/template.yaml)")
    if name == "resources":
        return _document(_resources(), "Harmonizer resource file (site_templates/<name>/*.yaml, sites/<site>/*.yaml)")
    raise ValueError(f"unknown schema {name!r} (known: {', '.join(NAMES)})")


def render(name: str) -> str:
    """``schema(name)`` as the text shipped and printed (sorted keys, two-space indent)."""
    return json.dumps(schema(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _model(model: type[BaseModel]) -> dict[str, Any]:
    return copy.deepcopy(model.model_json_schema(mode="validation"))


def _document(body: dict[str, Any], title: str) -> dict[str, Any]:
    return {"$schema": DRAFT, **body, "title": title}


def _resources() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for key in sorted(KINDS):
        body = _model(KINDS[key].body_model)
        defs.update(_tolerant(body.pop("$defs", {})))
        body = _tolerant_model(body)
        body["properties"].update(copy.deepcopy(_META))
        defs[f"kind_{key}"] = body
        properties[key] = {"type": "object", "description": KINDS[key].title or key,
                           "propertyNames": {"pattern": RESOURCE_NAME.pattern},
                           "additionalProperties": {"$ref": f"#/$defs/kind_{key}"}}
    for key, model in BLOCKS.items():
        block = _model(model)
        block_defs = _tolerant(block.pop("$defs", {}))
        _allow_mandatory_rules(block, block_defs)
        defs.update(block_defs)
        defs[f"block_{key}"] = _tolerant_model(block)
        properties[key] = {"$ref": f"#/$defs/block_{key}"}
    return {"type": "object", "properties": properties, "additionalProperties": False, "$defs": defs}


def _allow_mandatory_rules(block: dict[str, Any], defs: dict[str, Any]) -> None:
    rules = block.get("properties", {}).get("rules", {})
    for candidate in (rules.get("additionalProperties"), *rules.get("anyOf", ())):
        ref = candidate.get("$ref") if isinstance(candidate, dict) else None
        if ref is None and isinstance(candidate, dict):
            ref = (candidate.get("additionalProperties") or {}).get("$ref")
        if ref:
            target = defs.get(ref.rsplit("/", 1)[-1])
            if target is not None and "properties" in target:
                target["properties"][MANDATORY] = copy.deepcopy(_META[MANDATORY])


def _tolerant(defs: dict[str, Any]) -> dict[str, Any]:
    return {name: _tolerant_model(body) for name, body in defs.items()}


def _tolerant_model(model: dict[str, Any]) -> dict[str, Any]:
    """Every property of a model (and of its nested lists and mappings) may also be Jinja text."""
    if "properties" in model:
        model["properties"] = {k: _or_jinja(v) for k, v in model["properties"].items()}
    return model


def _or_jinja(value: dict[str, Any]) -> dict[str, Any]:
    value = _deep(value)
    if "anyOf" in value:
        if JINJA not in value["anyOf"]:
            value["anyOf"].append(dict(JINJA))
        return value
    described = {k: value.pop(k) for k in ("description", "title", "default") if k in value}
    return {"anyOf": [value, dict(JINJA)], **described}


def _deep(value: dict[str, Any]) -> dict[str, Any]:
    """A copy whose list items and mapping values (at any depth) may be Jinja text."""
    value = dict(value)
    for key in ("items", "additionalProperties"):
        if isinstance(value.get(key), dict):
            value[key] = _or_jinja(value[key])
    if "anyOf" in value:
        value["anyOf"] = [_deep(v) if isinstance(v, dict) else v for v in value["anyOf"]]
    return value
