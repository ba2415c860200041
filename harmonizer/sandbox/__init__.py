"""The Odoo stand-in: a faithful, schema-driven imitation of an Odoo server.

It stores records in SQLite (one transaction per RPC call, like Odoo), answers the
``common``, ``db`` and ``object`` services, and speaks XML-RPC, JSON-RPC (and, as 19.0,
JSON-2) over HTTP or in-process. ``../shared/odoo-reference`` is its specification.
"""
