"""The ``harmonizer`` command: click commands, each a few lines over ``harmonizer.project``.

Exit codes: 0 success (or nothing to change), 1 error, 2 changes present (with
``--detailed-exitcode``). Every ``HarmonizerError`` becomes one line on stderr, never a
traceback (``--debug`` re-raises for developers).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from harmonizer import __version__
from harmonizer.errors import ConfigError, HarmonizerError
from harmonizer.plan.model import Plan
from harmonizer.project import Harmonizer, find_root

F = TypeVar("F", bound=Callable[..., Any])


def _stderr(message: str) -> None:
    click.echo(message, err=True)


def handle_errors(func: F) -> F:
    """Map every harmonizer error to one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except HarmonizerError as exc:
            if debug:
                raise
            _stderr(f"Error: {exc}")
            sys.exit(1)
        except KeyboardInterrupt:
            _stderr("Interrupted.")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a bug: still one line, with the way to see more
            if debug:
                raise
            _stderr(f"Error: internal error ({exc.__class__.__name__}: {exc}); rerun with --debug for details")
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _app(ctx: click.Context) -> Harmonizer:
    root_opts = ctx.find_root().params
    return Harmonizer(find_root(root_opts.get("project")))


def selectors_from(args: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...]) -> list[str]:
    """``site=a,b``, ``tag=x``, bare names, ``--site`` and ``--tag`` -> config selectors."""
    out: list[str] = []
    for token in args:
        key, sep, value = token.partition("=")
        if sep and key == "site":
            out.append(value)
        elif sep and key == "tag":
            out.append(f"tag={value}")
        elif sep:
            raise ConfigError(f"unknown selector {token!r}: use site=NAME[,NAME...], site=all or tag=NAME")
        else:
            out.append(token)
    out.extend(sites)
    out.extend(f"tag={t}" for t in tags)
    return out or ["all"]


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _render(plan: Plan, fmt: str) -> str:
    from harmonizer.render import render_plan

    return render_plan(plan, fmt, color=_color() and fmt == "text")


selector_options = [
    click.argument("selectors", nargs=-1),
    click.option("--site", "sites", multiple=True, help="Site name(s), repeatable or comma-separated."),
    click.option("--tag", "tags", multiple=True, help="Sites carrying this tag."),
]


