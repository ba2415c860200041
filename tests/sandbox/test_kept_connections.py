"""A served stand-in keeps its SQLite connections between calls (``keep_connections``), and
still answers from the database file as it is now: written by another process, replaced, dropped."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from harmonizer.sandbox.service import SandboxServer

DB = "kept"


def params(server: SandboxServer, db: str = DB) -> list[str]:
    rows = server.dispatch("object", "execute_kw", [db, 2, "admin", "ir.config_parameter", "search_read",
                                                    [[("key", "like", "kept.")]], {"fields": ["key"]}])
    return [row["key"] for row in rows]


def add(server: SandboxServer, key: str, db: str = DB) -> Any:
    return server.dispatch("object", "execute_kw", [db, 2, "admin", "ir.config_parameter", "create",
                                                    [{"key": key, "value": "v"}], {}])


def test_kept_connections_see_other_writers_and_replaced_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    kept = SandboxServer(home, "17.0", keep_connections=True)
    kept.ensure_database(DB)
    add(kept, "kept.one")
    assert params(kept) == ["kept.one"]
    assert kept._database(DB)._idle, "the connection is kept for the next call"

    other = SandboxServer(home, "17.0")  # another process's view of the same file
    add(other, "kept.two")
    assert params(kept) == ["kept.one", "kept.two"]
    other.close()

    # the file replaced by another database (a new inode): the kept connection is dropped
    spare = SandboxServer(tmp_path / "spare", "17.0")
    spare.ensure_database(DB)
    add(spare, "kept.spare")
    spare.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{home / DB}.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "spare" / f"{DB}.sqlite3", tmp_path / "copy.sqlite3")
    os.replace(tmp_path / "copy.sqlite3", home / f"{DB}.sqlite3")
    assert params(kept) == ["kept.spare"]

    assert kept.drop_database(DB)
    assert DB not in kept._dbs
    kept.ensure_database(DB)
    assert params(kept) == []
    kept.close()


def test_a_failed_call_does_not_keep_its_connection(tmp_path: Path) -> None:
    kept = SandboxServer(tmp_path / "home", "17.0", keep_connections=True)
    kept.ensure_database(DB)
    params(kept)
    idle = len(kept._database(DB)._idle)
    try:
        kept.dispatch("object", "execute_kw", [DB, 2, "admin", "ir.config_parameter", "create",
                                               [{"value": "no key"}], {}])
    except Exception:
        pass
    else:
        raise AssertionError("a parameter without a key must be refused")
    assert idle == 1 and not kept._database(DB)._idle  # closed, not put back
    assert params(kept) == []
    kept.close()
