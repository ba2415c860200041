"""Where ``sandbox://NAME`` URLs find their in-process stand-in (a ``WireApp``).

Rules:
- An app registered with ``register_sandbox(NAME, app)`` wins (tests install one with levers).
- Otherwise one ``WireApp(SandboxServer(home, version))`` is created per (NAME, home, version)
  and shared by every session of the process, so an apply and the next plan see the same data
  even in memory (``home=None``).
- The stand-in modules are imported only here and only for ``sandbox://`` URLs.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from harmonizer.errors import NotImplementedYet

_registered: dict[str, Any] = {}
_created: dict[tuple[str, str | None, str], Any] = {}
_lock = threading.Lock()


def register_sandbox(name: str, app: Any) -> None:
    """Make ``sandbox://name`` use ``app`` (anything with ``handle(method, path, headers, body)``)."""
    with _lock:
        _registered[name] = app


def unregister_sandbox(name: str) -> None:
    with _lock:
        _registered.pop(name, None)
        for key in [key for key in _created if key[0] == name]:
            del _created[key]


def sandbox_app(name: str, home: Path | None, version: str) -> Any:
    """The WireApp serving ``sandbox://name`` (created on first use, see the module rules)."""
    with _lock:
        if name in _registered:
            return _registered[name]
        key = (name, str(home) if home is not None else None, version)
        if key not in _created:
            _created[key] = _new_app(home, version)
        return _created[key]


def _new_app(home: Path | None, version: str) -> Any:
    # The stand-in logs like an Odoo server (logger "odoo...."): in-process, that is server
    # log, not harmonizer's output. `harmonizer sandbox serve` shows it; here it stays quiet.
    logging.getLogger("odoo").addHandler(logging.NullHandler())
    try:
        from harmonizer.sandbox.service import SandboxServer
        from harmonizer.sandbox.wire.app import WireApp
    except ImportError as exc:
        raise NotImplementedYet(f"the in-process stand-in is not available yet ({exc})") from exc
    return WireApp(SandboxServer(home, version))
