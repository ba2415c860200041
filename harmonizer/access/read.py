"""What the access check asks of Odoo, and how its answer becomes ``AccessLive``.

One bulk read per site, merged into the plan's own reads (``harmonizer.plan.live``): every
internal user (archived ones too, so an archived approver is told apart from an unknown
login) with login, name, companies and effective groups; the policy's group external IDs
go with the plan's ``ir.model.data`` lookups. No per-user call, no personal field beyond
login and name.

Effective groups per version (checked against the reference ``fields_get``): up to 18.0
``res.users.groups_id`` is stored and Odoo adds a group's implied groups to it when a group
is given, so it already holds them; 19.0 splits it into ``group_ids`` (what was given) and
``all_group_ids`` (computed, implied groups included), which is read there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from harmonizer.access.model import AccessLive, LiveUser

USERS_MODEL = "res.users"


def group_field(major: int) -> str:
    """The users' field holding their effective groups on Odoo ``major``."""
    return "all_group_ids" if major >= 19 else "groups_id"


def user_fields(major: int) -> list[str]:
    return ["login", "name", "active", "share", "company_ids", group_field(major)]


def users_domain() -> list[Any]:
    return [("share", "=", False)]


def _ids(value: Any) -> frozenset[int]:
    if not isinstance(value, list | tuple):
        return frozenset()
    return frozenset(v for v in value if isinstance(v, int) and not isinstance(v, bool))


def access_live(rows: Iterable[Mapping[str, Any]], groups: Mapping[str, int], company_id: int | None,
                major: int) -> AccessLive:
    field = group_field(major)
    users = tuple(LiveUser(id=int(row["id"]), login=str(row.get("login") or ""),
                           name=str(row.get("name") or row.get("login") or ""), active=bool(row.get("active")),
                           share=bool(row.get("share")), company_ids=_ids(row.get("company_ids")),
                           group_ids=_ids(row.get(field)))
                  for row in sorted(rows, key=lambda r: str(r.get("login") or "")))
    return AccessLive(users=users, groups=dict(groups), company_id=company_id, group_field=field)
