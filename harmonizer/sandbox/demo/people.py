"""The people of a demo fixture: groups with their implied groups, users with their groups.

Read from ``people.json``: groups are created unless their external ID exists already (then
only their implied groups are completed); the profile's users (admin, the Inventory clerk)
get their groups; each fixture's people become internal users of the companies named by key,
with a partner of their own. Groups are given through the ORM, so the version's own rule for
implied groups applies (see ``harmonizer.sandbox.hooks.users``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harmonizer.sandbox.env import Env

HERE = Path(__file__).parent


def _people() -> dict[str, Any]:
    return json.loads((HERE / "people.json").read_text())


def _group_field(env: Env) -> str:
    fields = env.spec("res.users").fields
    return "groups_id" if "groups_id" in fields else "group_ids"


def load_people(env: Env, fixture: str, companies: Mapping[str, int]) -> None:
    if "res.groups" not in env or "res.users" not in env:
        return
    data = _people()
    groups = _groups(env, data["groups"])
    field = _group_field(env)
    users = env["res.users"]
    for login, names in data["profile_users"].items():
        found = users._search([("login", "=", login)], limit=1)
        if found:
            users._write(found, {field: [(4, groups[x]) for x in names]})
    for person in data["people"].get(fixture, []):
        company_ids = [companies[key] for key in person["companies"] if key in companies]
        if not company_ids:
            continue
        partner = env["res.partner"]._create({"name": person["name"], "company_id": False})
        user_id = users._create({"login": person["login"], "partner_id": partner, "company_id": company_ids[0],
                                 "company_ids": [(6, 0, company_ids)], "share": False,
                                 field: [(6, 0, [groups[x] for x in person["groups"]])]})
        if not person.get("active", True):
            users._write([user_id], {"active": False})


def _groups(env: Env, specs: list[dict[str, Any]]) -> dict[str, int]:
    """Every group of ``specs`` by external ID, created where missing, implied groups linked."""
    data = env["ir.model.data"].sudo()
    out: dict[str, int] = {}
    for spec in specs:
        module, _, name = spec["xmlid"].partition(".")
        found = data._read(data._search([("module", "=", module), ("name", "=", name)], limit=1), ["res_id"])
        if found:
            out[spec["xmlid"]] = int(found[0]["res_id"])
            continue
        out[spec["xmlid"]] = env["res.groups"]._create({"name": spec["name"]})
        data._create({"module": module, "name": name, "model": "res.groups", "res_id": out[spec["xmlid"]],
                      "noupdate": True})
    for spec in specs:
        if spec.get("implied"):
            env["res.groups"]._write([out[spec["xmlid"]]], {"implied_ids": [(4, out[x]) for x in spec["implied"]]})
    return out
