"""The site lock: one apply at a time per Odoo database, held in that database.

The lock is the system parameter ``harmonizer.lock`` (``ir.config_parameter``, whose ``key``
is unique in Odoo). Its value is JSON: owner, host, start, expiry and a random token.

Rules:
- Taking the lock is one ``create``: Odoo's unique key makes exactly one of two racing
  creates succeed; the loser's create fails and it is refused with the holder's name.
- An expired lock is broken by unlinking that record *by id* and creating again: if two
  operators break it at once, the second unlink misses (the first already created a new
  record with a new id) and its create fails on the key, so still only one proceeds.
- Taking the lock is idempotent by token: when the answer to our ``create`` is lost (the
  connection dropped after Odoo committed it, ``TransportError(may_have_committed=True)``),
  the lock is read again by its key; if it carries our token we hold it (and release it at
  the end), if no lock is there the create is sent again, if another token is there we are
  refused as usual. So a lost answer never leaves a lock nobody knows it holds.
- Release unlinks the record only if it still holds our token (re-read by key first, so only
  the key and the token are needed, not the record id); an unlink whose answer was lost is
  checked the same way and sent again while the lock is still ours (a few times at most).
- A lock this project left behind is ours to break: with a ``journal`` directory (the
  project's ``.harmonizer/locks/<database>/``), the token is recorded there (with host and
  process id) before the create and removed after the release. When the lock is held under
  a token recorded there by a process of this host that is no longer running (its run was
  cut off while the server was unreachable, so the release never reached Odoo), it is broken
  and taken again: the next apply needs no ``harmonizer unlock``. A lock of a running process
  (or of an apply still running in this one, from before its create) or of another machine is
  never broken early.
- A run with nothing to apply removes such a lock too (``clear_left_behind``, without taking
  one): when a run was cut off after its last write (while it verified, recorded or released),
  the next run's plan is empty and would otherwise report success with the lock still there.
  It reads Odoo only when the journal holds an entry of a finished run.
- Sites sharing a database share the lock: it lives in the database, not per site.
- The lock record has no ``__harmonizer__`` external ID, so plans and drift never see it;
  export and lookalike detection skip its key explicitly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from harmonizer.errors import HarmonizerError, OdooMissingError, OdooValidationError, SiteError, TransportError
from harmonizer.plan.live import LOCK_KEY
from harmonizer.timestamps import utc_stamp

__all__ = ["LOCK_KEY", "LockHeld", "LockInfo", "acquire", "break_lock", "clear_left_behind", "left_behind",
           "read_lock", "release", "removed_note", "site_lock", "was_left_behind"]
MODEL = "ir.config_parameter"
DEFAULT_TTL = 1800.0
#: Tokens of the locks this process holds right now (a journal entry of this process whose
#: token is not here was left behind by an apply that has finished).
_HELD: set[str] = set()
#: Tokens of the locks being taken right now (recorded in the journal, create not answered yet).
_TAKING: set[str] = set()
#: How many times a create or unlink of the lock whose answer was lost is checked and resent.
RESEND_ATTEMPTS = 3
OPERATOR_ENV = "HARMONIZER_OPERATOR"


class LockClient(Protocol):
    def search_read(self, model: str, domain: list[Any], fields: list[str],
                    context: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def create(self, model: str, values: dict[str, Any]) -> Any: ...

    def unlink(self, model: str, ids: list[int]) -> bool: ...


class LockHeld(SiteError):
    """Another operator holds the site's lock: nothing was written."""


@dataclass(frozen=True)
class LockInfo:
    owner: str
    host: str
    started: str
    expires: str
    token: str = ""
    record_id: int | None = None

    @property
    def expired(self) -> bool:
        return _parse(self.expires) <= _now()

    def describe(self) -> str:
        return f"{self.owner} on {self.host} since {self.started} (expires {self.expires})"

    def to_json(self) -> str:
        return json.dumps({"owner": self.owner, "host": self.host, "started": self.started,
                           "expires": self.expires, "token": self.token}, sort_keys=True)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LockInfo:
        try:
            data = json.loads(row.get("value") or "{}")
        except ValueError:
            data = {}
        return cls(str(data.get("owner", "unknown")), str(data.get("host", "unknown")),
                   str(data.get("started", "?")), str(data.get("expires", "1970-01-01T00:00:00Z")),
                   str(data.get("token", "")), row.get("id"))


def operator(env: dict[str, str] | None = None) -> str:
    """Who is applying: ``$HARMONIZER_OPERATOR``, else the login name of this process."""
    env = dict(os.environ) if env is None else env
    if env.get(OPERATOR_ENV):
        return env[OPERATOR_ENV]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def read_lock(client: LockClient) -> LockInfo | None:
    rows = client.search_read(MODEL, [("key", "=", LOCK_KEY)], ["value"])
    return LockInfo.from_row(rows[0]) if rows else None


def acquire(client: LockClient, site: str, owner: str, ttl: float = DEFAULT_TTL,
            journal: Path | None = None) -> LockInfo:
    """Take the lock or raise ``LockHeld`` naming its holder (see the module rules)."""
    now = _now()
    mine = LockInfo(owner, socket.gethostname(), utc_stamp(now), utc_stamp(now + dt.timedelta(seconds=ttl)),
                    secrets.token_hex(8))
    _TAKING.add(mine.token)
    _record(journal, mine.token)
    try:
        return _acquire(client, site, mine, journal)
    except BaseException:
        _forget(journal, mine.token)
        raise
    finally:
        _TAKING.discard(mine.token)


