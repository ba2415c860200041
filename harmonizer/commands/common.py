"""Shared pieces of the CLI: error handling, site selectors, the project façade, colour.

The CLI imports lazily: this module and every command module import only click and
``harmonizer.errors`` at start-up; the engine is imported inside the command that runs
(``harmonizer --help`` loads no engine; ``tests/test_cli_imports.py`` keeps it so).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from harmonizer.errors import ConfigError, HarmonizerError

if TYPE_CHECKING:
    from harmonizer.plan.model import Plan
    from harmonizer.project import Harmonizer

F = TypeVar("F", bound=Callable[..., Any])


def stderr(message: str) -> None:
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
            stderr(f"Error: {exc}")
            sys.exit(1)
        except KeyboardInterrupt:
            stderr("Interrupted.")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a bug: still one line, with the way to see more
            if debug:
                raise
            stderr(f"Error: internal error ({exc.__class__.__name__}: {exc}); rerun with --debug for details")
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def app_from(ctx: click.Context) -> Harmonizer:
    from harmonizer.project import Harmonizer, find_root

    root_opts = ctx.find_root().params
    app = Harmonizer(find_root(root_opts.get("project")))
    ctx.call_on_close(app.close)  # the command's Odoo sessions end with it
    return app


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


def color_enabled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def render_plan_as(plan: Plan, fmt: str) -> str:
    from harmonizer.render import render_plan

    return render_plan(plan, fmt, color=color_enabled() and fmt == "text")


selector_options = [
    click.argument("selectors", nargs=-1),
    click.option("--site", "sites", multiple=True, help="Site name(s), repeatable or comma-separated."),
    click.option("--tag", "tags", multiple=True, help="Sites carrying this tag."),
]


def with_selectors(func: F) -> F:
    for option in reversed(selector_options):
        func = option(func)
    return func


