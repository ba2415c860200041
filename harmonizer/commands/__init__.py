"""CLI commands, one module per family; each module's ``register(group)`` adds its commands.

Every module of this package that defines ``register`` is registered, in name order, so a
new family of commands is a new module here and nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register_all(group: click.Group) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(group)
