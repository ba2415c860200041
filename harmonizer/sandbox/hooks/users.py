"""Users and groups: Odoo's implied groups.

A group's ``implied_ids`` are the groups it grants on top of itself (e.g. Purchase /
Administrator implies Purchase / User, which implies Internal User), transitively.
How a version shows a user's effective groups, read from the schema, not the version:

- up to 18.0 ``res.users.groups_id`` is stored: giving a user a group adds the group's
  implied groups to it (and adding an implied group to a group adds it to that group's users);
- 19.0 keeps what was given in ``group_ids`` and computes ``all_group_ids`` (given and
  implied), read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.hooks.base import ModelHooks, Row, Vals

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env

STORED = "groups_id"   # up to 18.0
GIVEN = "group_ids"    # 19.0
ALL = "all_group_ids"  # 19.0, computed


def implied_closure(env: Env, group_ids: set[int]) -> set[int]:
    """``group_ids`` and every group they imply, transitively."""
    spec = env.spec("res.groups")
    field = spec.fields["implied_ids"]
    seen = set(group_ids)
    todo = list(group_ids)
    while todo:
        links = env.store.links(spec, field, todo)
        todo = [g for targets in links.values() for g in targets if g not in seen]
        seen.update(todo)
    return seen


def add_implied(env: Env, user_ids: list[int]) -> None:
    """Up to 18.0: complete each user's stored groups with the groups they imply."""
    spec = env.spec("res.users")
    if STORED not in spec.fields:
        return
    field = spec.fields[STORED]
    for user_id, groups in env.store.links(spec, field, user_ids).items():
        missing = implied_closure(env, set(groups)) - set(groups)
        if missing:
            env.store.link(spec, field, user_id, sorted(missing))


def users_after_change(env: Env, ids: list[int], vals: Vals) -> None:
    """``res.users`` create/write: up to 18.0, a given group brings its implied groups."""
    if STORED in vals:
        add_implied(env, ids)


def users_compute(env: Env, field: str, rows: list[Row]) -> list[Any] | None:
    """19.0's ``all_group_ids``: the given groups and every group they imply (None: not this field)."""
    spec = env.spec("res.users")
    if field != ALL or GIVEN not in spec.fields:
        return None
    given = env.store.links(spec, spec.fields[GIVEN], [r["id"] for r in rows])
    return [sorted(implied_closure(env, set(given[r["id"]]))) for r in rows]


class Groups(ModelHooks):
    model = "res.groups"
    order = "name"

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        users = env.spec("res.users")
        if "implied_ids" not in vals or STORED not in users.fields:
            return
        groups = env.spec("res.groups")
        members = env.store.links(groups, groups.fields["users"], ids) if "users" in groups.fields else {}
        add_implied(env, sorted({u for found in members.values() for u in found}))


HOOKS: list[ModelHooks] = [Groups()]
