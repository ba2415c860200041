"""Seeding the project's sandbox databases (``sandbox://`` sites) on first use.

``sandbox.yaml`` at the project root names, per database, the stand-in fixture to start
from and an optional ``history``: steps replayed once through the stand-in's own RPC, so
a demo database can look like a real one (a past rollout, then edits made by hand). A
``<database>.seeded`` marker beside the database makes this happen once. A step
``operations: <name>`` seeds weeks of operational history (``harmonizer.sandbox.operations``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harmonizer.config.yamlio import load_mapping, plain
from harmonizer.errors import ConfigError, HarmonizerError

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

SANDBOX_FILE = "sandbox.yaml"
_seeding: set[tuple[str, str]] = set()


def sandbox_home(app: Harmonizer, version: str) -> Path:
    return app.sandbox_home / version


def ensure_sandbox(app: Harmonizer, site: Any) -> None:
    version = site.odoo.odoo_version or "17.0"
    home = sandbox_home(app, version)
    database = site.odoo.database
    marker = home / f"{database}.seeded"
    key = (str(home), database)
    if marker.exists() or key in _seeding:
        return
    spec = _database_spec(app.root, database)
    home.mkdir(parents=True, exist_ok=True)
    from harmonizer.odoo.sandbox_link import sandbox_app

    server = sandbox_app(site.odoo.url.split("://", 1)[1], home, version).server
    server.ensure_database(database, fixture=str(spec.get("fixture", "demo")))
    _seeding.add(key)
    try:
        for step in spec.get("history", []):
            if "operations" in step:
                _operations(server, database, str(step["operations"]))
            else:
                _replay(app, site.name, step)
    finally:
        _seeding.discard(key)
    marker.write_text("seeded\n")


def database_fixtures(root: Path) -> dict[str, str]:
    """Each database ``sandbox.yaml`` names, with its fixture (``harmonizer_demo`` if none)."""
    path = root / SANDBOX_FILE
    if not path.exists():
        return {"harmonizer_demo": "demo"}
    doc = plain(load_mapping(path, SANDBOX_FILE))
    return {name: str((spec or {}).get("fixture", "demo")) for name, spec in (doc.get("databases") or {}).items()}


def _database_spec(root: Path, database: str) -> dict[str, Any]:
    path = root / SANDBOX_FILE
    if not path.exists():
        return {"fixture": "demo"}
    doc = plain(load_mapping(path, SANDBOX_FILE))
    return dict((doc.get("databases") or {}).get(database) or {"fixture": "demo"})


def _operations(server: Any, database: str, name: str) -> None:
    """Weeks of orders, deliveries and approvals (``harmonizer/sandbox/operations/<name>.json``)."""
    from harmonizer.sandbox.operations import history_names, seed_operations

    if name not in history_names():
        raise ConfigError(f"{SANDBOX_FILE}: unknown operations history {name!r} "
                          f"(known: {', '.join(history_names())})")
    with server.env(database) as env:
        seed_operations(env, name)


def _replay(app: Harmonizer, site_name: str, step: dict[str, Any]) -> None:
    if "apply" in step:
        saved, app.impact = app.impact, replace(app.impact, enabled=False)  # history: nobody reviews it
        try:
            plan = app.plan_one(str(step["apply"]))
        finally:
            app.impact = saved
        app.apply_site(plan)
        return
    with app.session(site_name) as session:
        writer = session.writer()
        if "write" in step:
            spec = step["write"]
            model, ids = _target(writer, spec)
            writer.write(model, ids, dict(spec["values"]))
        elif "create" in step:
            spec = step["create"]
            module, _, name = str(spec["xmlid"]).partition(".")
            record_id = writer.create(spec["model"], dict(spec["values"]))
            writer.create("ir.model.data", {"module": module, "name": name, "model": spec["model"],
                                            "res_id": record_id})
        else:
            raise ConfigError(f"{SANDBOX_FILE}: unknown history step {sorted(step)}")


def _target(writer: Any, spec: dict[str, Any]) -> tuple[str, list[int]]:
    if "xmlid" in spec:
        module, _, name = str(spec["xmlid"]).partition(".")
        rows = writer.search_read("ir.model.data", [("module", "=", module), ("name", "=", name)],
                                  ["model", "res_id"])
        if not rows:
            raise HarmonizerError(f"{SANDBOX_FILE}: no record with external ID {spec['xmlid']}")
        return rows[0]["model"], [rows[0]["res_id"]]
    rows = writer.search_read("res.company", [("name", "=", spec["company"])], ["id"])
    if not rows:
        raise HarmonizerError(f"{SANDBOX_FILE}: no company named {spec['company']!r}")
    return "res.company", [rows[0]["id"]]
