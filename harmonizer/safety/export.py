"""Export: template YAML written from the live records of a (pilot) site.

Rules:
- Only owned kinds are exported (bound records are the site's own company/warehouse).
- Odoo's own records are left out: those with an external ID of any module other than
  ``__harmonizer__``/``__export__``, server actions of another usage (a cron's or an
  automation's own action), the site lock and Odoo's internal system parameters.
- Values are written in the template's vocabulary: references by natural key (a model's
  technical name, a user's login, a field's name, another exported resource's name).
- Secrets never leave: token-like query parameters and secret-looking parameter values in
  fields that may hold one (``FieldMap.sensitive``) are replaced by ``CHANGE_ME``.
- A record whose body does not validate against its kind is left out with a comment.
- Resource names come from the harmonizer external ID when there is one, else from the
  record's name or key, made unique per kind.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml import YAML

from harmonizer.kinds.base import FieldMap, Kind
from harmonizer.kinds.refs import FieldRef, FieldRefs, RecordRef, ResourceRefs
from harmonizer.kinds.registry import KINDS
from harmonizer.plan.live import LOCK_KEY, MODULE, NO_ARCHIVE_FILTER, parse_xmlid

PLACEHOLDER = "CHANGE_ME"
OWN_MODULES = (MODULE, "__export__")
INTERNAL_PARAMETERS = re.compile(r"^(database\.|web\.base\.url|base\.|ir_|iap\.|mail\.|auth_|crm\.|digest\.)")
SECRET_WORD = re.compile(r"(secret|password|passwd|token|api[_-]?key|private)", re.IGNORECASE)
SECRET_QUERY = re.compile(r"((?:token|secret|password|key|apikey|api_key|signature)=)[^&#\s]+", re.IGNORECASE)
EXTRA_DOMAIN: dict[str, list[Any]] = {"server_action": [("usage", "=", "ir_actions_server")]}


class Exporter:
    def __init__(self, client: Any, major: int) -> None:
        self.client = client
        self.major = major
        self.names: dict[tuple[str, int], str] = {}  # (model, id) -> resource name
        self.skipped: list[str] = []

    def export(self, kinds: list[str]) -> dict[str, Any]:
        """``{kind key: {resource name: body}}`` for the asked kinds (all owned kinds if empty)."""
        # Generic records have no model of their own to export from: only specific kinds.
        wanted = [k for k in KINDS if KINDS[k].owned and not KINDS[k].dynamic and (not kinds or k in kinds)]
        rows = {key: self._rows(KINDS[key]) for key in wanted}
        for key in wanted:
            self._name(KINDS[key], rows[key])
        out: dict[str, Any] = {}
        for key in wanted:
            bodies = {self.names[(KINDS[key].model, r["id"])]: self._body(KINDS[key], r) for r in rows[key]}
            valid = {}
            for name, body in bodies.items():
                try:
                    KINDS[key].body_model.model_validate(body)
                except ValueError as exc:
                    self.skipped.append(f"{key}.{name}: {str(exc).splitlines()[0]}")
                    continue
                valid[name] = body
            if valid:
                out[key] = valid
        return out

    def _rows(self, kind: Kind) -> list[dict[str, Any]]:
        rows = self.client.search_read(kind.model, EXTRA_DOMAIN.get(kind.key, []), kind.read_fields(self.major),
                                       context=NO_ARCHIVE_FILTER)
        xmlids = self.client.search_read("ir.model.data", [("model", "=", kind.model)], ["module", "name", "res_id"])
        foreign = {x["res_id"] for x in xmlids if x["module"] not in OWN_MODULES}
        self._owned_names = {x["res_id"]: x["name"] for x in xmlids if x["module"] == MODULE}
        out = []
        for row in rows:
            if row["id"] in foreign:
                continue
            if kind.model == "ir.config_parameter" and (row.get("key") == LOCK_KEY or INTERNAL_PARAMETERS.match(
                    str(row.get("key"))) or SECRET_WORD.search(str(row.get("key")))):
                continue
            row["_xmlid"] = self._owned_names.get(row["id"])
            out.append(row)
        return out

    def _name(self, kind: Kind, rows: list[dict[str, Any]]) -> None:
        taken: set[str] = set()
        for row in sorted(rows, key=lambda r: r["id"]):
            parsed = parse_xmlid(row["_xmlid"]) if row.get("_xmlid") else None
            base = parsed[1] if parsed else slug(str(row.get("key") or row.get("name") or f"record_{row['id']}"))
            name, n = base, 2
            while name in taken:
                name, n = f"{base}_{n}", n + 1
            taken.add(name)
            self.names[(kind.model, row["id"])] = name

    def _body(self, kind: Kind, row: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for fmap in kind.field_maps(self.major):
            if fmap.create_only or fmap.field not in row:
                continue
            value = self._value(fmap, row.get(fmap.field), row)
            if value is not None and value != []:
                body[fmap.key] = value
        return body

    def _value(self, fmap: FieldMap, raw: Any, row: dict[str, Any]) -> Any:
        vtype = fmap.vtype
        if isinstance(vtype, ResourceRefs):
            return [self.names[(vtype.model, i)] for i in _ids(raw) if (vtype.model, i) in self.names] or None
        if isinstance(vtype, FieldRefs):
            names = self._keys("ir.model.fields", "name", _ids(raw))
            return names[0] if isinstance(vtype, FieldRef) and names else (None if isinstance(vtype, FieldRef)
                                                                             else names)
        if isinstance(vtype, RecordRef):
            keys = self._keys(vtype.model, vtype.key, _ids(raw))
            many = type(vtype).__name__.endswith("s")
            return keys if many else (keys[0] if keys else None)
        if raw is False or raw is None:
            return False if type(vtype).__name__ == "Boolean" else None
        if fmap.sensitive and isinstance(raw, str):
            return scrub(raw)
        return raw

    def _keys(self, model: str, key: str, ids: list[int]) -> list[Any]:
        if not ids:
            return []
        rows = self.client.search_read(model, [("id", "in", ids)], [key], context=NO_ARCHIVE_FILTER)
        by_id = {r["id"]: r[key] for r in rows}
        return [by_id[i] for i in ids if i in by_id]


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


def export_files(client: Any, major: int, kinds: list[str], template: str) -> tuple[dict[str, str], list[str]]:
    """``{file name: YAML text}`` of a template folder (header + one file per kind), and what was skipped."""
    exporter = Exporter(client, major)
    found = exporter.export(kinds)
    yaml = YAML()
    yaml.default_flow_style = False
    files = {"template.yaml": _dump(yaml, {"name": template, "version": "0.1.0",
                                           "description": "Exported from a live site by harmonizer export"})}
    for key, bodies in found.items():
        header = f"# {KINDS[key].title or key}: exported from live records. Review before use.\n"
        files[f"{key}.yaml"] = header + _dump(yaml, {key: bodies})
    return files, exporter.skipped


def _dump(yaml: YAML, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
