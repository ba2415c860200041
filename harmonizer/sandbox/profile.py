"""Version profiles: everything that differs between Odoo versions, bundled in one object.

``load_profile("17.0")`` gives the schema, the model hooks, the version strings of
``common.version``, the seeded users and every behaviour flag that differs between
versions. Code elsewhere asks the profile, never ``if version == ...``. The per-version
values are built in ``_build`` (one table of facts per major version, from
``odoo-reference/<ver>/README.md``); version-specific model hooks live in
``hooks/versions.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harmonizer.sandbox.access import GROUP_LABELS_19, UserProfile
from harmonizer.sandbox.hooks import hooks_17
from harmonizer.sandbox.hooks.base import HookRegistry
from harmonizer.sandbox.hooks.versions import version_hooks
from harmonizer.sandbox.orm.domain import DOMAIN_WORDS_17, DOMAIN_WORDS_19
from harmonizer.sandbox.orm.errors import MANDATORY, MANDATORY_19
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
    #: (model, field): required fields Odoo computes when a create leaves them out; the
    #: stand-in does not refuse such a create (NOT NULL is checked on the other fields).
    computed_required: frozenset[tuple[str, str]] = frozenset()
    #: How an unknown public method is reported ({model}, {method}).
    unknown_method: str = "The method '{method}' does not exist on the model '{model}'"
    #: Private names that do not exist in this version's ORM (``_read`` in 18.0).
    missing_private_methods: frozenset[str] = frozenset()
    #: Public names of 17.0 that are private here (AccessError), e.g. 18.0's ``flush_model``.
    private_methods: frozenset[str] = frozenset()
    #: Unknown field in create/write values ({model}, {field}).
    invalid_field: str = "Invalid field {field!r} on model {model!r}"
    #: Unknown field in ``read``/``search_read`` fields.
    invalid_field_read: str = "Invalid field {field!r} on model {model!r}"
    #: Models whose ``write`` on a missing id returns True (else MissingError).
    write_missing_ok: frozenset[str] = frozenset()
    #: Models whose ``unlink`` of a missing id returns True (16.0's base.automation).
    unlink_missing_ok: frozenset[str] = frozenset()
    #: ``fields_get`` lists the ``__last_update`` pseudo-field (16.0).
    last_update_field: bool = False
    #: JSON-RPC ``error.code`` (200 up to 18.0, 0 in 19.0) and whether ``data`` keys start with
    #: name, message (19.0's order: name, message, arguments, context, debug).
    jsonrpc_error_code: int = 200
    jsonrpc_data_order_19: bool = False
    #: 19.0: the JSON-2 API, /doc-bearer, /json/version, API keys (login -> key).
    json2: bool = False
    api_keys: dict[str, str] = field(default_factory=dict)
    #: The log line 19.0 writes for every XML-RPC/JSON-RPC request (None: not deprecated).
    rpc_deprecation: str | None = None
    #: The keyword of name_search's domain ("args" up to 18.0, "domain" from 19.0).
    name_search_domain: str = "args"
    #: Public ORM methods this version adds to 17.0's (``orm.model.VERSIONED``).
    extra_methods: frozenset[str] = frozenset()
    #: Wording of bad domain leaves (``orm.domain.DOMAIN_WORDS_*``).
    domain_words: dict[str, str] = field(default_factory=lambda: dict(DOMAIN_WORDS_17))
    #: 19.0: a leaf on a non-stored field without a search method raises ("Cannot convert ... to
    #: SQL"); up to 18.0 it was dropped (every row matched).
    nonstored_search_error: bool = False
    #: 17.0: a domain leaf on a field reserved to groups the user lacks is an AccessError
    #: (``access.check_field_search``); 16.0, 18.0 and 19.0 search it.
    field_groups_in_search: bool = False
    #: 17.0+: an automation run by a recomputation set off inside another rule's filter shares
    #: what that rule's call has done (16.0 copies it: the rule acts twice; ``sandbox.automations``).
    automation_feedback: bool = True
    #: 16.0: a search pushes ``'!'`` into a path leaf (``'!', ('activity_ids.summary', '=', S)``
    #: searches "some activity is not S"; ``orm.domain.negate_into_paths``); 17.0+ search "none is S".
    search_negates_path_leaves: bool = False
    #: 16.0, 17.0: a rule's filter (``filtered_domain``) reads a negative leaf on a path over the
    #: related values (``('activity_ids.summary', '!=', S)``: no activity S); 18.0+ as a search
    #: does (some activity is not S). Checked on the real servers (Dec 2026).
    filter_path_negatives_complement: bool = False
    #: NOT NULL violation ({model_desc}, {model}, {field_desc}, {field}), ``orm.errors.MANDATORY*``.
    mandatory_message: str = MANDATORY
    #: Group labels that differ from 17.0's in AccessError texts (``access.GROUP_LABELS_19``).
    group_labels: dict[str, str] = field(default_factory=dict)
    #: Class name of the JSON-RPC controller in binding TypeErrors ("RPC.jsonrpc() missing ...").
    jsonrpc_controller: str = "RPC"
    #: ``default_get``'s keyword for the field names ("fields_list" up to 18.0, "fields" in 19.0).
    default_get_param: str = "fields_list"
    #: res.config.settings.default_get: unknown names are a KeyError (19.0) and the keys every
    #: answer carries whatever was asked.
    settings_default_get_strict: bool = False
    settings_default_extras: dict[str, Any] = field(default_factory=lambda: {"portal_allow_api_keys": False})
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

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

#: Stand-in API keys (19.0+): a key per login, accepted as a bearer token on JSON-2 and as
#: a password on XML-RPC/JSON-RPC: "sandbox-apikey-<login>". Tests and sandbox:// sites (password_env) use them.
SANDBOX_API_KEYS = {"admin": "sandbox-apikey-admin", "clerk": "sandbox-apikey-clerk"}

RPC_DEPRECATION = ("The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated in Odoo 19 and scheduled for "
                   "removal in Odoo 20. Please report the problem to the client making the request.")

INVALID_FIELD = "Invalid field {field!r} on model {model!r}"
INVALID_FIELD_19 = "Invalid field {field!r} in {model!r}"

_CACHE: dict[str, VersionProfile] = {}


def _build(version: str) -> VersionProfile:
    major = int(version.split(".")[0])
    # a version's hook replaces every 17.0 hook of its model (17.0 may list a model twice, the
    # later refining the earlier, e.g. product.template's display name)
    replaced = {h.model: h for h in version_hooks(major)}
    hooks = HookRegistry([h for h in hooks_17() if h.model not in replaced] + list(replaced.values()))
    unknown_method = {16: "type object '{model}' has no attribute '{method}'",
                      17: "The method '{method}' does not exist on the model '{model}'"}.get(
        major, "The method '{model}.{method}' does not exist")
    return VersionProfile(
        version=version, schema=load_schema(version), hooks=hooks,
        users=USERS_19 if major >= 19 else USERS_16_18, installed_modules=INSTALLED_17,
        private_method_names_model=major >= 18,
        demo_skip_models=frozenset(),
        default_first_selection=major >= 18,
        computed_required=frozenset({("stock.picking.type", "default_location_src_id"),
                                     ("stock.picking.type", "default_location_dest_id"),
                                     ("product.supplierinfo", "product_uom_id"),
                                     ("product.supplierinfo", "product_tmpl_id"),
                                     # 16.0 requires it and computes it from the partner (the
                                     # reference's depends); the stand-in has no pricelists
                                     ("sale.order", "pricelist_id")}),
        unknown_method=unknown_method,
        missing_private_methods=frozenset({"_read"}) if major == 18 else frozenset(),
        private_methods=frozenset({"flush_model", "search_fetch"}) if major >= 18 else frozenset(),
        invalid_field=INVALID_FIELD_19 if major >= 19 else INVALID_FIELD,
        invalid_field_read="Invalid field {field!r} on {model!r}" if major >= 19 else INVALID_FIELD,
        write_missing_ok=frozenset({"ir.config_parameter", "base.automation"}) if major == 17
        else frozenset({"base.automation"}) if major == 16 else frozenset(),
        unlink_missing_ok=frozenset({"base.automation"}) if major == 16 else frozenset(),
        last_update_field=major <= 16,
        jsonrpc_error_code=0 if major >= 19 else 200,
        jsonrpc_data_order_19=major >= 19,
        json2=major >= 19,
        api_keys=dict(SANDBOX_API_KEYS) if major >= 19 else {},
        rpc_deprecation=RPC_DEPRECATION if major >= 19 else None,
        name_search_domain="domain" if major >= 19 else "args",
        domain_words=dict(DOMAIN_WORDS_19 if major >= 19 else DOMAIN_WORDS_17),
        nonstored_search_error=major >= 19,
        field_groups_in_search=major == 17,
        automation_feedback=major >= 17,
        search_negates_path_leaves=major <= 16,
        filter_path_negatives_complement=major <= 17,
        mandatory_message=MANDATORY_19 if major >= 19 else MANDATORY,
        group_labels=dict(GROUP_LABELS_19) if major >= 19 else {},
        jsonrpc_controller="JSONRPC" if major >= 19 else "RPC",
        default_get_param="fields" if major >= 19 else "fields_list",
        settings_default_get_strict=major >= 19,
        settings_default_extras={"portal_allow_api_keys": False,
                                 **({"auth_totp_enforce": False} if major >= 19 else {})},
        extra_methods=frozenset({"formatted_read_group", "has_access"}) if major >= 19 else frozenset(),
    )


def load_profile(version: str) -> VersionProfile:
    if version not in available_versions():
        raise ValueError(f"unsupported Odoo version {version!r} (known: {', '.join(available_versions())})")
    if version not in _CACHE:
        _CACHE[version] = _build(version)
    return _CACHE[version]
