"""What the access check reads and what it finds: plain frozen data.

``AccessLive`` is the site's users as Odoo reports them (logins, display names, companies,
*effective* groups: Odoo's implied groups included) and the ids of the groups the policy
names; nothing else about a person is read (no e-mail, no other personal field).
``AccessFinding`` is one thing a reviewer must look at; ``status`` is ``drift`` (a
conflict, an excess holder, a missing or unusable approver, a group the site's Odoo lacks)
or ``sanctioned`` (accepted by a site's exception that has not expired).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DRIFT = "drift"
SANCTIONED = "sanctioned"


@dataclass(frozen=True)
class LiveUser:
    id: int
    login: str
    name: str
    active: bool
    share: bool
    company_ids: frozenset[int]
    group_ids: frozenset[int]


@dataclass(frozen=True)
class AccessLive:
    """The users a site's access check looks at, and the policy's groups by external ID."""

    users: tuple[LiveUser, ...]
    #: external ID -> group id, for the groups found in this Odoo (missing ones are absent)
    groups: Mapping[str, int] = field(default_factory=dict)
    company_id: int | None = None
    #: the users' group field read on this version (``groups_id`` up to 18, ``all_group_ids`` on 19)
    group_field: str = "groups_id"


@dataclass(frozen=True)
class ExceptionRef:
    owner: str
    reason: str
    expires: str
    expired: bool
    location: str


@dataclass(frozen=True)
class AccessFinding:
    #: what kind of finding: conflict, excess_holder, missing_approver, approver_without_role,
    #: unknown_login, inactive_login, login_not_in_company, missing_group
    kind: str
    #: the policy rule: ``segregation.<name>``, ``sensitive.<role>``, ``required.<role>``,
    #: ``login.<login>`` (a user another block names) or ``roles.<role>``
    rule: str
    status: str
    severity: str
    message: str
    #: where the rule is written (template file:line)
    location: str
    users: tuple[tuple[str, str], ...] = ()
    roles: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    #: the change a person would make to resolve it (never made automatically)
    fix: str | None = None
    exception: ExceptionRef | None = None

    @property
    def failing(self) -> bool:
        return self.status == DRIFT

    @property
    def address(self) -> str:
        """A stable identity for reports: the rule, plus the user when there is exactly one."""
        who = f"@{self.users[0][0]}" if len(self.users) == 1 else ""
        return f"access_policy.{self.rule}{who}"

    def to_dict(self) -> dict[str, Any]:
        ex = self.exception
        return {"kind": self.kind, "rule": self.rule, "status": self.status, "severity": self.severity,
                "message": self.message, "location": self.location,
                "users": [{"login": login, "name": name} for login, name in self.users],
                "roles": list(self.roles), "groups": list(self.groups), "fix": self.fix,
                "exception": None if ex is None else {"owner": ex.owner, "reason": ex.reason,
                                                      "expires": ex.expires, "expired": ex.expired,
                                                      "location": ex.location}}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AccessFinding:
        ex = d.get("exception")
        return cls(kind=d["kind"], rule=d["rule"], status=d["status"], severity=d["severity"],
                   message=d["message"], location=d.get("location", ""),
                   users=tuple((u["login"], u["name"]) for u in d.get("users", ())),
                   roles=tuple(d.get("roles", ())), groups=tuple(d.get("groups", ())), fix=d.get("fix"),
                   exception=None if ex is None else ExceptionRef(**ex))
