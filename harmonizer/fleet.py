"""What every fleet-wide read (drift, health, metrics) does the same way before and around its sites.

- Progress goes to ``on_event(site, stage)``: ``queued`` for every site first, then the check's
  own stages, then ``done`` or ``failed``.
- At most ``concurrency`` sites are read at once (threads); a site that cannot be read never
  holds up or fails the others: a transport failure makes it unreachable, any other failure an
  error, both with a one-line, secret-free reason (``failed(site, reason, unreachable)``); a
  bug in one site's check is that site's ``internal error (...)``.
- Sandbox databases are seeded one after the other before any worker starts (seeding replays
  history through the stand-in and must not race with itself); a site whose seeding fails is
  handed to the caller's ``failed(site, reason)``.
- A site's failure reason is its error's one line without the ``site NAME: `` prefix (the
  report already names the site).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol, TypeVar

from harmonizer.errors import HarmonizerError, TransportError

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

T = TypeVar("T")
Event = Callable[[str, str], None]


class SiteResult(Protocol):
    """A site's result: ``checked`` is false when the site could not be read."""

    @property
    def checked(self) -> bool: ...


R = TypeVar("R", bound=SiteResult)
Failed = Callable[[str, str, bool], R]


def quiet(_site: str, _stage: str) -> None:
    return None


def check_sites(app: Harmonizer, names: list[str], check: Callable[[str], R], failed: Failed[R], *,
                concurrency: int, on_event: Event | None = None, thread_name: str = "fleet") -> dict[str, R]:
    """Each of ``names`` checked by ``check(site)`` (``failed(site, reason, unreachable)`` for a site
    that could not be), sandboxes seeded first; see the module rules."""
    if concurrency < 1:
        raise HarmonizerError(f"concurrency must be at least 1, got {concurrency}")
    event = on_event or quiet
    for name in names:
        event(name, "queued")
    results = seed_sandboxes(app, names, lambda name, reason: failed(name, reason, False))
    for name in results:
        event(name, "failed")
    todo = [n for n in names if n not in results]
    if todo:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(todo)), thread_name_prefix=thread_name) as pool:
            for name, result in zip(todo, pool.map(lambda n: guarded(n, check, failed, event), todo), strict=True):
                results[name] = result
    return results


def guarded(name: str, check: Callable[[str], R], failed: Failed[R], on_event: Event | None = None) -> R:
    """``check(name)``, never raising for a problem with the site: it becomes ``failed(...)``."""
    try:
        result = check(name)
    except TransportError as exc:
        result = failed(name, reason_of(exc, name), True)
    except HarmonizerError as exc:
        result = failed(name, reason_of(exc, name), False)
    except Exception as exc:  # a bug must not take the other sites down: it is this site's error
        result = failed(name, f"internal error ({exc.__class__.__name__}: {(str(exc).splitlines() or [''])[0]})",
                        False)
    (on_event or quiet)(name, "done" if result.checked else "failed")
    return result


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
