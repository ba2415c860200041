"""Per-site progress of fleet commands (drift, rollout): stages as they happen, on stderr.

Rules:
- On a terminal (and not in CI: ``CI`` unset or false) a rich live table shows one row per
  site with its current stage; piped, or with ``CI=true``, each stage change is one plain
  line ``site: stage[ (detail)]``, which logs and CI consoles keep.
- ``event(site, stage, detail)`` is called from worker threads: it is serialised by a lock.
- Stages are words from the engines (``queued``, ``reading``, ``planning``, ``classifying``,
  ``applying``, ``verifying``, ``done``, ``failed``, ``skipped``, ``not started``); the
  display only shows them.
- Disabled (``enabled=False``), every event is dropped.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.table import Table

STAGE_STYLES = {"done": "green", "failed": "red bold", "applying": "yellow", "verifying": "cyan",
                "skipped": "dim", "not started": "dim", "queued": "dim"}


def is_ci(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


class ProgressDisplay:
    """Collects stage events; subclasses decide how they are shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.stages: dict[str, tuple[str, str]] = {}

    def event(self, site: str, stage: str, detail: str = "") -> None:
        with self._lock:
            self.stages[site] = (stage, detail)
            self._show(site, stage, detail)

    def _show(self, site: str, stage: str, detail: str) -> None:
        return None


class LineDisplay(ProgressDisplay):
    """One plain line per stage change."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def _show(self, site: str, stage: str, detail: str) -> None:
        self.stream.write(f"{site}: {stage}{f' ({detail})' if detail else ''}\n")
        self.stream.flush()


class LiveDisplay(ProgressDisplay):
    """A rich live table, redrawn on each event."""

    def __init__(self, live: Any) -> None:
        super().__init__()
        self.live = live

    def table(self) -> Table:
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column("site", style="bold")
        table.add_column("stage")
        table.add_column("detail", style="dim")
        for site, (stage, detail) in self.stages.items():
            table.add_row(site, Text(stage, style=STAGE_STYLES.get(stage, "")), detail)
        return table

    def _show(self, site: str, stage: str, detail: str) -> None:
        self.live.update(self.table(), refresh=True)


@contextmanager
def progress_display(stream: TextIO, *, enabled: bool | None = None,
                     environ: Mapping[str, str] | None = None) -> Iterator[ProgressDisplay]:
    """The display for ``stream``: rich on a terminal outside CI, plain lines otherwise."""
    if enabled is False:
        yield ProgressDisplay()
        return
    isatty = getattr(stream, "isatty", None)
    terminal = bool(isatty and isatty()) and not is_ci(environ)
    if not terminal:
        yield LineDisplay(stream)
        return
    from rich.console import Console  # only a terminal needs rich
    from rich.live import Live
    from rich.table import Table

    console = Console(file=stream)
    with Live(Table(), console=console, auto_refresh=False, transient=False) as live:
        yield LiveDisplay(live)
