"""Row storage over one SQLite connection: records as dicts, many2many links as id pairs.

This layer knows tables and columns only, no business rule: values arrive already
converted to their column form (``None`` for SQL NULL, 0/1 for booleans, JSON text for
json-like fields). Reads return plain dicts keyed by field name, with ``id``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from harmonizer.sandbox.schema import FieldSpec, ModelSpec


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Store:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        #: Batch creates running in this transaction (``orm/copies.py``): model -> (id, field).
        self.copy_batches: dict[str, set[tuple[int, str]]] = {}

    # -- records ---------------------------------------------------------------------------
    def insert(self, spec: ModelSpec, values: dict[str, Any]) -> int:
        names = tuple(name for name in values if name == "id" or spec.fields[name].has_column)
        cur = self.conn.execute(_insert_sql(spec.table, names), [values[n] for n in names])
        return int(values["id"]) if "id" in values else int(cur.lastrowid or 0)

    def update(self, spec: ModelSpec, ids: Iterable[int], values: dict[str, Any]) -> None:
        names = [name for name in values if spec.fields[name].has_column]
        ids = list(ids)
        if not names or not ids:
            return
        sets = ", ".join(f"{_q(n)} = ?" for n in names)
        params = [values[n] for n in names]
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            self.conn.execute(f"UPDATE {spec.table} SET {sets} WHERE id IN ({marks})", params + chunk)

    def delete(self, spec: ModelSpec, ids: Iterable[int]) -> None:
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" for _ in chunk)
            self.conn.execute(f"DELETE FROM {spec.table} WHERE id IN ({marks})", chunk)

    def rows(self, spec: ModelSpec, ids: Iterable[int] | None = None,
             columns: Sequence[str] | None = None) -> dict[int, dict[str, Any]]:
        """Rows by id (all rows when ``ids`` is None); missing ids are simply absent.
        ``columns``: only those (and ``id``) in each row, else every column."""
        select = _select(columns)
        if ids is None:
            return _by_id(self.conn.execute(f"SELECT {select} FROM {spec.table}"))
        out: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" for _ in chunk)
            out.update(_by_id(self.conn.execute(f"SELECT {select} FROM {spec.table} WHERE id IN ({marks})", chunk)))
        return out

    def rows_where(self, spec: ModelSpec, column: str, values: Iterable[Any]) -> dict[int, dict[str, Any]]:
        """Rows whose ``column`` equals one of ``values`` (SQL equality), by id."""
        out: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(list(values)):
            marks = ", ".join("?" for _ in chunk)
            out.update(_by_id(self.conn.execute(f"SELECT * FROM {spec.table} WHERE {_q(column)} IN ({marks})",
                                                chunk)))
        return out

    def ids_equal(self, spec: ModelSpec, columns: Iterable[str], values: Iterable[Any]) -> list[int]:
        """Ids of the rows whose ``columns`` equal ``values`` (SQL equality), in id order."""
        tests = " AND ".join(f"{_q(name)} = ?" for name in columns)
        return [row[0] for row in self.conn.execute(f"SELECT id FROM {spec.table} WHERE {tests} ORDER BY id",
                                                    list(values))]

    def rows_matching(self, spec: ModelSpec, where: dict[str, list[list[Any]]],
                      columns: Sequence[str] | None = None) -> dict[int, dict[str, Any]]:
        """Rows whose every ``column`` equals one of each of its value lists (SQL equality), by id
        (``columns``: as in ``rows``).

        The longest list is sent in chunks; a list longer than a chunk besides it is left out
        of the SQL (the rows are then a superset: callers evaluate their whole domain on them).
        """
        lists = [(column, list(values)) for column, alternatives in where.items() for values in alternatives]
        if any(not values for _column, values in lists):
            return {}
        lists.sort(key=lambda item: len(item[1]))
        column, longest = lists.pop()
        others = [(name, values) for name, values in lists if len(values) <= 500]
        tests = "".join(f" AND {_q(name)} IN ({', '.join('?' for _ in values)})" for name, values in others)
        params = [value for _name, values in others for value in values]
        out: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(longest):
            marks = ", ".join("?" for _ in chunk)
            out.update(_by_id(self.conn.execute(
                f"SELECT {_select(columns)} FROM {spec.table} WHERE {_q(column)} IN ({marks}){tests}",
                chunk + params)))
        return out

    def existing(self, spec: ModelSpec, ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks([i for i in ids if isinstance(i, int)]):
            marks = ", ".join("?" for _ in chunk)
            cur = self.conn.execute(f"SELECT id FROM {spec.table} WHERE id IN ({marks})", chunk)
            found.update(row[0] for row in cur)
        return found

    def find(self, spec: ModelSpec, column: str, values: Iterable[Any]) -> list[dict[str, Any]]:
        """Rows whose ``column`` is one of ``values`` (an inverse lookup), ordered by id."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(list(values)):
            marks = ", ".join("?" for _ in chunk)
            cur = self.conn.execute(
                f"SELECT * FROM {spec.table} WHERE {_q(column)} IN ({marks}) ORDER BY id", chunk)
            names = [item[0] for item in cur.description]
            cur.row_factory = None  # plain tuples zipped with the names (faster than dict(Row))
            out.extend(dict(zip(names, row, strict=True)) for row in cur)
        return out

    def max_id(self, spec: ModelSpec) -> int:
        return int(self.conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {spec.table}").fetchone()[0])

    # -- many2many links -------------------------------------------------------------------
    @staticmethod
    def _side(spec: ModelSpec, field: FieldSpec) -> tuple[str, str, str]:
        """(rel key, own column, other column) for ``field`` of ``spec``."""
        rel = field.relation_table or f"{spec.name}.{field.name}"
        own_is_left = rel.split("|")[0] == f"{spec.name}.{field.name}"
        return (rel, "left_id", "right_id") if own_is_left else (rel, "right_id", "left_id")

    def links(self, spec: ModelSpec, field: FieldSpec, ids: Iterable[int]) -> dict[int, list[int]]:
        rel, own, other = self._side(spec, field)
        out: dict[int, list[int]] = {i: [] for i in ids}
        for chunk in _chunks(list(out)):
            marks = ", ".join("?" for _ in chunk)
            cur = self.conn.execute(f"SELECT {own}, {other} FROM _rel WHERE rel = ? AND {own} IN ({marks}) "
                                    f"ORDER BY rowid", [rel, *chunk])
            for a, b in cur:
                out[a].append(b)
        return out

    def link(self, spec: ModelSpec, field: FieldSpec, rec_id: int, targets: Iterable[int]) -> None:
        rel, own, other = self._side(spec, field)
        for target in targets:
            self.conn.execute(f"INSERT OR IGNORE INTO _rel (rel, {own}, {other}) VALUES (?, ?, ?)",
                              (rel, rec_id, target))

    def unlink_links(self, spec: ModelSpec, field: FieldSpec, rec_id: int,
                     targets: Iterable[int] | None = None) -> None:
        rel, own, other = self._side(spec, field)
        if targets is None:
            self.conn.execute(f"DELETE FROM _rel WHERE rel = ? AND {own} = ?", (rel, rec_id))
            return
        for target in targets:
            self.conn.execute(f"DELETE FROM _rel WHERE rel = ? AND {own} = ? AND {other} = ?",
                              (rel, rec_id, target))

    def drop_links_of(self, spec: ModelSpec, ids: Iterable[int]) -> None:
        """Remove every link that mentions deleted records of ``spec`` (either side)."""
        ids = list(ids)
        for field in spec.fields.values():
            if field.type == "many2many" and field.store:
                rel, own, _other = self._side(spec, field)
                for chunk in _chunks(ids):
                    marks = ", ".join("?" for _ in chunk)
                    self.conn.execute(f"DELETE FROM _rel WHERE rel = ? AND {own} IN ({marks})", [rel, *chunk])

    # -- meta and credentials --------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM _meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)", (key, value))

    def secrets(self, uid: int) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT kind, secret FROM _credentials WHERE uid = ?", (uid,))]

    def add_secret(self, uid: int, kind: str, secret: str) -> None:
        self.conn.execute("INSERT INTO _credentials (uid, kind, secret) VALUES (?, ?, ?)", (uid, kind, secret))


@lru_cache(maxsize=4096)
def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    """The INSERT of a row with these columns (a create sends the same ones every time)."""
    if not names:
        return f"INSERT INTO {table} DEFAULT VALUES"
    return f"INSERT INTO {table} ({', '.join(_q(n) for n in names)}) VALUES ({', '.join('?' for _ in names)})"


def _select(columns: Sequence[str] | None) -> str:
    """The select list: every column, or ``id`` and ``columns``."""
    return "*" if columns is None else ", ".join(["id", *(_q(name) for name in columns if name != "id")])


def _by_id(cursor: sqlite3.Cursor) -> dict[int, dict[str, Any]]:
    """A cursor's rows as dicts by id (zip over the column names: faster than ``dict(Row)``)."""
    names = [column[0] for column in cursor.description]
    cursor.row_factory = None
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}


def _chunks(ids: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
