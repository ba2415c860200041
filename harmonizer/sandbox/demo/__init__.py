"""Demo data of the stand-in: a fictional distributor ("Harmonia Distribution").

``load_fixture(env, name)`` fills a freshly created database: base records
(``base.json``), the fixture's companies (``<name>.json``) with their users, and
company records (``company_records.json``). Records are created through the ORM, so
warehouses get their locations, operation types and routes exactly as any created later.
"""
