"""Checking a site's users against its access policy: pure, from ``AccessSpec`` + ``AccessLive``.

Rules:
- Only active internal users (``share`` false) who have the site's company among their
  companies are counted (a multi-company user counts at every company they have; archived
  users never count). Without a company scope every active internal user counts.
- A user holds a role when their effective groups (Odoo's implied groups included, as Odoo
  reports them) contain at least one of the role's groups on the site's version.
- A role none of whose groups exist in the site's Odoo is one ``missing_group`` finding;
  its other checks are skipped (they would all be wrong the same way).
- Segregation: one ``conflict`` finding per user holding every role of a rule.
- Sensitive roles: with ``logins``, one ``excess_holder`` finding per holder not listed;
  with ``max_holders``, one finding naming every counted holder when there are more.
- Required roles: ``missing_approver`` when fewer active holders than ``min_holders``; each
  named approver must exist, be active, have the company and hold the role.
- Logins other blocks name (approvers, escalation users, reviewers) must exist, be active
  and have the company (once per login; a required role's approver is checked there).
- An exception (rule + login) that has not expired turns that user's finding ``sanctioned``;
  an expired one leaves it ``drift`` and says so. Holders accepted for a sensitive role do
  not count against ``max_holders``.
Findings come in a stable order: rule kinds in the order above, then rule, then login.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from harmonizer.access.model import DRIFT, SANCTIONED, AccessFinding, AccessLive, ExceptionRef, LiveUser
from harmonizer.access.spec import AccessException, AccessSpec, RoleSpec


def evaluate(spec: AccessSpec, live: AccessLive, major: int, today: dt.date) -> tuple[AccessFinding, ...]:
    return tuple(_Check(spec, live, major, today).run())


class _Check:
    def __init__(self, spec: AccessSpec, live: AccessLive, major: int, today: dt.date) -> None:
        self.spec, self.live, self.major, self.today = spec, live, major, today
        self.members = [u for u in live.users if u.active and not u.share and self._in_company(u)]
        self.by_login = {u.login: u for u in live.users}
        self.exceptions = {(e.rule, e.login): e for e in spec.exceptions}
        self.missing_roles = {name for name, role in spec.roles.items() if not self._group_ids(role)}

    # -- helpers ------------------------------------------------------------------------

    def _in_company(self, user: LiveUser) -> bool:
        return self.live.company_id is None or self.live.company_id in user.company_ids

    def _group_ids(self, role: RoleSpec) -> set[int]:
        return {self.live.groups[x] for x in role.groups_for(self.major) if x in self.live.groups}

    def holds(self, user: LiveUser, role: str) -> bool:
        return bool(user.group_ids & self._group_ids(self.spec.roles[role]))

    def holders(self, role: str) -> list[LiveUser]:
        return [u for u in self.members if self.holds(u, role)]

    def groups(self, roles: Iterable[str]) -> tuple[str, ...]:
        return tuple(g for r in roles for g in self.spec.roles[r].groups_for(self.major))

    def _exception(self, rule: str, login: str) -> tuple[str, ExceptionRef | None]:
        found: AccessException | None = self.exceptions.get((rule, login))
        if found is None:
            return DRIFT, None
        expired = found.expired(self.today)
        ref = ExceptionRef(found.owner, found.reason, found.expires.isoformat(), expired, str(found.location))
        return (DRIFT if expired else SANCTIONED), ref

    def _finding(self, kind: str, rule: str, severity: str, message: str, location: object,
                 users: Iterable[LiveUser] = (), roles: Iterable[str] = (), fix: str | None = None,
                 login: str | None = None) -> AccessFinding:
        people = tuple((u.login, u.name) for u in users)
        status, ref = self._exception(rule, login) if login else (DRIFT, None)
        if ref is not None and ref.expired:
            message += f" (exception expired on {ref.expires})"
        roles = tuple(roles)
        return AccessFinding(kind=kind, rule=rule, status=status, severity=severity, message=message,
                             location=str(location), users=people, roles=roles, groups=self.groups(roles),
                             fix=fix, exception=ref)

    # -- checks ---------------------------------------------------------------------------

    def run(self) -> list[AccessFinding]:
        out = [self._missing_group(name) for name in sorted(self.missing_roles)]
        out += self._segregation()
        out += self._sensitive()
        out += self._required()
        out += self._named()
        return out

    def _missing_group(self, name: str) -> AccessFinding:
        role = self.spec.roles[name]
        groups = ", ".join(role.groups_for(self.major))
        return self._finding("missing_group", f"roles.{name}", "high",
                             f"role {name}: none of its groups ({groups}) exists in this Odoo "
                             "(module not installed, or another external ID on this version)",
                             role.location, roles=(name,))

    def _usable(self, roles: Iterable[str]) -> bool:
        return not set(roles) & self.missing_roles

    def _segregation(self) -> list[AccessFinding]:
        out = []
        for rule in self.spec.segregation:
            if not self._usable(rule.roles):
                continue
            for user in self.members:
                if all(self.holds(user, r) for r in rule.roles):
                    removable = ", ".join(f"{g} ({r})" for r in rule.roles for g in self._held_groups(user, r))
                    out.append(self._finding(
                        "conflict", rule.name, rule.severity,
                        f"{user.login} ({user.name}) holds {' + '.join(rule.roles)}, which segregation rule "
                        f"{rule.name} keeps apart", rule.location, [user], rule.roles,
                        fix=f"in Odoo, Settings > Users > {user.name}: remove one of {removable} "
                            "(or the group that implies it)", login=user.login))
        return out

    def _held_groups(self, user: LiveUser, role: str) -> list[str]:
        return [x for x in self.spec.roles[role].groups_for(self.major)
                if self.live.groups.get(x) in user.group_ids]

    def _sensitive(self) -> list[AccessFinding]:
        out = []
        for sens in self.spec.sensitive:
            if not self._usable([sens.role]):
                continue
            rule = f"sensitive.{sens.role}"
            holders = self.holders(sens.role)
            groups = ", ".join(self.spec.roles[sens.role].groups_for(self.major))
            counted = []
            for user in holders:
                status, _ref = self._exception(rule, user.login)
                if status == SANCTIONED:
                    out.append(self._finding("excess_holder", rule, "medium",
                                             f"{user.login} ({user.name}) holds sensitive role {sens.role}",
                                             sens.location, [user], [sens.role], login=user.login))
                    continue
                if sens.logins is not None and user.login not in sens.logins:
                    out.append(self._finding(
                        "excess_holder", rule, "high",
                        f"{user.login} ({user.name}) holds sensitive role {sens.role} but is not one of its "
                        f"allowed logins ({', '.join(sens.logins) or 'none'})", sens.location, [user], [sens.role],
                        fix=f"in Odoo, Settings > Users > {user.name}: remove {groups}", login=user.login))
                    continue
                counted.append(user)
            if sens.max_holders is not None and len(counted) > sens.max_holders:
                out.append(self._finding(
                    "excess_holder", rule, "high",
                    f"sensitive role {sens.role} has {len(counted)} holders, at most {sens.max_holders}: "
                    f"{', '.join(u.login for u in counted)}", sens.location, counted, [sens.role],
                    fix=f"in Odoo, Settings > Users: remove {groups} from "
                        f"{len(counted) - sens.max_holders} of them"))
        return out

    def _required(self) -> list[AccessFinding]:
        out = []
        for req in self.spec.required:
            if not self._usable([req.role]):
                continue
            rule = f"required.{req.role}"
            role = self.spec.roles[req.role]
            first = role.groups_for(self.major)[0]
            holders = self.holders(req.role)
            if len(holders) < req.min_holders:
                out.append(self._finding(
                    "missing_approver", rule, "high",
                    f"role {req.role} has {len(holders)} active holder(s) in this company, at least "
                    f"{req.min_holders} needed (approvals routed to it cannot be given)", req.location,
                    holders, [req.role],
                    fix=f"in Odoo, give an active user of this company the group {first}"))
            for login in req.approvers:
                user = self.by_login.get(login)
                problem = self._login_problem(login, user)
                if problem is None and user is not None and not self.holds(user, req.role):
                    how = "(enforced: the plan adds it)" if role.enforce else f"(add the group {first})"
                    out.append(self._finding(
                        "approver_without_role", rule, "high",
                        f"approver {login} ({user.name}) does not hold role {req.role} {how}", req.location,
                        [user], [req.role], fix=f"in Odoo, Settings > Users > {user.name}: add {first}",
                        login=login))
                elif problem is not None:
                    out.append(self._finding(problem[0], rule, "high", f"approver {problem[1]}", req.location,
                                             [user] if user else [], [req.role], login=login))
        return out

    def _named(self) -> list[AccessFinding]:
        out = []
        seen = {login for req in self.spec.required for login in req.approvers}  # checked there already
        for named in self.spec.named_logins:
            if named.login in seen:
                continue
            seen.add(named.login)
            user = self.by_login.get(named.login)
            problem = self._login_problem(named.login, user)
            if problem is not None:
                out.append(self._finding(problem[0], f"login.{named.login}", "high",
                                         f"{problem[1]} (named by {named.used_by})", named.location,
                                         [user] if user else [], login=named.login))
        return out

    def _login_problem(self, login: str, user: LiveUser | None) -> tuple[str, str] | None:
        if user is None:
            return "unknown_login", f"{login} is not a user of this Odoo"
        if not user.active:
            return "inactive_login", f"{login} ({user.name}) is archived"
        if user.share:
            return "inactive_login", f"{login} ({user.name}) is a portal/public user, not an internal one"
        if not self._in_company(user):
            return "login_not_in_company", f"{login} ({user.name}) does not have this site's company"
        return None
