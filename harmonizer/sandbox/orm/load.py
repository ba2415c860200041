"""``load(fields, data)``: Odoo's import entry point, as harmonizer uses it.

What it does, as observed on Odoo 17 (see docs/odoo-behaviour.md):
- Each row is one record. Column ``id`` is an external ID ``module.name``: a known one
  updates its record, an unknown one (or one whose record is gone) creates the record and
  the ``ir.model.data`` row in the same transaction. ``_inherits`` parents get an external
  ID of their own, ``<name>_<parent table>`` (e.g. ``x_ir_actions_server`` for a cron).
- Values are text: ``field`` for plain values (selection keys or labels, "True"/"False",
  numbers), ``field/.id`` for database ids (comma-separated for x2many).
- Problems do not raise: they come back as ``messages`` (``type: error``, ``record``,
  ``field``, ``message``) with ``ids: False``, and nothing of the call is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.exceptions import ServerException
from harmonizer.sandbox.orm.copies import batch

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model
    from harmonizer.sandbox.schema import FieldSpec

TRUE_WORDS = {"1", "true", "yes"}
FALSE_WORDS = {"", "0", "false", "no"}


class LoadError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _convert(field: FieldSpec, subfield: str, text: str) -> Any:
    kind = field.type
    label = field.attrs.get("string") or field.name
    if subfield == ".id":
        ids = [int(part) for part in str(text).split(",") if part.strip()]
        if kind == "many2one":
            return ids[0] if ids else False
        if kind == "many2many":
            return [(6, 0, ids)]
        return [(4, i) for i in ids]
    if subfield:
        raise LoadError(field.name, f"Unsupported import of field '{label}' by '{subfield}'")
    text = "" if text is None else str(text)
    if kind == "boolean":
        word = text.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise LoadError(field.name, f"Unknown value '{text}' for boolean field '{label}'")
    if text == "":
        return False
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise LoadError(field.name, f"'{text}' does not seem to be an integer for field '{label}'") from None
    if kind in ("float", "monetary"):
        try:
            return float(text)
        except ValueError:
            raise LoadError(field.name, f"'{text}' does not seem to be a number for field '{label}'") from None
    if kind == "selection":
        for key, item_label in field.selection:
            if text in (key, item_label):
                return key
        raise LoadError(field.name, f"Value '{text}' not found in selection field '{label}'")
    if kind in ("many2one", "many2many", "one2many"):
        raise LoadError(field.name, f"Importing '{label}' by name is not supported by the stand-in: use '/.id'")
    return text


class LoadMixin:
    """Adds ``load`` to ``Model``."""

    def load(self: Model, fields: list[str], data: list[list[Any]]) -> dict[str, Any]:
        self.check("create")
        conn = self.env.store.conn
        conn.execute("SAVEPOINT harmonizer_load")
        ids: list[int] = []
        messages: list[dict[str, Any]] = []
        with batch(self):  # Odoo creates the rows as one batch (orm/copies.py)
            for index, row in enumerate(data):
                try:
                    ids.append(self._load_row(fields, row))
                except LoadError as exc:
                    messages.append(_message(index, exc.message, exc.field))
                except ServerException as exc:
                    messages.append(_message(index, exc.message, None))
        if messages:
            conn.execute("ROLLBACK TO SAVEPOINT harmonizer_load")
            conn.execute("RELEASE SAVEPOINT harmonizer_load")
            self.env.invalidate()
            return {"ids": False, "messages": messages, "nextrow": 0}
        conn.execute("RELEASE SAVEPOINT harmonizer_load")
        return {"ids": ids, "messages": [], "nextrow": 0}

    def _load_row(self: Model, fields: list[str], row: list[Any]) -> int:
        xmlid: str | None = None
        vals: dict[str, Any] = {}
        for column, text in zip(fields, row, strict=False):
            if column == "id":
                xmlid = str(text) if text else None
                continue
            name, _, subfield = column.partition("/")
            field = self.spec.fields.get(name)
            if field is None:
                raise LoadError(name, f"Unknown field '{name}' on model '{self.name}'")
            vals[name] = _convert(field, subfield, text)
        for name, field in self.spec.fields.items():
            if field.attrs.get("required") and name in vals and (vals[name] is False or vals[name] is None) \
                    and field.type != "boolean":  # 0 and 0.0 are values (a real 17.0 loads them)
                label = field.attrs.get("string") or name
                raise LoadError(name, f"Missing required value for the field '{label}' ({name})")
        if xmlid is None:
            return self._create(vals)
        module, _, xml_name = xmlid.partition(".")
        imd = self.env["ir.model.data"].sudo()
        found = imd._read(imd._search([("module", "=", module), ("name", "=", xml_name)]), ["res_id", "model"])
        if found and found[0]["model"] == self.name and self.env.store.existing(self.spec, [found[0]["res_id"]]):
            record_id = int(found[0]["res_id"])
            self._write([record_id], vals)
            return record_id
        if found:
            imd._unlink([found[0]["id"]])
        record_id = self._create(vals)
        imd._create({"module": module, "name": xml_name, "model": self.name, "res_id": record_id})
        for parent, link in self.hooks.inherits.items():
            parent_id = self._read([record_id], [link])[0][link]
            if parent_id:
                table = parent.replace(".", "_")
                imd._create({"module": module, "name": f"{xml_name}_{table}", "model": parent,
                             "res_id": parent_id[0] if isinstance(parent_id, list) else parent_id})
        return record_id


def _message(index: int, message: str, field: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": {"from": index, "to": index}, "type": "error", "record": index,
                           "message": message}
    if field:
        out["field"] = field
    return out
