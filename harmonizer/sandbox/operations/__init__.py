"""Operational history for sandbox databases: weeks of orders, deliveries and approvals.

A ``sandbox.yaml`` history step ``operations: <name>`` seeds the database with the history
described by ``harmonizer/sandbox/operations/<name>.json`` (see ``seed.seed_operations``),
so ``harmonizer health`` and ``harmonizer metrics`` have something to read on a fresh
clone. Only databases whose ``sandbox.yaml`` asks for it are seeded.
"""

from harmonizer.sandbox.operations.seed import history_names, seed_operations

__all__ = ["history_names", "seed_operations"]
