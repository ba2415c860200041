"""Coupled fields and verification after apply.

``depends`` holds Odoo's compute dependencies (from a live server's ``fields_get`` or the
shipped per-version reference); ``analysis`` finds desired states Odoo can never hold at
once (two resources writing one computed value through a shared record), before anything
is written; ``verify`` compares what an apply wrote with what Odoo holds afterwards and
explains the differences it can.
"""
