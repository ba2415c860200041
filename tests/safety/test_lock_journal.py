"""The site lock's journal: a lock this project left behind (its run was cut off while Odoo was
unreachable, so the release never arrived) is broken by the next apply; a lock of a process
that still runs, or of another machine, is not."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harmonizer.errors import TransportError
from harmonizer.safety import lock


class FakeOdoo:
    """ir.config_parameter with Odoo's unique key; ``fail_release`` drops every unlink."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        self.fail_release = False

    def search_read(self, model: str, domain: list[Any], fields: list[str], context: Any = None) -> list[dict]:
        return [dict(row, id=rid) for rid, row in self.rows.items() if row["key"] == domain[0][2]]

    def create(self, model: str, values: dict[str, Any]) -> int:
        from harmonizer.errors import OdooValidationError

        if any(row["key"] == values["key"] for row in self.rows.values()):
            raise OdooValidationError("duplicate key value violates unique constraint", "ValidationError")
        self.rows[self.next_id] = dict(values)
        self.next_id += 1
        return self.next_id - 1

    def unlink(self, model: str, ids: list[int]) -> bool:
        if self.fail_release:
            raise TransportError("cannot reach odoo: connection refused")
        for rid in ids:
            self.rows.pop(rid, None)
        return True


def test_a_lock_left_behind_by_a_finished_run_is_broken_by_the_next(tmp_path: Path) -> None:
    odoo, journal = FakeOdoo(), tmp_path / "locks" / "db"
    odoo.fail_release = True  # the server went away before the release
    with lock.site_lock(odoo, "east", "ops", journal=journal):
        pass
    assert len(odoo.rows) == 1 and len(list(journal.iterdir())) == 1
    odoo.fail_release = False
    with lock.site_lock(odoo, "east", "ops", journal=journal) as held:
        assert [row["value"] for row in odoo.rows.values()] == [held.to_json()]
    assert odoo.rows == {} and list(journal.iterdir()) == []


def test_a_lock_of_a_running_process_or_another_host_is_not_broken(tmp_path: Path) -> None:
    odoo, journal = FakeOdoo(), tmp_path / "locks" / "db"
    with lock.site_lock(odoo, "east", "ops", journal=journal) as held:
        # the same process applies again meanwhile (another thread): refused, nothing broken
        with pytest.raises(lock.LockHeld):
            lock.acquire(odoo, "east", "ops", journal=journal)
        # a record of another host under the held token: still refused
        (journal / f"{held.token}.json").write_text(json.dumps({"host": socket.gethostname() + "-x", "pid": 1}))
        with pytest.raises(lock.LockHeld):
            lock.acquire(odoo, "east", "ops", journal=journal)
    assert odoo.rows == {}


class CountingOdoo(FakeOdoo):
    """Counts reads; ``during_create`` runs once Odoo committed a create, before its answer."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.during_create: Callable[[], None] | None = None

    def search_read(self, model: str, domain: list[Any], fields: list[str], context: Any = None) -> list[dict]:
        self.reads += 1
        return super().search_read(model, domain, fields, context)

    def create(self, model: str, values: dict[str, Any]) -> int:
        record_id = super().create(model, values)
        if self.during_create is not None:
            self.during_create()
        return record_id


def test_a_run_with_nothing_to_apply_removes_the_lock_a_finished_run_left(tmp_path: Path) -> None:
    odoo, journal = CountingOdoo(), tmp_path / "locks" / "db"
    assert lock.clear_left_behind(odoo, journal) is None and odoo.reads == 0  # no journal: no request
    odoo.fail_release = True
    with lock.site_lock(odoo, "east", "ops", journal=journal) as held:
        pass
    odoo.fail_release = False
    assert lock.left_behind(journal) == [held.token]
    removed = lock.clear_left_behind(odoo, journal)
    assert removed is not None and removed.token == held.token
    assert odoo.rows == {} and list(journal.iterdir()) == [] and lock.left_behind(journal) == []
    reads = odoo.reads
    assert lock.clear_left_behind(odoo, journal) is None and odoo.reads == reads


def test_a_run_with_nothing_to_apply_leaves_a_lock_being_taken_or_held(tmp_path: Path) -> None:
    odoo, journal = CountingOdoo(), tmp_path / "locks" / "db"
    seen: list[lock.LockInfo | None] = []
    # another thread of this process finds nothing to apply while this one's create is in flight
    odoo.during_create = lambda: seen.append(lock.clear_left_behind(odoo, journal))
    with lock.site_lock(odoo, "east", "ops", journal=journal) as held:
        odoo.during_create = None
        assert seen == [None] and [row["value"] for row in odoo.rows.values()] == [held.to_json()]
        assert lock.clear_left_behind(odoo, journal) is None  # held by a running apply of this process
        assert len(odoo.rows) == 1 and len(list(journal.iterdir())) == 1
    assert odoo.rows == {} and list(journal.iterdir()) == []