def _acquire(client: LockClient, site: str, mine: LockInfo, journal: Path | None) -> LockInfo:
    lost: TransportError | None = None
    for _attempt in range(2 + RESEND_ATTEMPTS):
        try:
            record_id = client.create(MODEL, {"key": LOCK_KEY, "value": mine.to_json()})
            return LockInfo(mine.owner, mine.host, mine.started, mine.expires, mine.token, int(record_id))
        except TransportError as exc:
            lost = exc  # the create may have committed: the lock's token tells
        except OdooValidationError:
            lost = None
        held = read_lock(client)
        if held is None:
            continue  # nothing committed, or released between our create and our read: try again
        if held.token == mine.token:
            return held  # our create committed, only its answer was lost: we hold the lock
        if not held.expired and was_left_behind(journal, held.token):
            _unlink_quietly(client, held.record_id)  # this project's own, from a run cut off
            _forget(journal, held.token)
            continue
        if not held.expired:
            raise LockHeld(site, f"the site is locked by {held.describe()}: another apply is running "
                                 "(nothing was written; `harmonizer unlock` breaks a stale lock)") from None
        _unlink_quietly(client, held.record_id)
    if lost is not None:
        raise lost
    raise LockHeld(site, "could not take the site lock (another apply took it first): nothing was written")


def release(client: LockClient, lock: LockInfo) -> bool:
    """Give our lock back; True if it was still ours. Only ``lock.token`` is used: the record
    is found by its key, and an unlink whose answer was lost is checked and sent again."""
    lost: TransportError | None = None
    for _attempt in range(RESEND_ATTEMPTS):
        held = read_lock(client)
        if held is None or held.token != lock.token:
            return _attempt > 0  # gone after our unlink (its answer was lost), or never ours
        try:
            _unlink_quietly(client, held.record_id)
            return True
        except TransportError as exc:
            lost = exc  # may have committed: the next read tells
    assert lost is not None
    raise lost


def release_quietly(client: LockClient, lock: LockInfo) -> bool:
    """``release``, tried again on any refusal or lost answer (a few times): a lock left behind
    would refuse every apply for its whole lifetime. False if it could not be released."""
    for _attempt in range(RESEND_ATTEMPTS):
        try:
            release(client, lock)
            return True
        except HarmonizerError:
            continue
    return False


def break_lock(client: LockClient) -> LockInfo | None:
    """Remove whatever lock is there (``harmonizer unlock``); returns what was removed."""
    held = read_lock(client)
    if held is not None:
        _unlink_quietly(client, held.record_id)
    return held


def left_behind(journal: Path | None) -> list[str]:
    """The tokens the journal records for runs that have finished (read locally, no request):
    their locks, if still in Odoo, were left behind (see the module rules)."""
    if journal is None or not journal.is_dir():
        return []
    return sorted(token for token in (path.stem for path in journal.glob("*.json")) if was_left_behind(journal, token))


def removed_note(lock: LockInfo) -> str:
    """The one line telling the operator a left-behind lock was removed (``clear_left_behind``)."""
    return (f"removed the site lock an earlier run of this project left ({lock.describe()}): "
            "that run was cut off after its last write, before it released the lock")


def clear_left_behind(client: LockClient, journal: Path | None) -> LockInfo | None:
    """Remove the lock if a finished run of this project left it behind, and forget the journal
    entries of finished runs; returns the lock removed. Nothing is read from Odoo when the
    journal holds no entry of a finished run. A lock of a running process or of another
    machine is left alone."""
    finished = left_behind(journal)
    if not finished:
        return None
    held = read_lock(client)
    removed = None
    if held is not None and held.token in finished:
        _unlink_quietly(client, held.record_id)
        removed = held
    for token in finished:  # each one's lock is gone now (released, broken or just removed)
        _forget(journal, token)
    return removed


@contextmanager
def site_lock(client: LockClient, site: str, owner: str, ttl: float = DEFAULT_TTL,
              journal: Path | None = None) -> Iterator[LockInfo]:
    """Hold the lock for the ``with`` body; released on success, error and Ctrl-C alike."""
    lock = acquire(client, site, owner, ttl, journal)
    _HELD.add(lock.token)
    try:
        yield lock
    finally:
        _HELD.discard(lock.token)
        # If release keeps failing the lock expires on its own (or the project's next apply
        # breaks it, see the module rules); the body's own outcome matters more.
        if release_quietly(client, lock):
            _forget(journal, lock.token)


def _record(journal: Path | None, token: str) -> None:
    if journal is None:
        return
    with contextlib.suppress(OSError):
        journal.mkdir(parents=True, exist_ok=True)
        (journal / f"{token}.json").write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid()}))


def _forget(journal: Path | None, token: str) -> None:
    if journal is not None:
        with contextlib.suppress(OSError):
            (journal / f"{token}.json").unlink(missing_ok=True)


def was_left_behind(journal: Path | None, token: str) -> bool:
    """True when ``token`` was recorded by a process of this host that is no longer running."""
    if journal is None or not token or not all(c in "0123456789abcdef" for c in token):
        return False
    try:
        data = json.loads((journal / f"{token}.json").read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict) or data.get("host") != socket.gethostname():
        return False
    pid = data.get("pid")
    if not isinstance(pid, int):
        return False
    if pid == os.getpid():  # an earlier apply of this very process: finished unless still held
        return token not in _HELD and token not in _TAKING
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _unlink_quietly(client: LockClient, record_id: int | None) -> None:
    if record_id is None:
        return
    with contextlib.suppress(OdooMissingError):  # someone else removed it first
        client.unlink(MODEL, [record_id])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _parse(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
