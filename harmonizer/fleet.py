"""What every fleet-wide read (drift, health, metrics) does the same way before and around its sites.

- Sandbox databases are seeded one after the other before any worker starts (seeding replays
  history through the stand-in and must not race with itself); a site whose seeding fails is
  handed to the caller's ``failed(site, reason)``.
- A site's failure reason is its error's one line without the ``site NAME: `` prefix (the
  report already names the site).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from harmonizer.errors import HarmonizerError

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

T = TypeVar("T")


def seed_sandboxes(app: Harmonizer, names: list[str], failed: Callable[[str, str], T]) -> dict[str, T]:
    """Seed the sandbox databases of ``names`` serially; ``failed(site, reason)`` for each that fails."""
    from harmonizer.sandboxes import ensure_sandbox

    out: dict[str, T] = {}
    for name in names:
        site = app.project.sites[name]
        if not site.odoo.is_sandbox:
            continue
        try:
            ensure_sandbox(app, site)
        except HarmonizerError as exc:
            out[name] = failed(name, reason_of(exc, name))
    return out


def reason_of(exc: HarmonizerError, site: str) -> str:
    """``exc``'s one line without the ``site NAME: `` prefix."""
    text = exc.one_line()
    prefix = f"site {site}: "
    return text[len(prefix):] if text.startswith(prefix) else text
