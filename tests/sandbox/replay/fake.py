"""A tiny transactional fake of ``SandboxServer.dispatch`` for wire-layer tests.

It keeps ``ir.config_parameter``-like rows in a dict and stages each call's changes,
committing them only when the call returns (like the real service: one transaction per
call, committed before the wire layer marshals the answer). ``raise_next`` makes the next
call raise a given ServerException.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from typing import Any

from harmonizer.sandbox.exceptions import (
    AccessDenied,
    MissingError,
    ServerException,
    attribute_error,
    key_error,
)


class FakeDispatcher:
    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        self.calls: list[tuple[str, str, list]] = []
        self.raise_next: ServerException | None = None
        self._lock = threading.Lock()

    def dispatch(self, service: str, method: str, params: list) -> Any:
        with self._lock:
            self.calls.append((service, method, params))
            if self.raise_next is not None:
                error, self.raise_next = self.raise_next, None
                raise error
            staged = copy.deepcopy(self.rows)
            result = self._call(staged, service, method, params)
            self.rows = staged  # commit: only reached when the call succeeded
            return result

    def _call(self, rows: dict[int, dict[str, Any]], service: str, method: str, params: list) -> Any:
        if service == "common" and method == "version":
            return {"server_version": "17.0-fake", "server_serie": "17.0", "protocol_version": 1}
        if service != "object":
            raise key_error(service)
        _db, _uid, password, model, name, args, *_kwargs = params
        if password != "admin":
            raise AccessDenied()
        if name == "create":
            new_id, self.next_id = self.next_id, self.next_id + 1
            rows[new_id] = dict(args[0])
            return new_id
        if name == "write":
            for record_id in args[0]:
                if record_id not in rows:
                    raise MissingError(f"Record does not exist or has been deleted.\n"
                                       f"(Record: ir.config_parameter({record_id},), User: 2)")
                rows[record_id].update(args[1])
            return True
        if name == "read":
            return [{"id": i, **rows[i]} for i in args[0] if i in rows]
        if name == "echo":  # returns its argument unchanged (value marshalling tests)
            return args[0]
        if name == "sample_values":  # server-side Python values the encoders must convert
            return {"when": dt.datetime(2026, 1, 2, 3, 4, 5), "day": dt.date(2026, 1, 2), "ratio": 5000.0}
        if name == "flush_model":
            return None
        if name == "get_external_id":
            return {i: f"fake.record_{i}" for i in args[0]}
        raise attribute_error(f"The method '{name}' does not exist on the model '{model}'")
