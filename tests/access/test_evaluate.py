"""The access check on hand-built users: pure, no Odoo."""

from __future__ import annotations

import datetime as dt

import pytest

from harmonizer.access.evaluate import evaluate
from harmonizer.access.model import DRIFT, SANCTIONED, AccessLive, LiveUser
from harmonizer.access.read import access_live, group_field
from harmonizer.access.spec import (
    AccessException,
    AccessSpec,
    NamedLogin,
    RequiredSpec,
    RoleSpec,
    SegregationSpec,
    SensitiveSpec,
)
from harmonizer.errors import Location

TODAY = dt.date(2026, 12, 6)
AT = Location("site_templates/t/access.yaml", 3)
GROUPS = {"purchase.group_purchase_manager": 10, "purchase.group_purchase_user": 11,
          "stock.group_stock_user": 20, "stock.group_stock_manager": 21,
          "account.group_account_manager": 30, "base.group_partner_manager": 40}
WEST, CENTRAL = 1, 2


def role(name: str, *groups: str, enforce: bool = False) -> RoleSpec:
    return RoleSpec(name, groups, AT, enforce=enforce)


ROLES = {r.name: r for r in (role("purchase_approver", "purchase.group_purchase_manager"),
                             role("goods_receipt", "stock.group_stock_user"),
                             role("payment_release", "account.group_account_manager"),
                             role("vendor_master", "base.group_partner_manager"))}


def spec(**kw: object) -> AccessSpec:
    return AccessSpec(roles=kw.pop("roles", ROLES), location=AT, **kw)  # type: ignore[arg-type]


def user(uid: int, login: str, *groups: str, companies: tuple[int, ...] = (WEST,), active: bool = True,
         share: bool = False) -> LiveUser:
    return LiveUser(uid, login, login.title(), active, share, frozenset(companies),
                    frozenset(GROUPS[g] for g in groups))


def live(*users: LiveUser, company: int | None = WEST) -> AccessLive:
    return AccessLive(users=users, groups=GROUPS, company_id=company)


SOD = SegregationSpec("approval_vs_receipt", ("purchase_approver", "goods_receipt"), "medium", AT)


def test_a_user_holding_both_roles_is_a_conflict_with_the_fix_to_make() -> None:
    [finding] = evaluate(spec(segregation=(SOD,)), live(
        user(5, "tom", "purchase.group_purchase_manager", "stock.group_stock_user"),
        user(6, "ann", "purchase.group_purchase_manager")), 17, TODAY)
    assert (finding.kind, finding.status, finding.rule, finding.users) == ("conflict", DRIFT, "approval_vs_receipt",
                                                                           (("tom", "Tom"),))
    assert finding.groups == ("purchase.group_purchase_manager", "stock.group_stock_user")
    assert "remove one of purchase.group_purchase_manager (purchase_approver), stock.group_stock_user" in finding.fix
    assert finding.location == str(AT) and finding.address == "access_policy.approval_vs_receipt@tom"


def test_implied_groups_count_as_held_as_odoo_reports_them() -> None:
    # Odoo reports effective groups: a stock manager's list carries the implied stock user group.
    manager = user(5, "lead", "purchase.group_purchase_manager", "stock.group_stock_manager", "stock.group_stock_user")
    assert [f.kind for f in evaluate(spec(segregation=(SOD,)), live(manager), 17, TODAY)] == ["conflict"]
    # ... read through the version's own field: 19.0's all_group_ids, groups_id before.
    rows = [{"id": 5, "login": "lead", "name": "Lead", "active": True, "share": False, "company_ids": [WEST],
             "all_group_ids": [10, 21, 20], "group_ids": [10, 21]}]
    assert group_field(19) == "all_group_ids" and group_field(16) == group_field(18) == "groups_id"
    read = access_live(rows, GROUPS, WEST, 19)
    assert read.users[0].group_ids == {10, 20, 21}
    assert [f.kind for f in evaluate(spec(segregation=(SOD,)), read, 19, TODAY)] == ["conflict"]
    # reading 19.0's rows as if they were 18.0's finds no groups at all (the field differs)
    assert access_live(rows, GROUPS, WEST, 18).users[0].group_ids == frozenset()


def test_archived_and_portal_users_never_count() -> None:
    both = ("purchase.group_purchase_manager", "stock.group_stock_user")
    found = evaluate(spec(segregation=(SOD,)), live(user(5, "gone", *both, active=False),
                                                    user(6, "portal", *both, share=True)), 17, TODAY)
    assert found == ()


def test_a_multi_company_user_counts_where_they_have_the_company() -> None:
    both = ("purchase.group_purchase_manager", "stock.group_stock_user")
    roaming = user(5, "roam", *both, companies=(WEST, CENTRAL))
    other = user(6, "east", *both, companies=(3,))
    assert [f.users for f in evaluate(spec(segregation=(SOD,)), live(roaming, other, company=CENTRAL), 17,
                                      TODAY)] == [(("roam", "Roam"),)]
    # without a company scope, every active internal user counts
    assert len(evaluate(spec(segregation=(SOD,)), live(roaming, other, company=None), 17, TODAY)) == 2


