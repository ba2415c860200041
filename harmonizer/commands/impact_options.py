"""The impact preview's options, shared by the commands that plan (plan, apply, drift)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from harmonizer.errors import ConfigError
from harmonizer.plan.impact_options import DEFAULT_TIMEOUT, ImpactOptions, parse_window

F = TypeVar("F", bound=Callable[..., Any])


def with_impact_options(func: F) -> F:
    """``--impact-window``, ``--no-impact``, ``--impact-timeout`` (read back by ``apply_impact_options``)."""
    func = click.option("--impact-timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True,
                        help="Seconds the impact counts of one site may take; later rules say 'not counted'.")(func)
    func = click.option("--no-impact", is_flag=True,
                        help="Do not count what changed rules would match on live data.")(func)
    return click.option("--impact-window", default="30d", show_default=True,
                        help="Look-back window of the impact preview (e.g. 90d, 12w).")(func)  # type: ignore[return-value]


def apply_impact_options(app: Any, kwargs: dict[str, Any]) -> None:
    """Set ``app.impact`` from the options (and take them out of ``kwargs``)."""
    window = kwargs.pop("impact_window", "30d")
    disabled = kwargs.pop("no_impact", False)
    timeout = kwargs.pop("impact_timeout", DEFAULT_TIMEOUT)
    try:
        days = parse_window(window)
    except ValueError as exc:
        raise ConfigError(f"--impact-window: {exc}") from None
    if timeout <= 0:
        raise ConfigError("--impact-timeout: give a number of seconds above 0")
    app.impact = ImpactOptions(enabled=not disabled, window_days=days, timeout=timeout)
