"""Test levers: injected latency and injected faults at a chosen RPC call number.

Calls are numbered from 1 in the order RPC requests reach ``WireApp.handle`` (every request
to an RPC route counts, whatever its outcome). A fault fires once, at its call number:

- ``reset-before``: the connection drops before the call runs (nothing committed).
- ``reset-after``: the call runs and commits, then the connection drops (the answer is lost).
- ``timeout``: the call runs and commits, then the server stays silent for ``seconds``
  (default 10) so the client's read timeout fires first.
- ``http502``: a gateway answers HTTP 502 with an HTML body; the call does not run.
- ``odoo-error``: the call does not run; the chosen ServerException is reported as the
  server would report it (default ``UserError("Injected fault")``).
- ``cron-busy``: the call does not run; the server answers the UserError a real 19.0 sends
  while it executes a scheduled action ("Record cannot be modified right now: This cron task
  is currently being executed ..."), on every protocol as that protocol reports a UserError.

From the environment (read by ``Levers.from_env``, used by ``serve``)::

    HARMONIZER_SANDBOX_LATENCY=0.02              # seconds added to every request
    HARMONIZER_SANDBOX_FAULTS="5:reset-after,9:http502,3:timeout=2.5,7:odoo-error=AccessError:Nope,8:cron-busy"
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from harmonizer.sandbox import exceptions as sandbox_exceptions
from harmonizer.sandbox.exceptions import ServerException, UserError

LATENCY_ENV = "HARMONIZER_SANDBOX_LATENCY"
FAULTS_ENV = "HARMONIZER_SANDBOX_FAULTS"
DEFAULT_TIMEOUT_SECONDS = 10.0


class FaultKind(Enum):
    RESET_BEFORE = "reset-before"
    RESET_AFTER = "reset-after"
    TIMEOUT = "timeout"
    HTTP_502 = "http502"
    ODOO_ERROR = "odoo-error"
    CRON_BUSY = "cron-busy"


@dataclass(frozen=True)
class InjectedFault:
    """One fault: ``kind`` fires at RPC call number ``call`` (1-based)."""

    call: int
    kind: FaultKind
    seconds: float = DEFAULT_TIMEOUT_SECONDS
    error: ServerException | None = None

    def __post_init__(self) -> None:
        if self.call < 1:
            raise ValueError(f"fault call numbers start at 1, got {self.call}")

    def odoo_error(self) -> ServerException:
        if self.kind is FaultKind.CRON_BUSY:
            from harmonizer.sandbox.hooks.versions import CRON_BUSY_MESSAGE

            return UserError(CRON_BUSY_MESSAGE)
        return self.error if self.error is not None else UserError("Injected fault")


def _error_from_spec(spec: str) -> ServerException:
    """``AccessError`` or ``AccessError:message`` -> an instance of that stand-in exception."""
    name, _, message = spec.partition(":")
    cls = getattr(sandbox_exceptions, name, None)
    usable = isinstance(cls, type) and issubclass(cls, ServerException)
    if not usable or cls is sandbox_exceptions.PythonError:
        raise ValueError(f"unknown stand-in exception {name!r} in fault spec")
    if cls is sandbox_exceptions.AccessDenied:
        return cls(message or "Access Denied")
    return cls(message or "Injected fault")


def parse_faults(spec: str) -> list[InjectedFault]:
    """Parse ``"N:kind[=arg],..."`` (arg: seconds for timeout, Exception[:message] for odoo-error)."""
    faults: list[InjectedFault] = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        number, sep, rest = item.partition(":")
        if not sep or not number.strip().isdigit():
            raise ValueError(f"bad fault spec {item!r}: expected N:kind")
        kind_text, _, arg = rest.partition("=")
        try:
            kind = FaultKind(kind_text.strip())
        except ValueError:
            known = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"bad fault kind {kind_text!r} in {item!r} (known: {known})") from None
        fault = InjectedFault(int(number), kind)
        if arg and kind is FaultKind.TIMEOUT:
            fault = InjectedFault(fault.call, kind, seconds=float(arg))
        elif arg and kind is FaultKind.ODOO_ERROR:
            fault = InjectedFault(fault.call, kind, error=_error_from_spec(arg))
        elif arg:
            raise ValueError(f"fault kind {kind.value} takes no argument: {item!r}")
        faults.append(fault)
    return faults


class Levers:
    """Latency and scheduled faults shared by every request of one WireApp (thread-safe)."""

    def __init__(self, latency: float = 0.0, faults: Iterable[InjectedFault] = ()) -> None:
        if latency < 0:
            raise ValueError("latency must be >= 0")
        self.latency = latency
        self._faults: dict[int, InjectedFault] = {}
        self._calls = 0
        #: What each decoded RPC request asked, by call number ("ir.cron.write", "common.login").
        self.log: dict[int, str] = {}
        self._down_from: int | None = None
        self._lock = threading.Lock()
        for fault in faults:
            self.add(fault)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Levers:
        env = os.environ if environ is None else environ
        latency = float(env.get(LATENCY_ENV, "0") or 0)
        return cls(latency=latency, faults=parse_faults(env.get(FAULTS_ENV, "")))

    def add(self, fault: InjectedFault) -> None:
        with self._lock:
            if fault.call in self._faults:
                raise ValueError(f"a fault is already scheduled at call {fault.call}")
            self._faults[fault.call] = fault

    def inject(self, call: int, kind: FaultKind | str, *, seconds: float = DEFAULT_TIMEOUT_SECONDS,
               error: ServerException | None = None) -> None:
        """Schedule ``kind`` at RPC call number ``call`` (convenience over ``add``)."""
        self.add(InjectedFault(call, FaultKind(kind), seconds=seconds, error=error))

    @property
    def calls(self) -> int:
        """How many RPC requests have been counted so far."""
        with self._lock:
            return self._calls

    def go_down(self, call: int | None) -> None:
        """The server is down from RPC call number ``call`` on: every request is refused before
        it runs (``reset-before``), until ``go_down(None)`` brings it back."""
        with self._lock:
            self._down_from = call

    def next_call(self) -> tuple[int, InjectedFault | None]:
        """Count one RPC request; return its number and the fault scheduled for it (consumed)."""
        with self._lock:
            self._calls += 1
            fault = self._faults.pop(self._calls, None)
            if fault is None and self._down_from is not None and self._calls >= self._down_from:
                fault = InjectedFault(self._calls, FaultKind.RESET_BEFORE)
            return self._calls, fault

    def note(self, call: int, service: str, method: str, params: list) -> None:
        """Remember what request ``call`` asked (model.method for object calls)."""
        objects = service == "object" and len(params) >= 5
        label = f"{params[3]}.{params[4]}" if objects else f"{service}.{method}"
        with self._lock:
            self.log[call] = label

    @property
    def pending(self) -> list[InjectedFault]:
        """The faults not fired yet, by call number."""
        with self._lock:
            return [self._faults[number] for number in sorted(self._faults)]
