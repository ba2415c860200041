"""What the fleet report commands (``drift``, ``health``, ``metrics``) share around their reports:
the output options, where the text goes, how many sites are read at once and the ``--notify``
webhook. Imports nothing of the engine: each command loads what it runs when it runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from harmonizer.commands.common import stderr

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ["text", "json", "markdown", "html"]
CONCURRENCY_ENV = "HARMONIZER_DRIFT_CONCURRENCY"
DEFAULT_CONCURRENCY = 8  # harmonizer.drift.DEFAULT_CONCURRENCY, without importing the engine at start-up


def format_options(func: F) -> F:
    """``--format`` and ``--out`` (html needs ``--out``: it is one self-contained page)."""
    func = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")(func)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)(func)


def concurrency_option(func: F) -> F:
    return click.option("--concurrency", type=click.IntRange(min=1), default=None,
                        help=f"Sites read at once (default {DEFAULT_CONCURRENCY}, or ${CONCURRENCY_ENV}).")(func)


def notify_options(func: F) -> F:
    """``--notify URL`` with its timeout and attempts."""
    func = click.option("--notify-attempts", type=click.IntRange(min=1, max=10), default=3, show_default=True)(func)
    func = click.option("--notify-timeout", type=float, default=10.0, show_default=True)(func)
    return click.option("--notify", "notify_url", help="POST the JSON summary to this webhook URL.")(func)


def progress_option(func: F) -> F:
    return click.option("--progress/--no-progress", default=None,
                        help="Per-site progress on stderr (default: on; rich on a terminal, plain lines "
                             "otherwise).")(func)


def concurrency_limit(concurrency: int | None) -> int:
    """The sites read at once: ``--concurrency``, else ``$HARMONIZER_DRIFT_CONCURRENCY``, else 8."""
    return concurrency or int(os.environ.get(CONCURRENCY_ENV) or DEFAULT_CONCURRENCY)


def require_out_for_html(fmt: str, out: Path | None) -> None:
    if fmt == "html" and out is None:
        raise click.UsageError("--format html needs --out FILE (one self-contained page)")


def write_report(text: str, out: Path | None, what: str, fmt: str) -> None:
    """The report on stdout, or into ``out`` (folders made) with one line on stderr saying so."""
    if out is None:
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    stderr(f"Wrote the {what} ({fmt}) to {out}.")


def post_summary(url: str, payload: dict[str, Any], timeout: float, attempts: int) -> None:
    """POST the summary to ``url``; a failure is a warning on stderr, never an exit code (the
    report is what the command is for)."""
    from harmonizer.drift.notify import notify

    result = notify(url, payload, timeout=timeout, attempts=attempts)
    stderr(("" if result.ok else "Warning: ") + result.message())
