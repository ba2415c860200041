"""Upgrading a stand-in database to the next Odoo version, the way Odoo's migration does.

``upgrade_file(path, from_version, to_version)`` rewrites one SQLite database in place,
one major version at a time (17.0 -> 18.0 -> 19.0). Rules, per step:

- Generic (every step): tables of models the new schema adds are created; columns of
  stored fields the new version adds are added (NULL, then the step's own fills); columns
  of stored fields it removes are dropped; ``ir.model.fields`` rows of removed fields go
  (with their many2many links), rows of added fields are created. Record ids, xmlids and
  every value that still has a field are kept: that is what "same database" means.
- 17.0 -> 18.0: ir.cron ``numbercall``/``doall`` dropped (generic); ``failure_count`` 0.
  base.automation ``trigger_field_ids`` keep their stored value (18.0 fills them only when
  a rule is written).
- 18.0 -> 19.0: many2many renames keep their links (``groups_id`` -> ``group_ids`` on
  res.users and ir.actions.server; res.groups ``users`` -> ``user_ids``); ir.actions.server
  ``child_ids`` becomes a one2many: each child gets ``parent_id`` = its first multi
  parent; ``automated_name`` is filled with the label 18.0 used as the name;
  res.company ``po_lead`` dropped (generic).

16.0 -> 17.0 (base.automation stops inheriting its action) is not implemented: it raises.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from harmonizer.sandbox.database import _affinity, create_tables
from harmonizer.sandbox.hooks.automation import ACTION_NAMES
from harmonizer.sandbox.schema import Schema, load_schema

#: Steps implemented, by (from, to).
STEPS = (("17.0", "18.0"), ("18.0", "19.0"))
#: many2many storage keys renamed by a step: old key -> new key.
RENAMED_LINKS = {
    ("18.0", "19.0"): {"res.groups.users|res.users.groups_id": "res.groups.user_ids|res.users.group_ids",
                       "ir.actions.server.groups_id": "ir.actions.server.group_ids"},
}


def upgrade_file(path: Path, from_version: str, to_version: str) -> None:
    """Migrate the database at ``path`` from ``from_version`` to ``to_version`` (in place)."""
    chain = _chain(from_version, to_version)
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("BEGIN IMMEDIATE")
        for old, new in chain:
            _step(conn, load_schema(old), load_schema(new), (old, new))
        conn.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES ('version', ?)", (to_version,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


def copy_file(source: Path, target: Path) -> None:
    """Copy a database with SQLite's backup API (includes what is still in the WAL)."""
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _chain(from_version: str, to_version: str) -> list[tuple[str, str]]:
    chain: list[tuple[str, str]] = []
    current = from_version
    while current != to_version:
        step = next((s for s in STEPS if s[0] == current), None)
        if step is None:
            raise NotImplementedError(f"the stand-in cannot upgrade a database from {current} "
                                      f"(implemented: {', '.join(f'{a} -> {b}' for a, b in STEPS)})")
        chain.append(step)
        current = step[1]
    return chain


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _step(conn: sqlite3.Connection, old: Schema, new: Schema, step: tuple[str, str]) -> None:
    del old  # the new schema alone says what must exist; kept in the signature for readers
    create_tables(conn, new)
    for spec in new.models.values():
        present = _columns(conn, spec.table)
        wanted = {f.name for f in spec.column_fields} | {"id"}
        for field in spec.column_fields:
            if field.name not in present:
                conn.execute(f'ALTER TABLE {spec.table} ADD COLUMN "{field.name}" {_affinity(field.type)}')
        for column in sorted(present - wanted):
            conn.execute(f'ALTER TABLE {spec.table} DROP COLUMN "{column}"')
    for old_key, new_key in RENAMED_LINKS.get(step, {}).items():
        conn.execute("UPDATE _rel SET rel = ? WHERE rel = ?", (new_key, old_key))
    _migrate_field_rows(conn, new)
    if step == ("17.0", "18.0"):
        conn.execute("UPDATE ir_cron SET failure_count = 0 WHERE failure_count IS NULL")
    if step == ("18.0", "19.0"):
        _child_ids_to_parent(conn)
        for state, label in ACTION_NAMES.items():
            conn.execute("UPDATE ir_actions_server SET automated_name = ? WHERE state = ?", (label, state))


def _child_ids_to_parent(conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT left_id, right_id FROM _rel WHERE rel = 'ir.actions.server.child_ids' "
                        "ORDER BY rowid").fetchall()
    for parent, child in rows:
        conn.execute("UPDATE ir_actions_server SET parent_id = ? WHERE id = ? AND parent_id IS NULL",
                     (parent, child))
    conn.execute("DELETE FROM _rel WHERE rel = 'ir.actions.server.child_ids'")


def _migrate_field_rows(conn: sqlite3.Connection, new: Schema) -> None:
    """ir.model.fields follows the schema: removed fields' rows (and links) go, new ones come."""
    models = {row["model"]: row["id"] for row in conn.execute("SELECT id, model FROM ir_model")}
    for name, spec in new.models.items():
        if name not in models:
            cur = conn.execute("INSERT INTO ir_model (model, name) VALUES (?, ?)", (name, spec.description))
            models[name] = int(cur.lastrowid or 0)
    existing = {(row["model"], row["name"]): row["id"]
                for row in conn.execute("SELECT id, model, name FROM ir_model_fields")}
    removed = [fid for (model, fname), fid in existing.items()
               if model in new.models and fname not in new.models[model].fields]
    keys = [f.relation_table or f"{m.name}.{f.name}" for m in new.models.values() for f in m.fields.values()
            if f.type == "many2many" and f.store and f.relation == "ir.model.fields"]
    for fid in removed:
        conn.execute("DELETE FROM ir_model_fields WHERE id = ?", (fid,))
        for key in keys:
            conn.execute("DELETE FROM _rel WHERE rel = ? AND (left_id = ? OR right_id = ?)", (key, fid, fid))
    field_columns = _columns(conn, "ir_model_fields")
    for name, spec in new.models.items():
        for fname, fspec in spec.fields.items():
            if (name, fname) in existing:
                continue
            values = {"name": fname, "model": name, "model_id": models[name], "field_description": fspec.string,
                      "ttype": fspec.type, "relation": fspec.relation, "store": int(fspec.store),
                      "required": int(fspec.required), "readonly": int(fspec.readonly), "state": "base"}
            values = {k: v for k, v in values.items() if k in field_columns}
            marks = ", ".join("?" for _ in values)
            conn.execute(f"INSERT INTO ir_model_fields ({', '.join(values)}) VALUES ({marks})", list(values.values()))
