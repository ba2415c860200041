"""Version profiles: everything that differs between Odoo versions, bundled in one object.

``load_profile("17.0")`` gives the schema, the model hooks, the version strings of
``common.version`` and the seeded users. Code elsewhere asks the profile, never
``if version == ...``. 17.0 is complete; 16.0, 18.0 and 19.0 load their own schema and
version strings and share 17.0's hooks until their own behaviours are added here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harmonizer.sandbox.access import UserProfile
from harmonizer.sandbox.hooks import registry_17
from harmonizer.sandbox.hooks.base import HookRegistry
from harmonizer.sandbox.schema import Schema, available_versions, load_schema

#: Users every stand-in database has (uid, login, password, name, admin).
USERS_16_18 = (UserProfile(2, "admin", "admin", "Mitchell Admin", True),
               UserProfile(8, "clerk", "clerk", "Casey Clerk", False))
USERS_19 = (UserProfile(2, "admin", "admin", "Mitchell Admin", True),
            UserProfile(7, "clerk", "clerk", "Casey Clerk", False))


@dataclass(frozen=True)
class VersionProfile:
    version: str
    schema: Schema
    hooks: HookRegistry
    users: tuple[UserProfile, ...]
    #: Modules reported installed in ir.module.module.
    installed_modules: tuple[str, ...]
    #: Private-method message names the model ("such as 'm._x'") from 18.0 on.
    private_method_names_model: bool = False
    #: Demo records of these models are not loaded (their shape differs and no hook exists yet).
    demo_skip_models: frozenset[str] = frozenset()
    #: Stopgap for versions without their own hooks yet: a required selection field with no
    #: known default gets its first key (else 18.0/19.0's new required fields block creates).
    default_first_selection: bool = False
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def version_info(self) -> dict[str, Any]:
        return dict(self.schema.version_info)

    @property
    def server_version(self) -> str:
        return str(self.schema.version_info["server_version"])

    def user(self, login: str) -> UserProfile | None:
        return next((u for u in self.users if u.login == login), None)


INSTALLED_17 = (
    "account", "account_check_printing", "account_edi_ubl_cii", "account_payment", "account_payment_term",
    "analytic", "auth_signup", "auth_totp", "auth_totp_mail", "auth_totp_portal", "barcodes",
    "barcodes_gs1_nomenclature", "base", "base_automation", "base_import", "base_import_module",
    "base_install_request", "base_setup", "bus", "delivery", "digest", "google_gmail", "http_routing", "iap",
    "iap_mail", "mail", "mail_bot", "onboarding", "partner_autocomplete", "payment", "phone_validation", "portal",
    "privacy_lookup", "product", "purchase", "purchase_stock", "resource", "sale", "sale_async_emails",
    "sale_management", "sale_pdf_quote_builder", "sale_product_configurator", "sale_purchase",
    "sale_purchase_stock", "sale_sms", "sale_stock", "sales_team", "sms", "snailmail", "snailmail_account",
    "spreadsheet", "spreadsheet_account", "spreadsheet_dashboard", "spreadsheet_dashboard_account",
    "spreadsheet_dashboard_purchase", "spreadsheet_dashboard_purchase_stock", "spreadsheet_dashboard_sale",
    "spreadsheet_dashboard_stock_account", "stock", "stock_account", "stock_delivery", "stock_sms", "uom", "utm",
    "web", "web_editor", "web_tour", "web_unsplash",
)

_CACHE: dict[str, VersionProfile] = {}


def load_profile(version: str) -> VersionProfile:
    if version not in available_versions():
        raise ValueError(f"unsupported Odoo version {version!r} (known: {', '.join(available_versions())})")
    if version not in _CACHE:
        major = int(version.split(".")[0])
        _CACHE[version] = VersionProfile(
            version=version, schema=load_schema(version), hooks=registry_17(),
            users=USERS_19 if major >= 19 else USERS_16_18, installed_modules=INSTALLED_17,
            private_method_names_model=major >= 18,
            # 16.0's base.automation still inherits its action (_inherits): not modelled yet
            demo_skip_models=frozenset({"base.automation"}) if major <= 16 else frozenset(),
            default_first_selection=major >= 18)
    return _CACHE[version]
