"""Call accounting, the read/write split, retries and the DEBUG call log.

Rules:
- ``READ_METHODS`` are the model methods that change nothing; only they (and the ``common``/``db``
  service calls listed in ``SAFE_SERVICE_METHODS``) are ever sent a second time.
- A failure before any byte left (connecting) may be retried for any call: nothing ran.
- A failure after sending is retried only for reads; for anything else it becomes
  ``TransportError(may_have_committed=True)`` at once.
- The log shows model, method and the SHAPE of the arguments, never values: values may hold
  secrets, and the password is itself an argument of every ``execute_kw``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from harmonizer.errors import OdooBusy, TransportError
from harmonizer.odoo.channels import Unanswered

log = logging.getLogger("harmonizer.odoo")

READ_METHODS: frozenset[str] = frozenset({
    "search", "search_read", "read", "search_count", "fields_get", "name_search",
    "check_object_reference", "get_external_id", "default_get", "read_group",
    "formatted_read_group", "context_get", "check_access_rights", "has_access", "name_get",
})

SAFE_SERVICE_METHODS: frozenset[tuple[str, str]] = frozenset({
    ("common", "version"), ("common", "login"), ("common", "authenticate"), ("common", "about"),
    ("db", "list"), ("db", "server_version"), ("json", "version"),
})

#: Methods known to return None. Over XML-RPC Odoo commits, then fails to marshal None; that
#: exact fault is their normal answer.
NONE_RESULT_METHODS: frozenset[str] = frozenset({"action_archive", "action_unarchive", "toggle_active"})

T = TypeVar("T")


def pause(seconds: float) -> None:
    """Wait between retries (one place, so tests can make retries instant)."""
    time.sleep(seconds)


def _pause(seconds: float) -> None:
    pause(seconds)


@dataclass
class CallStats:
    """Round trips (HTTP requests attempted, retries included) and logical calls per (model, method).

    For service calls the key is (service, method), e.g. ("common", "authenticate").
    """

    round_trips: int = 0
    retries: int = 0
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)

    def count(self, model: str, method: str) -> int:
        return self.calls[(model, method)]

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def snapshot(self) -> CallStats:
        return CallStats(self.round_trips, self.retries, Counter(self.calls))

    def reset(self) -> None:
        self.round_trips = 0
        self.retries = 0
        self.calls.clear()


def shape(value: Any, depth: int = 0) -> str:
    """A value's structure without its content: ``[int×2]``, ``{name: str, code: str}``."""
    if depth > 3:
        return "…"
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, dict):
        items = [f"{k}: {shape(v, depth + 1)}" for k, v in list(value.items())[:12]]
        more = ", …" if len(value) > 12 else ""
        return "{" + ", ".join(items) + more + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        kinds = sorted({shape(v, depth + 1) for v in value})
        inner = kinds[0] if len(kinds) == 1 else "|".join(kinds[:3])
        return f"[{inner}×{len(value)}]"
    return type(value).__name__


def log_call(protocol: str, model: str, method: str, args: Any = None, kwargs: Any = None) -> None:
    """DEBUG line for one call (shapes only; callers never pass credentials)."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s %s.%s args=%s kwargs=%s", protocol, model, method, shape(args or []),
                  shape({k: v for k, v in (kwargs or {}).items()}))


@dataclass
class RetryPolicy:
    """Bounded retries with a small doubling pause (see the module rules)."""

    retries: int = 2
    backoff: float = 0.2
    sleep: Callable[[float], None] = _pause

    def run(self, attempt: Callable[[], T], *, idempotent: bool, what: str, where: str,
            stats: CallStats | None = None) -> T:
        """Run ``attempt`` until it answers; map the last ``Unanswered`` to ``TransportError``."""
        number = 0
        while True:
            try:
                return attempt()
            except Unanswered as failure:
                may_retry = failure.retryable and (idempotent or not failure.sent)
                if not may_retry or number >= self.retries:
                    raise _transport_error(failure, idempotent=idempotent, what=what, where=where,
                                           attempts=number + 1) from failure
                log.debug("retrying %s on %s after: %s", what, where, failure.reason)
                if stats is not None:
                    stats.retries += 1
                self.sleep(self.backoff * (2 ** number))
                number += 1


@dataclass
class BusyPolicy:
    """Bounded retries of a call Odoo refused as busy (``OdooBusy``: nothing ran, so sending
    it again is safe for any method), with a doubling pause; then ``OdooBusy`` saying so."""

    retries: int = 3
    backoff: float = 5.0
    sleep: Callable[[float], None] = _pause

    def run(self, attempt: Callable[[], T], *, what: str) -> T:
        number = 0
        while True:
            try:
                return attempt()
            except OdooBusy as exc:
                if number >= self.retries:
                    tries = f" (tried {number + 1} times)" if number else ""
                    raise OdooBusy(f"{exc.message}{tries}", exc.kind, model=exc.model,
                                   method=exc.method) from exc
                log.debug("%s: Odoo is busy, retrying in %ss", what, self.backoff * (2 ** number))
                self.sleep(self.backoff * (2 ** number))
                number += 1


def _transport_error(failure: Unanswered, *, idempotent: bool, what: str, where: str,
                     attempts: int) -> TransportError:
    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
    if not failure.sent:
        return TransportError(f"cannot reach {where}: {failure.reason}{tries}")
    if idempotent:
        return TransportError(f"{what} on {where} got no answer: {failure.reason}{tries}")
    return TransportError(
        f"{what} on {where} got no answer: {failure.reason}; it may have been committed "
        "(not retried: check the server before running it again)", may_have_committed=True)
