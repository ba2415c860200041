"""The access policy of one site as plain, frozen data (what ``DesiredState.access`` holds).

Built by config from a template's ``access_policy`` block (``harmonizer.policy.access``)
and the site's ``access_exceptions``; read by ``harmonizer.access.evaluate``. Free of Odoo
ids: groups are external IDs, users are logins. Every rule keeps the template line it was
written on, so a finding can say where the rule it breaks comes from.

Rules:
- A role is *held* by a user who is in at least one of its groups (groups of one role are
  alternatives: e.g. the same right named differently on two Odoo versions). ``enforce``
  adds a user to the role's first group.
- A role's groups may differ per Odoo version: ``groups_by_version`` lists (constraint,
  groups) pairs, the first whose constraint the site's version meets wins; ``groups`` is
  the fallback.
- An exception accepts one named rule (``segregation``'s rule name, ``sensitive.<role>`` or
  ``required.<role>``) for one login until it expires.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from harmonizer.errors import Location
from harmonizer.model import versions_match


@dataclass(frozen=True)
class RoleSpec:
    name: str
    groups: tuple[str, ...]
    location: Location
    groups_by_version: tuple[tuple[str, tuple[str, ...]], ...] = ()
    description: str = ""
    #: ``enforce: required_roles``: the role's required approvers are added to its first group.
    enforce: bool = False

    def groups_for(self, major: int) -> tuple[str, ...]:
        for constraint, groups in self.groups_by_version:
            if versions_match(constraint, major):
                return groups
        return self.groups


@dataclass(frozen=True)
class SegregationSpec:
    """No single active user may hold every role of ``roles``."""

    name: str
    roles: tuple[str, ...]
    severity: str
    location: Location
    description: str = ""


@dataclass(frozen=True)
class SensitiveSpec:
    """A sensitive role: at most ``max_holders`` holders in the company, and/or only ``logins``."""

    role: str
    location: Location
    max_holders: int | None = None
    logins: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RequiredSpec:
    """A role at least ``min_holders`` active users of the company hold, including ``approvers``."""

    role: str
    location: Location
    approvers: tuple[str, ...] = ()
    min_holders: int = 1


@dataclass(frozen=True)
class NamedLogin:
    """A login another policy block names (an approver, an escalation user, a bill reviewer)."""

    login: str
    used_by: str
    location: Location


@dataclass(frozen=True)
class AccessException:
    """A site's accepted, owned and dated exception: ``rule`` is allowed for ``login``."""

    rule: str
    login: str
    owner: str
    reason: str
    expires: dt.date
    location: Location

    def expired(self, today: dt.date) -> bool:
        return self.expires < today


@dataclass(frozen=True)
class AccessSpec:
    roles: Mapping[str, RoleSpec]
    location: Location
    segregation: tuple[SegregationSpec, ...] = ()
    sensitive: tuple[SensitiveSpec, ...] = ()
    required: tuple[RequiredSpec, ...] = ()
    named_logins: tuple[NamedLogin, ...] = ()
    exceptions: tuple[AccessException, ...] = field(default_factory=tuple)

    def group_xmlids(self, major: int) -> tuple[str, ...]:
        """Every group external ID the policy uses on Odoo ``major``, sorted."""
        return tuple(sorted({g for role in self.roles.values() for g in role.groups_for(major)}))

    def logins(self) -> tuple[str, ...]:
        """Every login the policy names (approvers, allowed holders, other blocks' users), sorted."""
        found = {n.login for n in self.named_logins}
        for req in self.required:
            found.update(req.approvers)
        for sens in self.sensitive:
            found.update(sens.logins or ())
        return tuple(sorted(found))

    def with_exceptions(self, exceptions: tuple[AccessException, ...]) -> AccessSpec:
        return AccessSpec(self.roles, self.location, self.segregation, self.sensitive, self.required,
                          self.named_logins, exceptions)

    def rule_names(self) -> set[str]:
        """Names an exception may accept."""
        return ({s.name for s in self.segregation} | {f"sensitive.{s.role}" for s in self.sensitive}
                | {f"required.{r.role}" for r in self.required})
