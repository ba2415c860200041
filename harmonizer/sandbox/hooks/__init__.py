"""Model hooks: Odoo's per-model behaviour, one small module per model family.

``hooks_17()`` gives the 17.0 set; other versions start from it (see ``profile.py``).
"""

from __future__ import annotations

from harmonizer.sandbox.hooks import automation, company, delivery, ir, stock, users
from harmonizer.sandbox.hooks.base import HookRegistry, ModelHooks


def hooks_17() -> list[ModelHooks]:
    return [*ir.HOOKS, *automation.HOOKS, *stock.HOOKS, *company.HOOKS, *delivery.HOOKS, *users.HOOKS]


def registry_17() -> HookRegistry:
    return HookRegistry(hooks_17())