def test_an_exception_sanctions_one_user_until_it_expires() -> None:
    both = ("purchase.group_purchase_manager", "stock.group_stock_user")
    accepted = AccessException("approval_vs_receipt", "tom", "it@x", "break-glass", dt.date(2026, 12, 6), AT)
    users = live(user(5, "tom", *both), user(6, "ann", *both))
    found = evaluate(spec(segregation=(SOD,), exceptions=(accepted,)), users, 17, TODAY)
    assert [(f.users[0][0], f.status) for f in found] == [("tom", SANCTIONED), ("ann", DRIFT)]
    assert found[0].exception is not None and not found[0].exception.expired
    later = evaluate(spec(segregation=(SOD,), exceptions=(accepted,)), users, 17, TODAY + dt.timedelta(days=1))
    assert [f.status for f in later] == [DRIFT, DRIFT]
    assert "exception expired on 2026-12-06" in later[0].message and later[0].exception.expired


def test_sensitive_role_with_too_many_holders_or_unlisted_logins() -> None:
    payers = [user(i, f"pay{i}", "account.group_account_manager") for i in range(1, 4)]
    [too_many] = evaluate(spec(sensitive=(SensitiveSpec("payment_release", AT, max_holders=2),)), live(*payers),
                          17, TODAY)
    assert too_many.kind == "excess_holder" and "3 holders, at most 2" in too_many.message
    assert [u for u, _ in too_many.users] == ["pay1", "pay2", "pay3"]
    assert evaluate(spec(sensitive=(SensitiveSpec("payment_release", AT, max_holders=3),)), live(*payers), 17,
                    TODAY) == ()
    listed = evaluate(spec(sensitive=(SensitiveSpec("payment_release", AT, logins=("pay1",)),)), live(*payers),
                      17, TODAY)
    assert [(f.kind, f.users[0][0]) for f in listed] == [("excess_holder", "pay2"), ("excess_holder", "pay3")]
    # a holder accepted by an exception does not count against the maximum
    ok = AccessException("sensitive.payment_release", "pay3", "cfo", "month end", dt.date(2027, 1, 31), AT)
    found = evaluate(spec(sensitive=(SensitiveSpec("payment_release", AT, max_holders=2),), exceptions=(ok,)),
                     live(*payers), 17, TODAY)
    assert [(f.status, f.users) for f in found] == [(SANCTIONED, (("pay3", "Pay3"),))]


@pytest.mark.parametrize(("who", "kind"), [
    (None, "unknown_login"),
    (user(7, "boss", "purchase.group_purchase_manager", active=False), "inactive_login"),
    (user(7, "boss", "purchase.group_purchase_manager", companies=(CENTRAL,)), "login_not_in_company"),
    (user(7, "boss", "stock.group_stock_user"), "approver_without_role"),
])
def test_a_required_approver_must_exist_be_active_have_the_company_and_hold_the_role(
        who: LiveUser | None, kind: str) -> None:
    holder = user(5, "ann", "purchase.group_purchase_manager")
    users = (holder, who) if who is not None else (holder,)
    found = evaluate(spec(required=(RequiredSpec("purchase_approver", AT, ("boss",)),)), live(*users), 17, TODAY)
    assert [(f.kind, f.rule) for f in found] == [(kind, "required.purchase_approver")]


def test_a_required_role_nobody_holds_is_a_missing_approver() -> None:
    found = evaluate(spec(required=(RequiredSpec("purchase_approver", AT, min_holders=1),)),
                     live(user(5, "ann", "stock.group_stock_user"), user(6, "gone", "purchase.group_purchase_manager",
                                                                          active=False)), 17, TODAY)
    assert [f.kind for f in found] == ["missing_approver"]
    assert "0 active holder(s)" in found[0].message and found[0].fix


def test_logins_other_blocks_name_must_be_usable_once_each() -> None:
    named = (NamedLogin("ghost", "approval_matrix rule x (approver)", AT),
             NamedLogin("ghost", "escalation rule y (escalate_to)", AT),
             NamedLogin("ann", "finance_controls invoice_hold (reviewer)", AT))
    found = evaluate(spec(named_logins=named), live(user(5, "ann")), 17, TODAY)
    assert [(f.kind, f.rule) for f in found] == [("unknown_login", "login.ghost")]
    # a login a required role lists is checked there only
    found = evaluate(spec(named_logins=named, required=(RequiredSpec("purchase_approver", AT, ("ghost",)),)),
                     live(user(5, "ann", "purchase.group_purchase_manager")), 17, TODAY)
    assert [(f.kind, f.rule) for f in found] == [("unknown_login", "required.purchase_approver")]


def test_a_role_whose_groups_this_odoo_lacks_is_one_finding_not_many() -> None:
    roles = {**ROLES, "auditor": role("auditor", "account_audit.group_auditor")}
    sod = SegregationSpec("audit_vs_pay", ("auditor", "payment_release"), "high", AT)
    found = evaluate(spec(roles=roles, segregation=(sod,)), live(user(5, "pay", "account.group_account_manager")),
                     17, TODAY)
    assert [(f.kind, f.rule) for f in found] == [("missing_group", "roles.auditor")]


def test_groups_differ_per_version_where_the_role_says_so() -> None:
    versioned = RoleSpec("payment_release", ("account.group_account_manager",), AT,
                         (("<17.0", ("account.group_account_invoice",)),))
    assert versioned.groups_for(16) == ("account.group_account_invoice",)
    assert versioned.groups_for(17) == versioned.groups_for(19) == ("account.group_account_manager",)
