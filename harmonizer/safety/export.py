"""Export: template YAML written from the live records of a (pilot) site.

Rules:
- Only owned kinds are exported (bound records are the site's own company/warehouse), and of
  those only what a template should manage, in the site's scope: company-level kinds of the
  site's company (or none), warehouse-level kinds of its warehouse, records harmonizer owns
  for another site never.
- Odoo's own records are left out: those with an external ID of any module other than
  ``__harmonizer__``/``__export__``; what a warehouse generates (the operation types, routes
  and rules its fields point at, archived ones included, resupply routes, and every rule of
  such a route or of a route Odoo owns); records the superuser created (module data without
  an external ID, e.g. install-time default values and system parameters); server actions of
  another usage (a cron's or an automation's own action), the site lock and Odoo's internal
  system parameters.
- Values are written in the template's vocabulary: a record Odoo provides by its external ID
  (``{xmlid: stock.stock_location_customers}``) wherever the template accepts one, else by
  natural key (a model's technical name, a user's login, an operation type as
  "WH1: Receipts", a state as "Nevada (US)", another exported resource's name). Archived
  records are referred to like active ones (the plan resolves both).
- References are read in bulk: one read per referenced model, whatever the number of records.
- Secrets never leave: token-like query parameters and secret-looking parameter values in
  fields that may hold one (``FieldMap.sensitive``) are replaced by ``CHANGE_ME``.
- A record whose body does not validate against its kind is left out with a comment.
- Resource names come from the harmonizer external ID when there is one, else from the
  record's name or key, made unique per kind (owned names first: they are fixed).
- ``unbound`` lists the exported records no harmonizer external ID points at yet: binding them
  (``harmonizer export --bind``) makes the exported template plan without changes on the site.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML

from harmonizer.kinds.base import FieldMap, Kind
from harmonizer.kinds.default_value import JsonText
from harmonizer.kinds.refs import (
    FieldRef,
    FieldRefs,
    PickingTypeRef,
    RecordRef,
    ResourceRef,
    ResourceRefs,
    StateRefs,
    parse_odoo_name,
)
from harmonizer.kinds.registry import KINDS
from harmonizer.kinds.zip_prefix import ZipPrefixes
from harmonizer.model import Level
from harmonizer.plan.live import LOCK_KEY, MODULE, NO_ARCHIVE_FILTER, parse_xmlid

PLACEHOLDER = "CHANGE_ME"
OWN_MODULES = (MODULE, "__export__")
INTERNAL_PARAMETERS = re.compile(r"^(database\.|web\.base\.url|base\.|ir_|iap\.|mail\.|auth_|crm\.|digest\.)")
SECRET_WORD = re.compile(r"(secret|password|passwd|token|api[_-]?key|private)", re.IGNORECASE)
SECRET_QUERY = re.compile(r"((?:token|secret|password|key|apikey|api_key|signature)=)[^&#\s]+", re.IGNORECASE)
EXTRA_DOMAIN: dict[str, list[Any]] = {"server_action": [("usage", "=", "ir_actions_server")]}
#: Models whose records a warehouse generates and points at from its own fields.
GENERATED = ("stock.picking.type", "stock.route", "stock.rule")
#: Odoo's superuser (``__system__``): records it created are module data, Odoo's own.
SUPERUSER = 1
#: How ``OdooName`` shows in a schema's field annotation.
ODOO_NAME = parse_odoo_name.__name__


@dataclass(frozen=True)
class Unbound:
    """An exported record that no ``__harmonizer__`` external ID points at yet."""

    kind: str
    name: str
    model: str
    record_id: int

    @property
    def address(self) -> str:
        return f"{self.kind}.{self.name}"


@dataclass
class _Refs:
    """Referenced records, read once per model: ``(model, id) -> row``."""

    wanted: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rows: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _accepts_xmlid(kind: Kind, key: str) -> bool:
    """Does the kind's template schema take ``{xmlid: ...}`` for ``key`` (an ``OdooName``)?"""
    info = kind.body_model.model_fields.get(key)
    return info is not None and ODOO_NAME in repr((info.annotation, info.metadata))


