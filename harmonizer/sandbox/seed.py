"""Seeding a new database: technical rows derived from the profile, users and credentials.

``ir.model``, ``ir.model.fields``, ``ir.model.fields.selection`` and ``ir.module.module``
rows are generated from the schema and the profile's installed modules, with stable ids
(models in name order), and ``ir.model.data`` names ``base.model_<model>``. Users get
explicit ids (admin 2, the Inventory user as the profile says) and their passwords.
"""

from __future__ import annotations

from typing import Any

from harmonizer.sandbox.env import Env
from harmonizer.sandbox.hooks.apikeys import seed_key_row
from harmonizer.sandbox.profile import VersionProfile
from harmonizer.sandbox.store import Store


def seed_meta(store: Store, profile: VersionProfile) -> None:
    env = Env(store, profile, 1, su=True)
    models = env.spec("ir.model")
    fields = env.spec("ir.model.fields")
    selections = env.spec("ir.model.fields.selection")
    data = env.spec("ir.model.data")
    modules = env.spec("ir.module.module")
    field_id = selection_id = 0
    for model_id, name in enumerate(sorted(profile.schema.models), start=1):
        spec = profile.schema.models[name]
        store.insert(models, _only(models, {"id": model_id, "model": name, "name": spec.description,
                                            "state": "base", "transient": name == "res.config.settings",
                                            "order": "id"}))
        store.insert(data, {"module": "base", "name": "model_" + name.replace(".", "_"), "model": "ir.model",
                            "res_id": model_id, "noupdate": 0})
        for fname, fspec in spec.fields.items():
            field_id += 1
            store.insert(fields, _only(fields, {
                "id": field_id, "name": fname, "model": name, "model_id": model_id,
                "field_description": fspec.string, "ttype": fspec.type, "relation": fspec.relation,
                "relation_field": fspec.relation_field, "required": int(fspec.required),
                "readonly": int(fspec.readonly), "store": int(fspec.store), "state": "base",
                "translate": "standard" if fspec.attrs.get("translate") is True else None,
                "company_dependent": int(bool(fspec.attrs.get("company_dependent")))}))
            for sequence, (value, label) in enumerate(fspec.selection):
                selection_id += 1
                store.insert(selections, _only(selections, {"id": selection_id, "field_id": field_id,
                                                            "value": value, "name": label, "sequence": sequence}))
    for number, module in enumerate(profile.installed_modules, start=1):
        store.insert(modules, _only(modules, {"id": number, "name": module, "state": "installed",
                                              "shortdesc": module.replace("_", " ").title(), "application": 0}))


def _only(spec: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Keep the values the version's schema stores (fields differ between versions)."""
    return {k: (int(v) if isinstance(v, bool) else v) for k, v in values.items()
            if k == "id" or (k in spec.fields and spec.fields[k].has_column)}


def seed_users(store: Store, profile: VersionProfile, company_ids: list[int]) -> None:
    """Create OdooBot (uid 1, superuser), then the profile's users with their passwords."""
    env = Env(store, profile, 1, su=True)
    users = env.spec("res.users")
    partners = env.spec("res.partner")
    people = [(1, "__system__", "OdooBot", False, False), *[(u.uid, u.login, u.name, True, u.admin)
                                                          for u in profile.users]]
    next_partner = store.max_id(partners) + 1
    for uid, login, name, active, admin in people:
        partner_id = next_partner
        next_partner += 1
        store.insert(partners, _only(partners, {"id": partner_id, "name": name, "complete_name": name,
                                                "active": active, "company_id": None, "lang": "en_US",
                                                "email": f"{login}@example.com", "type": "contact"}))
        store.insert(users, _only(users, {"id": uid, "login": login, "partner_id": partner_id, "active": active,
                                          "company_id": company_ids[0] if company_ids else None, "share": 0,
                                          "notification_type": "email"}))
        allowed = company_ids if admin or uid == 1 else company_ids[:1]
        field = users.fields.get("company_ids")
        if field is not None:
            store.link(users, field, uid, allowed)
        if admin or uid == 1:
            store.set_meta(f"admin:{uid}", "1")
    for user in profile.users:
        store.add_secret(user.uid, "password", user.password)
        if user.login in profile.api_keys:  # 19.0+: a persistent global-scope API key per user
            store.add_secret(user.uid, "apikey", profile.api_keys[user.login])
            seed_key_row(env, user.uid, user.login)
