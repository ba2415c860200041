"""``harmonizer rollout``: apply many sites in waves (from a rollout file or from selectors/tags).

Exit codes: 0 every site applied and converged, 1 a failure stopped the line (or any
other error). Rerunning the same rollout resumes from its state file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from harmonizer.commands.common import app_from, handle_errors, stderr


def register(group: click.Group) -> None:
    @group.command("rollout")
    @click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--wave", "waves", multiple=True,
                  help="Without FILE: one wave per option, in order (e.g. --wave tag=pilot --wave all).")
    @click.option("--to-version", help="Without FILE: the template version the pins move to.")
    @click.option("--parallelism", type=click.IntRange(min=1), default=None,
                  help="Sites applied at once within a wave (overrides the file's).")
    @click.option("--name", help="Without FILE: the rollout's name (its state file); default 'rollout'.")
    @click.option("--restart", is_flag=True, help="Forget the saved state and start from the first wave.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--progress/--no-progress", default=None,
                  help="Per-site progress on stderr (rich on a terminal, plain lines when piped or CI=true).")
    @click.pass_context
    @handle_errors
    def rollout(ctx: click.Context, file: Path | None, waves: tuple[str, ...], to_version: str | None,
                parallelism: int | None, name: str | None, restart: bool, fmt: str, progress: bool | None) -> None:
        """Apply sites wave by wave; the first failure stops the line; rerun to resume."""
        from dataclasses import replace

        from harmonizer.render.rollout_progress import progress_display
        from harmonizer.render.rollout_text import render_rollout_json, render_rollout_text
        from harmonizer.rollout import load_rollout, waves_from_selectors

        if file is not None and (waves or to_version or name):
            raise click.UsageError("give either a rollout FILE or --wave/--to-version/--name, not both")
        if file is None and not waves:
            raise click.UsageError("give a rollout FILE or at least one --wave SELECTOR")
        spec = load_rollout(file) if file is not None else waves_from_selectors(
            list(waves), name=name or "rollout", version=to_version)
        if parallelism is not None:
            spec = replace(spec, parallelism=parallelism)
        app = app_from(ctx)
        with progress_display(sys.stderr, enabled=progress) as display:
            result = app.rollout(spec, on_event=display.event, restart=restart)
        text = render_rollout_json(result) if fmt == "json" else render_rollout_text(result)
        click.echo(text, nl=False)
        if not result.ok:
            stderr(f"Rollout {result.name} stopped: {', '.join(result.by_status('failed'))} failed.")
            sys.exit(1)
