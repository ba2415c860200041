"""Users, groups and access rights of the stand-in, with Odoo's AccessError messages.

Two kinds of users exist: administrators (every right) and the Inventory user (Odoo's
``base.group_user`` + ``stock.group_stock_user``). ``RULES`` says, per model and operation,
which group an Inventory user lacks; the message names that group exactly as Odoo does
(e.g. writing stock.warehouse needs "Inventory/Administrator").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harmonizer.sandbox.exceptions import AccessError

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env

OPERATIONS = ("read", "write", "create", "unlink")
VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}
SETTINGS = "Administration/Settings"
ACCESS_RIGHTS = "Administration/Access Rights"
STOCK_ADMIN = "Inventory/Administrator"
SALES_ADMIN = "Sales/Administrator"
PURCHASE_ADMIN = "Purchase/Administrator"
ALL = OPERATIONS
WRITES = ("write", "create", "unlink")

#: model -> {operation: group required} for the Inventory user (missing: allowed).
RULES: dict[str, dict[str, str]] = {
    "base.automation": dict.fromkeys(ALL, SETTINGS),
    "ir.actions.server": dict.fromkeys(WRITES, SETTINGS),
    "ir.cron": dict.fromkeys(ALL, SETTINGS),
    "ir.config_parameter": dict.fromkeys(ALL, SETTINGS),
    "ir.model.data": dict.fromkeys(WRITES, SETTINGS),
    "ir.model": dict.fromkeys(WRITES, SETTINGS),
    "ir.model.fields": dict.fromkeys(WRITES, SETTINGS),
    "ir.model.fields.selection": dict.fromkeys(WRITES, SETTINGS),
    "ir.module.module": dict.fromkeys(WRITES, SETTINGS),
    "ir.default": dict.fromkeys(WRITES, SETTINGS),
    "ir.sequence": dict.fromkeys(WRITES, SETTINGS),
    "res.config.settings": dict.fromkeys(ALL, SETTINGS),
    "res.company": dict.fromkeys(WRITES, ACCESS_RIGHTS),
    "res.users": dict.fromkeys(WRITES, ACCESS_RIGHTS),
    "res.groups": dict.fromkeys(WRITES, ACCESS_RIGHTS),
    "res.currency": dict.fromkeys(WRITES, SETTINGS),
    "res.country": dict.fromkeys(WRITES, SETTINGS),
    "res.country.state": dict.fromkeys(WRITES, SETTINGS),
    "stock.warehouse": dict.fromkeys(WRITES, STOCK_ADMIN),
    "stock.location": dict.fromkeys(WRITES, STOCK_ADMIN),
    "stock.route": dict.fromkeys(WRITES, STOCK_ADMIN),
    "stock.rule": dict.fromkeys(WRITES, STOCK_ADMIN),
    "stock.picking.type": dict.fromkeys(WRITES, STOCK_ADMIN),
    "delivery.carrier": dict.fromkeys(WRITES, STOCK_ADMIN),
    "delivery.price.rule": dict.fromkeys(WRITES, STOCK_ADMIN),
    "mail.activity.type": dict.fromkeys(WRITES, SETTINGS),
    "uom.uom": dict.fromkeys(WRITES, STOCK_ADMIN),
    "account.payment.term": dict.fromkeys(WRITES, "Accounting/Billing Administrator"),
    "sale.order": {"unlink": SALES_ADMIN},
    "purchase.order": dict.fromkeys(ALL, "Purchase/User"),
}


@dataclass(frozen=True)
class UserProfile:
    """A stand-in user as the version profile seeds it."""

    uid: int
    login: str
    password: str
    name: str
    admin: bool


#: 19.0's labels of the groups above (its AccessError texts name the new group labels).
GROUP_LABELS_19 = {SETTINGS: "Role / Administrator", ACCESS_RIGHTS: "Access Rights"}


def access_error(env: Env, model: str, operation: str, group: str) -> AccessError:
    description = env.spec(model).description
    group = env.profile.group_labels.get(group, group)
    return AccessError(
        f"You are not allowed to {VERBS[operation]} '{description}' ({model}) records.\n\n"
        f"This operation is allowed for the following groups:\n\t- {group}\n\n"
        "Contact your administrator to request access if necessary.")


def is_admin(env: Env) -> bool:
    if env.su:
        return True
    return env.store.meta(f"admin:{env.uid}") == "1"


def missing_group(env: Env, model: str, operation: str) -> str | None:
    """The group the current user lacks for ``operation`` on ``model`` (None: allowed)."""
    if is_admin(env):
        return None
    return RULES.get(model, {}).get(operation)


def check(env: Env, model: str, operation: str) -> None:
    group = missing_group(env, model, operation)
    if group is not None:
        raise access_error(env, model, operation, group)


#: Fields Odoo reserves to groups (the field's ``groups``), with the group labels its AccessError
#: names (sorted by group id, as Odoo lists them). Only the fields harmonizer's domains use.
_ACCOUNTING_READERS = ("Technical / Show Accounting Features - Readonly", "Invoicing / Billing")
FIELD_GROUPS: dict[tuple[str, str], tuple[str, ...]] = {
    ("res.partner", "credit"): _ACCOUNTING_READERS,
    ("res.partner", "debit"): _ACCOUNTING_READERS,
}


def check_field_search(env: Env, model: str, field: str) -> None:
    """A leaf on a field reserved to groups the user lacks: real 17.0 refuses the search (it checks
    the read access of every field a domain names); 16.0, 18.0 and 19.0 run it (checked on the real
    servers with the Inventory user and a least-privilege user). The stand-in's non-admin users hold
    no accounting group."""
    groups = FIELD_GROUPS.get((model, field))
    if groups is None or not env.profile.field_groups_in_search or is_admin(env):
        return
    labels = ", ".join(repr(label) for label in groups)
    raise AccessError(
        "The requested operation can not be completed due to security restrictions.\n\n"
        f"Document type: {env.spec(model).description} ({model})\nOperation: read\nUser: {env.uid}\n"
        f"Fields:\n- {field} (allowed for groups {labels})")


def check_access_rights(env: Env, model: str, operation: str, raise_exception: bool = True) -> bool:
    if operation not in OPERATIONS:
        raise ValueError(f"Invalid access mode {operation!r}")
    group = missing_group(env, model, operation)
    if group is None:
        return True
    if raise_exception:
        raise access_error(env, model, operation, group)
    return False
