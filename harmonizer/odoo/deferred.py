"""Third-party modules imported on first use instead of at import time.

odoo-client-lib imports httpx (about a tenth of a second of CPU, a seventh of a one-site
run) for its own HTTP helpers, which harmonizer never calls: harmonizer's connectors send
over its own channels (``odoo.channels``). ``defer("httpx")``, before odoo-client-lib is
imported, puts a stand-in module in ``sys.modules``: ``import httpx`` binds it, and the
first read of any of its attributes imports the real module and fills the stand-in with
it (so references taken before then behave as the real module).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

_LOCK = threading.Lock()


class _Deferred(types.ModuleType):
    """Stands for a module until one of its attributes is read."""

    def __getattr__(self, attribute: str) -> Any:  # only for names not set yet
        with _LOCK:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
                real = importlib.import_module(self.__name__)
                self.__dict__.update(real.__dict__)
        return getattr(sys.modules[self.__name__], attribute)


def defer(name: str) -> None:
    """Make ``import name`` cheap until the module is used (no-op if already imported or missing)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    module = _Deferred(name)
    module.__spec__ = spec  # what the import system checks, without loading the module
    sys.modules[name] = module


def is_deferred(name: str) -> bool:
    """Is ``name`` still the stand-in (its real module not imported yet)?"""
    return type(sys.modules.get(name)) is _Deferred
