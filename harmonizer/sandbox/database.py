"""SQLite databases of the stand-in: one file per Odoo database (or one in-memory connection).

Invariant: every RPC call runs in exactly one transaction (``Database.transaction``): it
commits when the call returns and rolls back on any exception. Calls that may write take
the write lock up front (``BEGIN IMMEDIATE``) so concurrent writers queue on SQLite's busy
timeout instead of failing half-way; reads use a deferred transaction. File databases open
one connection per call (safe across threads and processes); an in-memory database has a
single connection guarded by a lock, so its calls are serialised.

A served stand-in (``harmonizer sandbox serve``) keeps its file connections open between calls
(``keep_connections``): opening one costs more than a whole small call (SQLite parses the
schema on first use). A kept connection is dropped when the file is replaced (its inode
changes) or the database is closed. While connections are kept the write-ahead log is not
folded into the main file: copy a served database with its ``-wal`` file, or stop the server.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harmonizer.sandbox.schema import Schema

BUSY_TIMEOUT_SECONDS = 30.0
SUFFIX = ".sqlite3"


def _affinity(field_type: str) -> str:
    if field_type in ("integer", "many2one", "boolean", "many2one_reference"):
        return "INTEGER"
    if field_type in ("float", "monetary"):
        return "REAL"
    return "TEXT"


def create_tables(conn: sqlite3.Connection, schema: Schema) -> None:
    """Create one table per model (a column per stored non-x2many field) and the link tables."""
    for spec in schema.models.values():
        columns = ", ".join(f'"{f.name}" {_affinity(f.type)}' for f in spec.column_fields)
        sep = ", " if columns else ""
        conn.execute(f"CREATE TABLE IF NOT EXISTS {spec.table} (id INTEGER PRIMARY KEY AUTOINCREMENT{sep}{columns})")
    # many2many links: `left` is the record of the relation_table's first model.field
    conn.execute("CREATE TABLE IF NOT EXISTS _rel (rel TEXT NOT NULL, left_id INTEGER NOT NULL, "
                 "right_id INTEGER NOT NULL, UNIQUE (rel, left_id, right_id))")
    conn.execute("CREATE INDEX IF NOT EXISTS _rel_right ON _rel (rel, right_id)")
    # External IDs are looked up by (module, name) on every load, xmlid read and create (its
    # uniqueness check), as Odoo's own unique index serves them.
    imd = schema.models.get("ir.model.data")
    if imd is not None and {"module", "name"} <= {f.name for f in imd.column_fields}:
        conn.execute(f"CREATE INDEX IF NOT EXISTS _ir_model_data_module_name ON {imd.table} (module, name)")
    # Fields are searched by model and name (every plan reads the fields its domains name, out
    # of thousands): Odoo's own index on (model, name) serves that search.
    imf = schema.models.get("ir.model.fields")
    if imf is not None and {"model", "name"} <= {f.name for f in imf.column_fields}:
        conn.execute(f"CREATE INDEX IF NOT EXISTS _ir_model_fields_model_name ON {imf.table} (model, name)")
    conn.execute("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("CREATE TABLE IF NOT EXISTS _credentials (uid INTEGER NOT NULL, kind TEXT NOT NULL, "
                 "secret TEXT NOT NULL)")


#: Idle connections a database keeps (``keep_connections``); more concurrent calls open more.
KEPT_CONNECTIONS = 8


class Database:
    """One Odoo database: its name, where it lives and how to open a transaction on it."""

    def __init__(self, name: str, path: Path | None, keep_connections: bool = False) -> None:
        self.name = name
        self.path = path
        self._lock = threading.RLock()
        self._memory: sqlite3.Connection | None = None
        self.keep_connections = keep_connections
        self._idle: list[tuple[sqlite3.Connection, tuple[int, int]]] = []
        if path is None:
            self._memory = self._connect(":memory:")

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    def exists(self) -> bool:
        return self._memory is not None or (self.path is not None and self.path.exists())

    @contextmanager
    def transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        """Yield a connection inside BEGIN; commit on success, roll back on any exception."""
        if self._memory is not None:
            with self._lock:
                yield from self._run(self._memory, write)
            return
        assert self.path is not None
        if self.keep_connections:
            yield from self._kept(write)
            return
        conn = self._connect(str(self.path))
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            yield from self._run(conn, write)
        finally:
            conn.close()

    def _file_id(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(str(self.path))
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def _kept(self, write: bool) -> Iterator[sqlite3.Connection]:
        """A transaction on an idle kept connection to the current file (or a new one)."""
        file_id = self._file_id()
        conn = None
        with self._lock:
            while self._idle:
                candidate, opened_on = self._idle.pop()
                if opened_on == file_id:
                    conn = candidate
                    break
                candidate.close()  # the file was replaced or removed: a connection to the old one
        if conn is None:
            conn = self._connect(str(self.path))
            conn.execute("PRAGMA journal_mode=WAL")
            file_id = self._file_id()
        try:
            yield from self._run(conn, write)
        except BaseException:
            conn.close()
            raise
        with self._lock:
            if file_id is not None and len(self._idle) < KEPT_CONNECTIONS:
                self._idle.append((conn, file_id))
                return
        conn.close()

    def close_idle(self) -> None:
        """Close the kept connections (the next call opens a new one)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn, _file_id in idle:
            conn.close()

    @staticmethod
    def _run(conn: sqlite3.Connection, write: bool) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def serialize(self) -> bytes:
        """The whole in-memory database as bytes (a snapshot for ``deserialize``)."""
        if self._memory is None:
            raise ValueError(f"database {self.name} is a file: copy the file instead")
        with self._lock:
            return self._memory.serialize()

    def deserialize(self, data: bytes) -> None:
        """Replace the in-memory database's content with a snapshot of ``serialize``."""
        if self._memory is None:
            raise ValueError(f"database {self.name} is a file: copy the file instead")
        with self._lock:
            self._memory.deserialize(data)

    def close(self) -> None:
        self.close_idle()
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    def drop(self) -> None:
        self.close()
        if self.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
