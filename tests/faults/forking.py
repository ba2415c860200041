"""Every fault position of a run from one reference run: a case process is forked just before
each request position is served.

The run up to request N is the same for every case faulted at N (the stand-in and the client
are deterministic: same project, same database, same requests), so replaying it for every N
re-did, on average, half a run per case. Here the reference run (no fault) is the common
ancestor: at each position it forks one process per fault mode; the child serves request N
with that mode's fault and goes on as the faulted run (then the rerun and the checks, see
``harness.finish_case``), the parent serves it normally and goes on to N+1.

What each case process owns:
- the stand-in's database: its own copy of the parent's memory (an in-memory SQLite);
- the project's local state (``.harmonizer``: audit trail, lock journal, sandbox markers):
  the project is reached by a path relative to the working directory, and each child works
  in its own directory holding a copy of the parent's ``.harmonizer`` as it was at the fork
  (the templates and sites are links to the parent's, read-only here);
- the lock journal entries of the run it continues: the journal names the process that took
  the lock; from the fork on, that process is the child (the parent goes on with its own run).

At most ``limit`` case processes run at once; the parent waits for one to end before it forks
the next, so the run advances as fast as the cases finish.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import select
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A case process still running after this many seconds is killed and reported.
CASE_SECONDS = 600


@dataclass
class Family:
    """The case processes of one reference run (the parent's side, and a child's own case)."""

    limit: int
    #: The parent's working directory, holding the project folder ``project``.
    workdir: Path
    project: str
    outbox: Path
    running: dict[int, tuple[int, str, int | None]] = field(default_factory=dict)
    ended: dict[tuple[int, str], int] = field(default_factory=dict)
    #: In a case process: (position, mode) of its case; None in the parent.
    case: tuple[int, str] | None = None
    forked: int = 0

    def fork(self, position: int, mode: str) -> bool:
        """Fork the case (``position``, ``mode``): True in the child, False in the parent.

        The case's copy of the project state is made here, in the parent, before the fork:
        copied by the child, it raced the parent, which goes on with its run at once (serving
        the request, releasing the lock: a journal entry the child was listing could vanish
        before it was copied, or the child could copy a state later than its fork's). Nothing
        in this process writes the project between the copy and the fork."""
        own = self._own_state(position, mode)
        while len(self.running) >= self.limit:
            self._reap()
        gc.freeze()  # the collector of the child leaves the objects of now alone (no page copies)
        pid = os.fork()
        if pid == 0:
            self._become(position, mode, own)
            return True
        self.forked += 1
        self.running[pid] = (position, mode, _pidfd(pid))
        return False

    def drain(self) -> None:
        while self.running:
            self._reap()

    def _reap(self) -> None:
        """Wait for one running case process to end and record its exit status."""
        fds = [fd for _p, _m, fd in self.running.values() if fd is not None]
        if len(fds) == len(self.running):
            select.select(fds, [], [])  # a pidfd is readable once its process has ended
        while True:
            reaped = False
            for pid in list(self.running):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    position, mode, fd = self.running.pop(pid)
                    if fd is not None:
                        os.close(fd)
                    self.ended[(position, mode)] = status
                    reaped = True
            if reaped:
                return
            time.sleep(0.002)  # no pidfd on this system: poll

    def _own_state(self, position: int, mode: str) -> Path:
        """In the parent, just before forking: the case's working directory, holding a copy of
        the project's ``.harmonizer`` as it is now (the templates and sites: links)."""
        own = self.outbox / f"{position}-{mode}"
        own.mkdir(parents=True)
        project = own / self.project
        project.mkdir()
        source = self.workdir / self.project
        for entry in source.iterdir():
            if entry.name == ".harmonizer":
                shutil.copytree(entry, project / entry.name, symlinks=True)
            else:
                (project / entry.name).symlink_to(entry.resolve())
        return own

    def _become(self, position: int, mode: str, own: Path) -> None:
        """In the child: its own working directory and project state (``_own_state``), the
        parent's lock journal entries, a deadline."""
        parent = os.getppid()
        self.case, self.running, self.ended = (position, mode), {}, {}
        os.chdir(own)
        adopt_journal(own / self.project / ".harmonizer" / "locks", parent, os.getpid())
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(CASE_SECONDS)

    def finish(self, work: Callable[[], Any]) -> None:
        """In the child: run the rest of the case, leave its result in the outbox, exit."""
        assert self.case is not None
        position, mode = self.case
        try:
            result: Any = work()
        except BaseException:
            result = traceback.format_exc()
        try:
            (self.outbox / f"{position}-{mode}.result").write_bytes(pickle.dumps(result))
        finally:
            os._exit(0)

    def results(self) -> dict[tuple[int, str], Any]:
        """Every forked case's result (a string: its traceback, or why it left none)."""
        out: dict[tuple[int, str], Any] = {}
        for (position, mode), status in self.ended.items():
            path = self.outbox / f"{position}-{mode}.result"
            if path.exists():
                out[(position, mode)] = pickle.loads(path.read_bytes())
            else:
                out[(position, mode)] = f"its process left no result ({_status(status)})"
        return out


def adopt_journal(locks: Path, parent: int, child: int) -> None:
    """Lock journal entries written by ``parent`` now name ``child``: from the fork on, the
    run that took those locks goes on in the child (``harmonizer.safety.lock``)."""
    if not locks.is_dir():
        return
    for entry in locks.rglob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(entry.read_text())
            if isinstance(data, dict) and data.get("pid") == parent:
                entry.write_text(json.dumps({**data, "pid": child}))


@contextlib.contextmanager
def family(limit: int, root: Path, outbox: Path) -> Iterator[Family]:
    """A family for the project at ``root``, reached as ``root.name`` from ``root.parent``
    (the working directory), collecting in ``outbox``. The working directory is given back
    and the objects frozen at each fork are handed back to the collector at the end."""
    outbox.mkdir(parents=True, exist_ok=True)
    here = Path.cwd()
    gc.collect()
    os.chdir(root.parent)
    current = Family(limit, root.parent, root.name, outbox)
    try:
        yield current
    finally:
        if current.case is None:
            os.chdir(here)
            gc.unfreeze()
            current.drain()


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        hint = " (past its deadline)" if number == signal.SIGALRM else ""
        return f"killed by signal {number}{hint}"
    return f"exit {os.waitstatus_to_exitcode(status)}"
