"""The environment of one call: store (one transaction), version profile, user and context.

``env[model]`` gives the ORM model object. ``sudo()`` bypasses access rights and record
rules, for the stand-in's own work inside hooks (as Odoo's business code does).
Companies follow Odoo: ``allowed_company_ids`` from the context, else all companies of the
user; the current company is the first allowed one (else the user's main company).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.exceptions import AccessError, UserError
from harmonizer.sandbox.schema import ModelSpec
from harmonizer.sandbox.store import Store

if TYPE_CHECKING:
    from harmonizer.sandbox.hooks.base import ModelHooks
    from harmonizer.sandbox.orm.model import Model
    from harmonizer.sandbox.profile import VersionProfile

SUPERUSER_ID = 1


_NOW: list[Any] = [None, ""]


def now_string() -> str:
    """The current UTC time to the second, formatted once per second (every call asks it)."""
    second = int(time.time())
    if _NOW[0] != second:
        _NOW[0], _NOW[1] = second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(_NOW[1])


class Env:
    def __init__(self, store: Store, profile: VersionProfile, uid: int, context: dict[str, Any] | None = None,
                 *, su: bool = False, dbname: str = "", now: str | None = None) -> None:
        self.store = store
        self.profile = profile
        self.uid = uid
        self.context: dict[str, Any] = dict(context or {})
        self.su = su or uid == SUPERUSER_ID
        self.dbname = dbname
        #: The call's time (derived environments share it, as Odoo's transaction has one now).
        self.now = now or now_string()
        self._names: dict[tuple[str, int], str] = {}
        #: User rows read in this call (every request checks its user; dropped on every write).
        self._users: dict[int, dict[str, Any] | None] = {}
        self._sudo: Env | None = None
        self._models: dict[str, Model] = {}

    # -- derived environments --------------------------------------------------------------
    def sudo(self) -> Env:
        if self._sudo is None:  # one per environment: display names ask for it once per value
            self._sudo = Env(self.store, self.profile, self.uid, self.context, su=True, dbname=self.dbname,
                             now=self.now)
            self._sudo._names, self._sudo._users = self._names, self._users
        return self._sudo

    def with_context(self, **values: Any) -> Env:
        env = Env(self.store, self.profile, self.uid, {**self.context, **values}, su=self.su,
                  dbname=self.dbname, now=self.now)
        env._names, env._users = self._names, self._users
        return env

    # -- models ----------------------------------------------------------------------------
    def __getitem__(self, model: str) -> Model:
        found = self._models.get(model)
        if found is None:  # a Model holds no state of its own: one per model and environment
            from harmonizer.sandbox.orm.model import Model

            spec = self.profile.schema.get(model)
            if spec is None:
                raise UserError(f"Object {model} doesn't exist")
            found = self._models[model] = Model(self, spec, self.profile.hooks.get(model))
        return found

    def __contains__(self, model: str) -> bool:
        return self.profile.schema.get(model) is not None

    def spec(self, model: str) -> ModelSpec:
        spec = self.profile.schema.get(model)
        if spec is None:
            raise UserError(f"Object {model} doesn't exist")
        return spec

    def hooks(self, model: str) -> ModelHooks:
        return self.profile.hooks.get(model)

    # -- user and companies ----------------------------------------------------------------
    def user_row(self, uid: int | None = None) -> dict[str, Any] | None:
        """The user's row (read once per call until a write; callers only read it)."""
        uid = uid or self.uid
        if uid not in self._users:
            self._users[uid] = self.store.rows(self.spec("res.users"), [uid]).get(uid)
        return self._users[uid]

    def user_company_ids(self) -> list[int]:
        spec = self.spec("res.users")
        field = spec.fields.get("company_ids")
        ids = self.store.links(spec, field, [self.uid])[self.uid] if field else []
        row = self.user_row()
        main = row.get("company_id") if row else None
        if main and main not in ids:
            ids.insert(0, main)
        return ids

    @property
    def company_ids(self) -> list[int]:
        allowed = self.context.get("allowed_company_ids")
        user_ids = self.user_company_ids()
        if allowed:
            if not self.su and any(cid not in user_ids for cid in allowed):
                raise AccessError("Access to unauthorized or invalid companies.")
            return list(allowed)
        return user_ids

    @property
    def company_id(self) -> int | None:
        allowed = self.context.get("allowed_company_ids")
        if allowed:
            return int(allowed[0])
        row = self.user_row()
        return row.get("company_id") if row else None

    def xmlid_res_id(self, module: str, name: str) -> int | None:
        """The record id behind an external ID, straight from the store (no access rule applies
        to this internal lookup; the ORM's search would scan every ir.model.data row)."""
        table = self.spec("ir.model.data").table
        row = self.store.conn.execute(f"SELECT res_id FROM {table} WHERE module = ? AND name = ? LIMIT 1",
                                      (module, name)).fetchone()
        return int(row[0]) if row is not None else None

    @property
    def lang(self) -> str:
        return str(self.context.get("lang") or "en_US")

    # -- display names (cached for the call; dropped on every write) -------------------------
    def display_names(self, model: str, ids: list[int],
                      fetched: dict[int, dict[str, Any]] | None = None) -> dict[int, str]:
        """Names by id (ids that do not exist are left out); ``fetched``: rows already read."""
        missing = [i for i in ids if (model, i) not in self._names]
        if missing:
            spec = self.spec(model)
            hooks = self.hooks(model)
            if fetched is not None and all(i in fetched for i in missing):
                rows = {i: fetched[i] for i in missing}
            else:  # only the columns the name is made of, when the model's rule says which
                columns = hooks.name_columns()
                if columns is not None:
                    columns = tuple(c for c in columns if c in spec.fields and spec.fields[c].has_column)
                rows = self.store.rows(spec, missing, columns)
            for rec_id, row in rows.items():
                self._names[(model, rec_id)] = hooks.display_name(self, row)
        return {i: self._names[(model, i)] for i in ids if (model, i) in self._names}

    def invalidate(self) -> None:
        self._names.clear()
        self._users.clear()
