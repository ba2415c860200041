"""Group membership of an existing user: the only write an access policy may make.

Bound, not owned: the user (found by login among internal users) is the site's own; harmonizer
never creates, archives or deletes a user, and never removes a group. The resource says
which groups the user must be *in*; groups the user holds besides are left alone, so the
canonical desired value is an *includes* value (``{"includes": [refs]}``), which the value
type's ``same`` treats as satisfied by any group list containing them.
Written as link commands ``(4, id)``. Compiled from ``access_policy`` roles with
``enforce: required_roles`` (see ``harmonizer.policy.access``); a template may also declare
it by hand.

The group field is ``groups_id`` up to Odoo 18 and ``group_ids`` on 19 (whose effective
``all_group_ids`` is read-only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.refs import UnresolvedReference
from harmonizer.kinds.values import Lookup, ValueType, ref, ref_key
from harmonizer.model import Level

if TYPE_CHECKING:
    from harmonizer.plan.resolve import Resolver

XMLID_LOOKUP = ("ir.model.data", "xmlid")
#: Key of an *includes* canonical value (``{"includes": [refs]}``): satisfied by any list of
#: references that contains every one of them (a user's groups: harmonizer adds, never removes).
INCLUDES = "includes"
#: At most this many group labels are shown for a user's live groups.
SHOWN = 4


class UserGroupsBody(Body):
    login: str = Field(min_length=1)
    groups: list[str] = Field(min_length=1, description="groups by external ID (module.name) the user must be in")


def _includes(value: Any) -> list[Any] | None:
    if isinstance(value, dict) and set(value) == {INCLUDES}:
        return list(value[INCLUDES])
    return None


def _label(resolver: Resolver, record_id: int) -> str:
    key = resolver.key_of(*XMLID_LOOKUP, record_id)
    return str(key) if key is not None else f"#{record_id}"


class GroupsIncluded(ValueType):
    """Groups a user must be in (by external ID), among whatever else the user holds."""

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        return [Lookup(*XMLID_LOOKUP, str(x)) for x in value or []]

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        out = []
        for xmlid in value or []:
            found = resolver.lookup(*XMLID_LOOKUP, str(xmlid))
            if found is None:
                raise UnresolvedReference(f"no group with external ID {xmlid!r} in this Odoo")
            out.append(ref("res.groups", found[0], str(xmlid)))
        return {INCLUDES: sorted(out, key=lambda r: r["id"])}

    def live(self, raw: Any, resolver: Resolver) -> Any:
        ids = sorted(int(v) for v in raw or [] if isinstance(v, int) and not isinstance(v, bool))
        return [ref("res.groups", i, _label(resolver, i)) for i in ids]

    def same(self, a: Any, b: Any) -> bool:
        """An includes value equals a list that contains every reference it names (and another
        includes value naming the same references); two lists compare as lists."""
        wanted_a, wanted_b = _includes(a), _includes(b)
        if wanted_a is None and wanted_b is None:
            return bool(ref_key(a) == ref_key(b))
        if wanted_a is not None and wanted_b is not None:
            return bool(ref_key(wanted_a) == ref_key(wanted_b))
        wanted, held = (wanted_a, b) if wanted_a is not None else (wanted_b, a)
        held_keys = {repr(k) for k in ref_key(held if isinstance(held, list) else [])}
        return all(repr(ref_key(w)) in held_keys for w in wanted or [])

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        wanted = after.get(INCLUDES, []) if isinstance(after, dict) else after or []
        return [(4, r["id"]) for r in wanted]

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        return None  # bound: never created

    def display(self, canonical: Any) -> str:
        if isinstance(canonical, dict):
            return "in " + ", ".join(str(r["label"]) for r in canonical.get(INCLUDES, []))
        items = canonical or []
        known = [str(r["label"]) for r in items if not str(r["label"]).startswith("#")]
        shown = known[:SHOWN]
        rest = len(items) - len(shown)
        return f"{len(items)} groups" + (f" ({', '.join(shown)}{', ...' if rest else ''})" if shown else "")


class UserGroups(Kind):
    key: ClassVar[str] = "user_groups"
    model: ClassVar[str] = "res.users"
    level: ClassVar[Level] = Level.DATABASE
    owned: ClassVar[bool] = False
    body_model = UserGroupsBody
    area = "access"
    title = "User group membership"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [FieldMap("groups", "group_ids" if major >= 19 else "groups_id", GroupsIncluded())]

    def bound_domain(self, company_id: int | None, warehouse_id: int | None) -> list[Any]:
        return [("share", "=", False)]

    def bound_fields(self, major: int) -> list[str]:
        return ["login"]

    def bound_match(self, row: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
        return row.get("login") == body.get("login")