class Exporter:
    def __init__(self, client: Any, major: int, company_id: int | None = None,
                 warehouse_id: int | None = None) -> None:
        self.client = client
        self.major = major
        self.company_id = company_id
        self.warehouse_id = warehouse_id
        self.names: dict[tuple[str, int], str] = {}  # (model, id) -> resource name
        self.skipped: list[str] = []
        self.unbound: list[Unbound] = []
        self._foreign: dict[tuple[str, int], str] = {}  # (model, id) -> Odoo's external ID
        self._owned: dict[tuple[str, int], str] = {}  # (model, id) -> __harmonizer__ name
        self._generated: set[tuple[str, int]] = set()
        self._fields: dict[str, set[str]] = {}  # model -> its field names (scope fields it has)

    # -- the whole export -------------------------------------------------------------------

    def export(self, kinds: list[str]) -> dict[str, Any]:
        """``{kind key: {resource name: body}}`` for the asked kinds (all owned kinds if empty)."""
        # Generic records have no model of their own to export from: only specific kinds.
        wanted = [k for k in KINDS if KINDS[k].owned and not KINDS[k].dynamic and (not kinds or k in kinds)]
        self._read_xmlids({KINDS[k].model for k in wanted} | set(GENERATED) | self._referenced(wanted))
        self._read_generated()
        rows = {key: self._rows(KINDS[key]) for key in wanted}
        self._follow_parents(rows)
        for key in wanted:
            self._name(KINDS[key], rows[key])
        refs = self._read_refs(wanted, rows)
        out: dict[str, Any] = {}
        for key in wanted:
            kind = KINDS[key]
            valid = {}
            for row in rows[key]:
                name = self.names[(kind.model, row["id"])]
                body = self._body(kind, row, refs)
                try:
                    kind.body_model.model_validate(body)
                except ValueError as exc:
                    self.skipped.append(f"{key}.{name}: {_first_error(exc)}")
                    continue
                valid[name] = body
                if (kind.model, row["id"]) not in self._owned:
                    self.unbound.append(Unbound(key, name, kind.model, row["id"]))
            if valid:
                out[key] = valid
        return out

    def _referenced(self, wanted: list[str]) -> set[str]:
        models = set()
        for key in wanted:
            for fmap in KINDS[key].field_maps(self.major):
                if isinstance(fmap.vtype, RecordRef) and not isinstance(fmap.vtype, FieldRefs):
                    models.add(fmap.vtype.model)
        return models

    # -- what Odoo owns or generates -----------------------------------------------------------

    def _read_xmlids(self, models: set[str]) -> None:
        rows = self.client.search_read("ir.model.data", [("model", "in", sorted(models))],
                                       ["module", "name", "model", "res_id"], order="id")
        for row in rows:
            key = (row["model"], int(row["res_id"]))
            if row["module"] == MODULE:
                self._owned[key] = row["name"]
            elif row["module"] not in OWN_MODULES:
                self._foreign.setdefault(key, f"{row['module']}.{row['name']}")

    def _read_generated(self) -> None:
        """Operation types, routes and rules a warehouse generated (its fields point at them)."""
        spec = self.client.fields_get("stock.warehouse", attributes=["type", "relation"])
        pointers = {name: f["relation"] for name, f in spec.items()
                    if f.get("type") == "many2one" and f.get("relation") in GENERATED}
        for row in self.client.search_read("stock.warehouse", [], sorted(pointers), context=NO_ARCHIVE_FILTER):
            for name, model in pointers.items():
                if row.get(name):
                    self._generated.add((model, int(_ids(row[name])[0])))
        route_fields = self.client.fields_get("stock.route", attributes=["type"])
        resupply = [f for f in ("supplied_wh_id", "supplier_wh_id") if f in route_fields]
        if resupply:
            domain: list[Any] = ["|", (resupply[0], "!=", False), (resupply[-1], "!=", False)] \
                if len(resupply) == 2 else [(resupply[0], "!=", False)]
            for row in self.client.search_read("stock.route", domain, ["id"], context=NO_ARCHIVE_FILTER):
                self._generated.add(("stock.route", row["id"]))
        odoo_routes = {i for (m, i) in {*self._generated, *self._foreign} if m == "stock.route"}
        if odoo_routes:
            for row in self.client.search_read("stock.rule", [("route_id", "in", sorted(odoo_routes))], ["id"],
                                               context=NO_ARCHIVE_FILTER):
                self._generated.add(("stock.rule", row["id"]))

    # -- records of the site's scope ---------------------------------------------------------

    def _rows(self, kind: Kind) -> list[dict[str, Any]]:
        rows = self.client.search_read(kind.model, EXTRA_DOMAIN.get(kind.key, []),
                                       sorted(set(kind.read_fields(self.major)) | self._scope_fields(kind)
                                              | {"create_uid"}), context=NO_ARCHIVE_FILTER)
        out = []
        for row in rows:
            key = (kind.model, row["id"])
            if key in self._foreign or key in self._generated or not self._in_scope(kind, row):
                continue
            if key not in self._owned and _ids(row.get("create_uid")) == [SUPERUSER]:
                continue  # made by Odoo itself (module data, e.g. install-time defaults)
            if kind.model == "ir.config_parameter" and (row.get("key") == LOCK_KEY or INTERNAL_PARAMETERS.match(
                    str(row.get("key"))) or SECRET_WORD.search(str(row.get("key")))):
                continue
            out.append(row)
        return out

    def _scope_fields(self, kind: Kind) -> set[str]:
        if kind.level is Level.DATABASE:
            return set()
        wanted = {"warehouse_ids", "company_id"} if kind.model == "stock.route" else {"company_id", "warehouse_id"} \
            if kind.level is Level.WAREHOUSE else {"company_id"}
        if kind.model not in self._fields:
            self._fields[kind.model] = set(self.client.fields_get(kind.model, attributes=["type"]))
        return wanted & self._fields[kind.model]

    def _follow_parents(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Records scoped through another resource (a price rule through its carrier) follow it."""
        for key, kind_rows in rows.items():
            kind = KINDS[key]
            if kind.level is Level.DATABASE or self._scope_fields(kind):
                continue
            parents = [f for f in kind.field_maps(self.major) if isinstance(f.vtype, ResourceRef)
                       and f.vtype.kind in rows]
            rows[key] = [row for row in kind_rows if all(
                not _ids(row.get(f.field)) or _ids(row.get(f.field))[0] in {r["id"] for r in rows[f.vtype.kind]}
                for f in parents)]

    def _in_scope(self, kind: Kind, row: dict[str, Any]) -> bool:
        owned = self._owned.get((kind.model, row["id"]))
        if owned is not None:
            parsed = parse_xmlid(owned)
            if parsed is None or parsed[0] != kind.key:
                return False
            return parsed[2] == _scope_suffix(kind.level, self.company_id, self.warehouse_id)
        if kind.level is Level.DATABASE or self.company_id is None:
            return True
        company = _ids(row.get("company_id"))  # absent: scoped through a parent (``_follow_parents``)
        if company and company[0] != self.company_id:
            return False
        if kind.level is Level.COMPANY or self.warehouse_id is None:
            return True
        if kind.model == "stock.route":
            return not row.get("warehouse_ids") or self.warehouse_id in _ids(row.get("warehouse_ids"))
        return "warehouse_id" not in row or _ids(row.get("warehouse_id")) == [self.warehouse_id]

    def _name(self, kind: Kind, rows: list[dict[str, Any]]) -> None:
        taken: set[str] = set()
        owned = [r for r in rows if (kind.model, r["id"]) in self._owned]
        for row in owned:  # fixed by their external IDs
            parsed = parse_xmlid(self._owned[(kind.model, row["id"])])
            name = parsed[1] if parsed else f"record_{row['id']}"
            taken.add(name)
            self.names[(kind.model, row["id"])] = name
        for row in sorted((r for r in rows if r not in owned), key=lambda r: r["id"]):
            base = slug(str(row.get("key") or row.get("name") or f"record_{row['id']}"))
            name, n = base, 2
            while name in taken:
                name, n = f"{base}_{n}", n + 1
            taken.add(name)
            self.names[(kind.model, row["id"])] = name

    # -- references, read in bulk --------------------------------------------------------------

    def _read_refs(self, wanted: list[str], rows: dict[str, list[dict[str, Any]]]) -> _Refs:
        refs = _Refs()
        for key in wanted:
            for fmap in KINDS[key].field_maps(self.major):
                model, fields = _ref_target(fmap)
                if model is None:
                    continue
                refs.fields[model] |= fields
                for row in rows[key]:
                    refs.wanted[model].update(_ids(row.get(fmap.field)))
        if refs.wanted.get("stock.picking.type"):
            refs.fields["stock.warehouse"].add("code")
        for model in sorted(refs.wanted, key=lambda m: m == "stock.warehouse"):  # warehouses last
            ids = sorted(refs.wanted[model])
            if model == "stock.warehouse":
                ids = sorted(set(ids) | {w for (m, i), row in refs.rows.items() if m == "stock.picking.type"
                                         for w in _ids(row.get("warehouse_id"))})
            if not ids:
                continue
            for row in self.client.search_read(model, [("id", "in", ids)], sorted(refs.fields[model]),
                                               context=NO_ARCHIVE_FILTER):
                refs.rows[(model, row["id"])] = row
        return refs

    # -- bodies --------------------------------------------------------------------------------

    def _body(self, kind: Kind, row: dict[str, Any], refs: _Refs) -> dict[str, Any]:
        body: dict[str, Any] = {}
        filled: set[str] = set()  # Odoo fields given by an earlier key (route before odoo_route)
        for fmap in kind.field_maps(self.major):
            if fmap.create_only or fmap.field not in row or fmap.field in filled:
                continue
            value = self._value(kind, fmap, row.get(fmap.field), refs, body)
            if value is not None and value != []:
                body[fmap.key] = value
                filled.add(fmap.field)
        fix = EXPORT_FIXES.get(kind.key)
        return fix(body) if fix else body

    def _value(self, kind: Kind, fmap: FieldMap, raw: Any, refs: _Refs, body: dict[str, Any]) -> Any:
        vtype = fmap.vtype
        if isinstance(vtype, ResourceRefs):
            return [self.names[(vtype.model, i)] for i in _ids(raw) if (vtype.model, i) in self.names] or None
        if isinstance(vtype, ResourceRef):
            found = _ids(raw)
            return self.names.get((vtype.model, found[0])) if found else None
        if isinstance(vtype, FieldRefs):
            fields = [refs.rows[("ir.model.fields", i)] for i in _ids(raw) if ("ir.model.fields", i) in refs.rows]
            if fields and "model" in kind.body_model.model_fields and "model" not in body:
                body["model"] = fields[0]["model"]  # e.g. a default value's model is its field's
            names = [f["name"] for f in fields]
            if isinstance(vtype, FieldRef):
                return names[0] if names else None
            return names
        if isinstance(vtype, ZipPrefixes):
            return [str(refs.rows[(vtype.model, i)]["name"]) for i in _ids(raw) if (vtype.model, i) in refs.rows]
        if isinstance(vtype, RecordRef):
            keys = [self._ref_key(kind, fmap, vtype, i, refs) for i in _ids(raw)]
            keys = [k for k in keys if k is not None]
            many = type(vtype).__name__.endswith("s")
            return keys if many else (keys[0] if keys else None)
        if isinstance(vtype, JsonText):
            return _json(raw)
        if raw is False or raw is None:
            return False if type(vtype).__name__ == "Boolean" else None
        if fmap.sensitive and isinstance(raw, str):
            return scrub(raw)
        return raw

    def _ref_key(self, kind: Kind, fmap: FieldMap, vtype: RecordRef, record_id: int, refs: _Refs) -> Any:
        xmlid = self._foreign.get((vtype.model, record_id))
        if xmlid is not None and _accepts_xmlid(kind, fmap.key):
            return {"xmlid": xmlid}
        row = refs.rows.get((vtype.model, record_id))
        if row is None:
            return None
        if isinstance(vtype, PickingTypeRef):
            warehouse = refs.rows.get(("stock.warehouse", (_ids(row.get("warehouse_id")) or [0])[0]))
            return f"{warehouse['code']}: {row['name']}" if warehouse else None
        value = row.get(vtype.key)
        return None if value in (None, False, "") else value


def _ref_target(fmap: FieldMap) -> tuple[str | None, set[str]]:
    """The model a field map refers to and the fields the export needs of its records."""
    vtype = fmap.vtype
    if isinstance(vtype, FieldRefs):
        return "ir.model.fields", {"name", "model"}
    if isinstance(vtype, ZipPrefixes):
        return vtype.model, {"name"}
    if isinstance(vtype, PickingTypeRef):
        return vtype.model, {"name", "warehouse_id"}
    if isinstance(vtype, StateRefs):
        return vtype.model, {"display_name"}
    if isinstance(vtype, RecordRef):
        return vtype.model, {vtype.key}
    return None, set()


def _scope_suffix(level: Level, company_id: int | None, warehouse_id: int | None) -> str | None:
    if level is Level.COMPANY:
        return f"c{company_id}"
    if level is Level.WAREHOUSE:
        return f"w{warehouse_id}"
    return None


def _carrier(body: dict[str, Any]) -> dict[str, Any]:
    # a rule-based carrier's fixed price is not its own (Odoo keeps the field): not exported
    if body.get("delivery_type") == "base_on_rule":
        body.pop("fixed_price", None)
    return body


#: Kind-specific touches of an exported body.
EXPORT_FIXES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"delivery_carrier": _carrier}


def _json(raw: Any) -> Any:
    if raw in (None, False, ""):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _first_error(exc: ValueError) -> str:
    lines = str(exc).splitlines()
    return " ".join(line.strip() for line in lines[1:3]) if len(lines) > 2 else lines[0]


def _ids(raw: Any) -> list[int]:
    if raw in (None, False):
        return []
    if isinstance(raw, list | tuple):
        if len(raw) == 2 and isinstance(raw[0], int) and isinstance(raw[1], str):
            return [raw[0]]
        return [int(i) for i in raw]
    return [int(raw)]


def scrub(text: str) -> str:
    """A value that may hold a secret, without it (token-like query parameters, secret words)."""
    if SECRET_QUERY.search(text):
        return SECRET_QUERY.sub(lambda m: m.group(1) + PLACEHOLDER, text)
    return text


def slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    name = "_".join(words) or "record"
    return name if name[0].isalpha() else f"r_{name}"


@dataclass(frozen=True)
class Exported:
    """An export: the template folder's files, what was left out, and what is not bound yet."""

    files: dict[str, str]
    skipped: list[str]
    unbound: list[Unbound]


def export_files(client: Any, major: int, kinds: list[str], template: str, company_id: int | None = None,
                 warehouse_id: int | None = None) -> Exported:
    """The template folder (header + one file per kind) of a site's records (see the rules)."""
    exporter = Exporter(client, major, company_id, warehouse_id)
    found = exporter.export(kinds)
    yaml = YAML()
    yaml.default_flow_style = False
    files = {"template.yaml": _dump(yaml, {"name": template, "version": "0.1.0",
                                           "description": "Exported from a live site by harmonizer export"})}
    for key, bodies in found.items():
        header = f"# {KINDS[key].title or key}: exported from live records. Review before use.\n"
        files[f"{key}.yaml"] = header + _dump(yaml, {key: bodies})
    return Exported(files, exporter.skipped, exporter.unbound)


def _dump(yaml: YAML, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
