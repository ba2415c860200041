"""Access policy: roles, segregation of duties, sensitive roles and required approvers.

```yaml
access_policy:
  roles:
    purchase_approver:
      groups: [purchase.group_purchase_manager]       # by external ID; any one of them holds the role
      enforce: required_roles                         # optional: add the required approvers below
    goods_receipt: {groups: [stock.group_stock_user]}
    payment_release:
      groups: [account.group_account_manager]
      groups_by_version: {"<17.0": [account.group_account_manager]}   # where a version differs
  segregation:
    purchase_approval_vs_receipt: {roles: [purchase_approver, goods_receipt], severity: medium}
  sensitive:
    payment_release: {max_holders: 2}                 # and/or logins: [ap.lead]
  required:
    purchase_approver: {approvers: ["{{ procurement_approver }}"]}
```

Unlike the other blocks, an access policy is mostly *checked*, not deployed: drift and plan
read the site's users and their effective groups and report findings (see
``harmonizer.access``). It compiles to resources only for ``enforce: required_roles``: one
bound ``user_groups`` resource per required approver of such a role, which adds that login
to the role's first group (never creating, archiving or removing anyone).

Besides the roles the block names, the logins the approval matrix, escalations and finance
controls name (approvers, escalation users, the bill reviewer) must exist and be active users
of the site's company.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from harmonizer.errors import Location
from harmonizer.model import parse_versions
from harmonizer.policy.base import BlockBody, CompiledResource

PREFIX = "access"
XMLID = r"^[a-z0-9_]+\.[a-z0-9_]+$"
XmlId = str


class AccessRole(BlockBody):
    groups: list[XmlId] = Field(min_length=1)
    groups_by_version: dict[str, list[XmlId]] = Field(default_factory=dict)
    description: str | None = None
    enforce: Literal["required_roles"] | None = None

    @model_validator(mode="after")
    def _check(self) -> AccessRole:
        for xmlid in [*self.groups, *(g for gs in self.groups_by_version.values() for g in gs)]:
            if not re.match(XMLID, xmlid):
                raise ValueError(f"group {xmlid!r} is not an external ID (module.name, e.g. "
                                 "purchase.group_purchase_manager)")
        for spec, groups in self.groups_by_version.items():
            parse_versions(spec)
            if not groups:
                raise ValueError(f"groups_by_version {spec!r}: name at least one group")
        return self


class SegregationRule(BlockBody):
    roles: list[str] = Field(min_length=2)
    severity: Literal["low", "medium", "high"] = "high"
    description: str | None = None


class SensitiveRole(BlockBody):
    max_holders: int | None = Field(default=None, ge=0)
    logins: list[str] | None = None

    @model_validator(mode="after")
    def _one(self) -> SensitiveRole:
        if self.max_holders is None and self.logins is None:
            raise ValueError("a sensitive role needs 'max_holders', 'logins' or both")
        return self


class RequiredRole(BlockBody):
    approvers: list[str] = Field(default_factory=list)
    min_holders: int = Field(default=1, ge=1)


class AccessPolicy(BlockBody):
    roles: dict[str, AccessRole] = Field(min_length=1)
    segregation: dict[str, SegregationRule] = Field(default_factory=dict)
    sensitive: dict[str, SensitiveRole] = Field(default_factory=dict)
    required: dict[str, RequiredRole] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _roles_known(self) -> AccessPolicy:
        known = set(self.roles)
        used = [(f"segregation {name}", role) for name, rule in self.segregation.items() for role in rule.roles]
        used += [("sensitive", role) for role in self.sensitive] + [("required", role) for role in self.required]
        for where, role in used:
            if role not in known:
                raise ValueError(f"{where}: unknown role {role!r} (roles: {', '.join(sorted(known))})")
        for name, rule in self.segregation.items():
            if len(set(rule.roles)) != len(rule.roles):
                raise ValueError(f"segregation {name}: a role is listed twice")
        for name, role in self.roles.items():
            if role.enforce and not (self.required.get(name) and self.required[name].approvers):
                raise ValueError(f"role {name}: 'enforce: required_roles' needs required.{name}.approvers "
                                 "(the logins to add)")
        return self


def login_slug(login: str) -> str:
    """A login as a resource-name part: lower case, runs of other characters become ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", login.lower()).strip("_") or "user"


def compile_access(policy: AccessPolicy, location: Location, rule_where: Mapping[str, Location]
                   ) -> list[CompiledResource]:
    """``user_groups`` resources for the required approvers of roles with ``enforce: required_roles``."""
    out: list[CompiledResource] = []
    for name, role in policy.roles.items():
        if not role.enforce:
            continue
        for login in policy.required[name].approvers:
            out.append(CompiledResource(
                "user_groups", f"{PREFIX}_{name}_{login_slug(login)}",
                {"login": login, "groups": [role.groups[0]]}, "access_policy", name,
                rule_where.get(name, location),
                purpose=f"{login} holds role {name} (required approver, enforced)"))
    return out


def named_logins(models: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(login, used by) for every user the other policy blocks name."""
    out: list[tuple[str, str]] = []
    matrix = models.get("approval_matrix")
    for name, rule in (getattr(matrix, "rules", None) or {}).items():
        if rule.approver:
            out.append((rule.approver, f"approval_matrix rule {name} (approver)"))
    escalation = models.get("escalation")
    for name, rule in (getattr(escalation, "rules", None) or {}).items():
        if rule.escalate_to:
            out.append((rule.escalate_to, f"escalation rule {name} (escalate_to)"))
    finance = models.get("finance_controls")
    hold = getattr(finance, "invoice_hold", None)
    if hold is not None and hold.reviewer:
        out.append((hold.reviewer, "finance_controls invoice_hold (reviewer)"))
    return out
