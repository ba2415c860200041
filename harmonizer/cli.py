"""The ``harmonizer`` command: a click group; the commands live in ``harmonizer.commands``.

Exit codes: 0 success (or nothing to change), 1 error, 2 changes present (with
``--detailed-exitcode``). Every ``HarmonizerError`` becomes one line on stderr, never a
traceback (``--debug`` re-raises for developers).
"""

from __future__ import annotations

import gc
from pathlib import Path

import click

from harmonizer import __version__
from harmonizer.commands import register_all


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project directory (default: $HARMONIZER_PROJECT or the current directory).")
@click.option("--debug", is_flag=True, help="Show tracebacks (for harmonizer developers).")
@click.version_option(__version__, prog_name="harmonizer")
def main(project: Path | None, debug: bool) -> None:
    """Keep many Odoo sites on one standard operating model."""
    # A command is a short process building mostly acyclic data (rows, plans, reports): the
    # cyclic garbage collector runs less often (as mypy does), not on every 700 allocations.
    gc.set_threshold(GC_THRESHOLD, 20, 20)


#: Allocations between two young-generation collections while a command runs (Python's: 700).
GC_THRESHOLD = 100_000



register_all(main)

if __name__ == "__main__":  # pragma: no cover
    main()
