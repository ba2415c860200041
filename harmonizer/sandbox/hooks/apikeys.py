"""19.0's API-key models: the key rows (``res.users.apikeys``) and the key wizard.

Rules (from ``odoo-reference/19.0/README.md`` "Creating API keys" and ``json2.json``):

- ``res.users.apikeys`` lists each key's row (name, user, scope, expiration), never the key
  itself: the secret lives in the stand-in's credentials table (``seed.seed_users`` adds one
  row per seeded key, global scope, no expiration). Users see their own rows, administrators
  all of them.
- ``res.users.apikeys.description`` is the UI wizard: ``create({name, duration})`` works, but
  ``make_key`` does not create a key over the API: it answers the identity-check action (an
  ``ir.actions.act_window`` opening a new ``res.users.identitycheck`` row), so keys cannot be
  minted remotely without the user's password.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.hooks.base import Method, ModelHooks

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env
    from harmonizer.sandbox.orm.model import Model


class ApiKeys(ModelHooks):
    model = "res.users.apikeys"
    own_rows_field = "user_id"  # a user sees their own keys; administrators see every key


class ApiKeyDescription(ModelHooks):
    model = "res.users.apikeys.description"

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"duration": "1"}

    def methods(self) -> dict[str, Method]:
        return {"make_key": make_key}


class IdentityCheck(ModelHooks):
    model = "res.users.identitycheck"
    rec_name = None


def make_key(model: Model, ids: Any) -> dict[str, Any]:
    """The wizard's "Generate key": re-enter the password first (no key is created)."""
    ids = [ids] if isinstance(ids, int) else list(ids or [])
    check = model.env["res.users.identitycheck"].sudo()
    request = json.dumps([model.name, ids, "make_key"])
    check_id = check._create({"request": request})
    return {"type": "ir.actions.act_window", "res_model": "res.users.identitycheck", "res_id": check_id,
            "name": "Access Control", "target": "new", "views": [[False, "form"]],
            "context": {"dialog_size": "medium"}}


def seed_key_row(env: Env, uid: int, login: str) -> None:
    """The row of a seeded key (19.0+: persistent, global scope); the secret stays out of it."""
    if env.profile.schema.get(ApiKeys.model) is None:
        return
    keys = env[ApiKeys.model].sudo()
    keys._create({"name": f"sandbox API key ({login})", "user_id": uid, "scope": False, "expiration_date": False})


HOOKS: list[ModelHooks] = [ApiKeys(), ApiKeyDescription(), IdentityCheck()]