def with_selectors(func: F) -> F:
    for option in reversed(selector_options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project directory (default: $HARMONIZER_PROJECT or the current directory).")
@click.option("--debug", is_flag=True, help="Show tracebacks (for harmonizer developers).")
@click.version_option(__version__, prog_name="harmonizer")
def main(project: Path | None, debug: bool) -> None:
    """Keep many Odoo sites on one standard operating model."""


@main.command()
@with_selectors
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0: no changes, 2: changes, 1: error.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also save the plan (JSON) here.")
@click.pass_context
@handle_errors
def plan(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
         detailed_exitcode: bool, fmt: str, out: Path | None) -> None:
    """Show what apply would change, field by field."""
    app = _app(ctx)
    result = app.plan(selectors_from(selectors, sites, tags))
    click.echo(_render(result, fmt), nl=False)
    if out is not None:
        out.write_text(json.dumps(result.to_dict(), indent=2) + "\n")
        _stderr(f"Saved the plan to {out}.")
    if result.failures:
        sys.exit(1)
    if detailed_exitcode and result.has_changes:
        sys.exit(2)


@main.command()
@with_selectors
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.pass_context
@handle_errors
def apply(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
          auto_approve: bool) -> None:
    """Plan, show, confirm, then apply exactly that plan (or apply a saved plan FILE)."""
    app = _app(ctx)
    saved = [s for s in selectors if s.endswith(".json") and Path(s).is_file()]
    if saved:
        if len(saved) != len(selectors) or sites or tags:
            raise ConfigError("give either one saved plan file or site selectors, not both")
        result = Plan.from_dict(json.loads(Path(saved[0]).read_text()))
    else:
        result = app.plan(selectors_from(selectors, sites, tags))
    click.echo(_render(result, "text"), nl=False)
    if result.failures:
        sys.exit(1)
    if not result.has_changes:
        return
    if not auto_approve:
        if not sys.stdin.isatty():
            raise HarmonizerError("refusing to apply without confirmation: stdin is not a terminal "
                                  "(pass --auto-approve)")
        if not click.confirm("Apply these changes?", default=False):
            _stderr("Apply cancelled: nothing was changed.")
            sys.exit(1)
    outcomes = app.apply(result)
    from harmonizer.render import render_apply

    click.echo(render_apply(outcomes, color=_color()), nl=False)
    if not all(o.ok for o in outcomes):
        sys.exit(1)


@main.command()
@click.pass_context
@handle_errors
def validate(ctx: click.Context) -> None:
    """Check every template and site offline."""
    app = _app(ctx)
    errors = app.validate()
    for error in errors:
        _stderr(f"Error: {error}")
    if errors:
        sys.exit(1)
    names = app.select(["all"])
    click.echo(f"OK: {len(app.project.templates)} template(s), {len(names)} site(s) valid.")


@main.command()
@with_selectors
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
@click.pass_context
@handle_errors
def render(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
           fmt: str) -> None:
    """Print the rendered desired state of sites (secrets redacted)."""
    from harmonizer.render.desired import render_desired

    app = _app(ctx)
    states = [app.render(name) for name in app.select(selectors_from(selectors, sites, tags))]
    click.echo(render_desired(states, fmt), nl=False)


@main.command("sites")
@click.pass_context
@handle_errors
def sites_command(ctx: click.Context) -> None:
    """List the sites with their template, tags and Odoo."""
    from harmonizer.render.sites import render_sites

    app = _app(ctx)
    click.echo(render_sites(app.project), nl=False)


@main.command()
@with_selectors
@click.pass_context
@handle_errors
def doctor(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...]) -> None:
    """Check reachability, login, version, modules and access rights of sites."""
    from harmonizer.doctor import run_doctor
    from harmonizer.render.doctor import render_doctor

    app = _app(ctx)
    reports = [run_doctor(app, name) for name in app.select(selectors_from(selectors, sites, tags))]
    click.echo(render_doctor(reports), nl=False)
    if not all(r.ok for r in reports):
        sys.exit(1)


@main.group()
def sandbox() -> None:
    """The embedded Odoo stand-in."""


@sandbox.command()
@click.option("--port", type=int, default=8069, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--odoo-version", type=click.Choice(["16.0", "17.0", "18.0", "19.0", "16", "17", "18", "19"]),
              default="17.0", show_default=True)
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the sandbox databases live (default: the project's .harmonizer/sandbox).")
@click.pass_context
@handle_errors
def serve(ctx: click.Context, port: int, host: str, odoo_version: str, home: Path | None) -> None:
    """Serve the stand-in over HTTP (XML-RPC and JSON-RPC) until Ctrl-C."""
    from harmonizer.sandbox.serve import serve as serve_http

    version = odoo_version if "." in odoo_version else f"{odoo_version}.0"
    if home is None:
        home = Harmonizer(find_root(ctx.find_root().params.get("project"))).sandbox_home / version
    home.mkdir(parents=True, exist_ok=True)
    _stderr(f"Odoo {version} stand-in on http://{host}:{port} (databases in {home}); Ctrl-C to stop.")
    serve_http(home=home, port=port, host=host, version=version)


@sandbox.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handle_errors
def reset(ctx: click.Context, yes: bool) -> None:
    """Delete the sandbox databases; they are seeded again on next use."""
    import shutil

    app = _app(ctx)
    if not yes and not click.confirm(f"Delete {app.sandbox_home}?", default=False):
        sys.exit(1)
    shutil.rmtree(app.sandbox_home, ignore_errors=True)
    click.echo("Sandbox reset.")


if __name__ == "__main__":  # pragma: no cover
    main()
