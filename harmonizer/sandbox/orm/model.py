"""``Model``: one model in one call's environment, and its public (RPC-callable) methods.

Public methods carry Odoo's signatures so that wrong arguments fail the way Python fails
inside Odoo (a TypeError). Methods on records take ``ids`` first, as ``call_kw`` passes them.
Model-specific extra methods come from the hooks (``ModelHooks.methods``) and win over the
generic ones. Each public method checks access rights; the ``_``-prefixed ones do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harmonizer.sandbox import access, automations
from harmonizer.sandbox.exceptions import value_error
from harmonizer.sandbox.orm.copies import batch
from harmonizer.sandbox.orm.load import LoadMixin
from harmonizer.sandbox.orm.meta import MetaMixin
from harmonizer.sandbox.orm.read import ReadMixin
from harmonizer.sandbox.orm.search import SearchMixin
from harmonizer.sandbox.orm.write import WriteMixin

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env
    from harmonizer.sandbox.hooks.base import ModelHooks
    from harmonizer.sandbox.schema import ModelSpec

#: Generic public methods (besides the hooks' own).
PUBLIC = frozenset({
    "search", "search_read", "search_count", "read", "create", "write", "unlink", "fields_get",
    "name_search", "read_group", "default_get", "exists", "copy", "action_archive", "action_unarchive",
    "toggle_active", "flush_model", "check_access_rights", "get_external_id", "check_object_reference",
    "load",
})
#: Public methods only some versions have (``VersionProfile.extra_methods``), e.g. 19.0's
#: ``formatted_read_group`` and ``has_access``.
VERSIONED = frozenset({"formatted_read_group", "has_access"})
#: Methods that never write (the service runs them in a read-only transaction).
READ_ONLY = frozenset({"search", "search_read", "search_count", "read", "fields_get", "name_search",
                       "read_group", "default_get", "exists", "check_access_rights", "get_external_id",
                       "check_object_reference", "context_get", "flush_model", "has_access",
                       "formatted_read_group"})


def class_name(model: str) -> str:
    """The Python class Odoo names a model's methods by in TypeErrors ("res.country" -> "ResCountry")."""
    return "".join(part.capitalize() for part in model.replace("_", ".").split("."))


def public_names(extra: frozenset[str]) -> frozenset[str]:
    """The generic public methods of a version whose profile adds ``extra``."""
    return PUBLIC | (VERSIONED & extra)


def default_get_names(model: Model, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    """The field names of ``default_get(<names>)``: positional, or by the keyword of the version
    (``fields_list`` up to 18.0, ``fields`` from 19.0; ``VersionProfile.default_get_param``)."""
    keyword = model.env.profile.default_get_param
    where = f"{class_name(model.name)}.default_get()"
    for key in kwargs:
        if key != keyword:
            raise TypeError(f"{where} got an unexpected keyword argument {key!r}")
    if len(args) + len(kwargs) != 1:
        raise TypeError(f"{where} missing 1 required positional argument: {keyword!r}" if not args and not kwargs
                        else f"{where} takes 2 positional arguments but {len(args) + 1} were given")
    names = args[0] if args else kwargs[keyword]
    return list(names or [])


def _ids(ids: Any) -> list[int]:
    if isinstance(ids, bool):
        return []
    if isinstance(ids, int):
        return [ids]
    return list(ids or [])


class Model(SearchMixin, ReadMixin, WriteMixin, MetaMixin, LoadMixin):
    def __init__(self, env: Env, spec: ModelSpec, hooks: ModelHooks) -> None:
        self.env = env
        self.spec = spec
        self.hooks = hooks
        self.name = spec.name

    def sudo(self) -> Model:
        return Model(self.env.sudo(), self.spec, self.hooks)

    def with_env(self, **context: Any) -> Model:
        return Model(self.env.with_context(**context), self.spec, self.hooks)

    def check(self, operation: str) -> None:
        access.check(self.env, self.name, operation)

    def public_method(self, method: str) -> Any:
        """The callable behind an RPC method name, or None."""
        extra = self.hooks.methods()
        if method in extra:
            func = extra[method]
            return lambda *args, **kwargs: func(self, *args, **kwargs)
        if method in public_names(self.env.profile.extra_methods):
            return getattr(self, method)
        return None

    # -- searching and reading ---------------------------------------------------------------
    def search(self, domain: Any = None, offset: int = 0, limit: int | None = None,
               order: str | None = None) -> list[int]:
        self.check("read")
        return self._search(domain or [], offset, limit, order)

    def search_count(self, domain: Any = None, limit: int | None = None) -> int:
        self.check("read")
        return len(self._search(domain or [], limit=limit))

    def search_read(self, domain: Any = None, fields: list[str] | None = None, offset: int = 0,
                    limit: int | None = None, order: str | None = None, **read_kwargs: Any) -> list[dict[str, Any]]:
        self.check("read")
        if fields:
            self._check_field_names(fields, reading=True)
        return self._read_rows(self._search_rows(domain or [], offset, limit, order, reading=fields or None), fields)

    def read(self, ids: Any, fields: list[str] | None = None, load: str = "_classic_read") -> list[dict[str, Any]]:
        self.check("read")
        rows = self._read(_ids(ids), fields)
        if load != "_classic_read":  # e.g. load="": a many2one reads as its bare id
            for row in rows:
                for name, value in row.items():
                    field = self.spec.fields.get(name)
                    if field is not None and field.type == "many2one" and isinstance(value, list):
                        row[name] = value[0] if value else False
        return rows

    def exists(self, ids: Any) -> list[int]:
        found = self.env.store.existing(self.spec, _ids(ids))
        return [i for i in _ids(ids) if i in found]

    def fields_get(self, allfields: list[str] | None = None, attributes: list[str] | None = None) -> dict[str, Any]:
        return self._fields_get(allfields, attributes)

    def name_search(self, name: str = "", *positional: Any, **kwargs: Any) -> list[list[Any]]:
        """``name_search(name, <domain>, operator, limit)``: the domain's keyword is ``args`` up
        to 18.0 and ``domain`` from 19.0 (the profile's ``name_search_domain``); any other
        keyword is Python's TypeError, worded with Odoo's class name."""
        keyword = self.env.profile.name_search_domain
        params = [keyword, "operator", "limit"]
        bound: dict[str, Any] = {"name": name, keyword: None, "operator": "ilike", "limit": 100}
        if len(positional) > len(params):
            raise TypeError(f"{class_name(self.name)}.name_search() takes from 1 to 5 positional arguments "
                            f"but {len(positional) + 2} were given")
        bound.update(zip(params, positional, strict=False))
        for key, value in kwargs.items():
            if key not in bound:
                raise TypeError(f"{class_name(self.name)}.name_search() got an unexpected keyword argument {key!r}")
            bound[key] = value
        self.check("read")
        return self._name_search(bound["name"], bound[keyword], bound["operator"], bound["limit"])

    def read_group(self, domain: Any, fields: list[str], groupby: Any, offset: int = 0,
                   limit: int | None = None, orderby: Any = False, lazy: bool = True) -> list[dict[str, Any]]:
        self.check("read")
        return self._read_group(domain, fields, groupby, offset, limit, orderby, lazy)

    def formatted_read_group(self, domain: Any, groupby: Any = (), aggregates: Any = (), having: Any = (),
                             offset: int = 0, limit: int | None = None,
                             order: str | None = None) -> list[dict[str, Any]]:
        self.check("read")
        return self._formatted_read_group(domain or [], list(groupby or []), list(aggregates or []), offset, limit)

    def has_access(self, ids: Any, operation: str) -> bool:
        """19.0: whether the user may do ``operation`` (access rights; no record rules here)."""
        return access.check_access_rights(self.env, self.name, operation, raise_exception=False)

    def default_get(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._default_get(default_get_names(self, args, kwargs))

    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        return access.check_access_rights(self.env, self.name, operation, raise_exception)

    def get_external_id(self, ids: Any) -> dict[int, str]:
        self.check("read")
        return self._external_ids(_ids(ids))

    def check_object_reference(self, module: str, xml_id: str, raise_on_access_error: bool = False) -> list[Any]:
        if self.name != "ir.model.data":
            raise AttributeError(f"The method 'check_object_reference' does not exist on the model '{self.name}'")
        data = self.sudo()
        found = data._read(data._search([("module", "=", module), ("name", "=", xml_id)], limit=1),
                           ["model", "res_id"])
        if not found:
            raise value_error(f"External ID not found in the system: {module}.{xml_id}")
        return [found[0]["model"], found[0]["res_id"]]

    # -- writing -----------------------------------------------------------------------------
    def create(self, vals_list: Any) -> int | list[int]:
        self.check("create")
        if isinstance(vals_list, list):
            with batch(self):  # one batch create (orm/copies.py)
                return [automations.create(self, vals) for vals in vals_list]
        return automations.create(self, vals_list)

    def write(self, ids: Any, vals: dict[str, Any]) -> bool:
        self.hooks.check_write_access(self.env, vals if isinstance(vals, dict) else {})
        return automations.write(self, _ids(ids), vals)

    def unlink(self, ids: Any) -> bool:
        self.check("unlink")
        return self._unlink(_ids(ids))

    def copy(self, ids: Any, default: dict[str, Any] | None = None) -> int:
        self.check("create")
        rows = self._read(_ids(ids)[:1])
        if not rows:
            raise value_error("Expected singleton")
        vals: dict[str, Any] = {}
        for name, value in rows[0].items():
            field = self.spec.fields.get(name)
            if field is None or not field.store or name in ("id", "create_uid", "create_date", "write_uid",
                                                            "write_date") or field.type == "one2many":
                continue
            vals[name] = value[0] if field.type == "many2one" and value else value
        vals.update(default or {})
        return self._create(vals)

    def toggle_active(self, ids: Any) -> None:
        self.check("write")
        rows = self.env.store.rows(self.spec, _ids(ids))
        for rec_id, row in rows.items():
            self._write([rec_id], {"active": not row.get("active")})

    def action_archive(self, ids: Any) -> None:
        active = self._read(_ids(ids), ["active"])
        self.public_method("toggle_active")([r["id"] for r in active if r["active"]])

    def action_unarchive(self, ids: Any) -> None:
        active = self._read(_ids(ids), ["active"])
        self.public_method("toggle_active")([r["id"] for r in active if not r["active"]])

    def flush_model(self, ids: Any = None, fnames: list[str] | None = None) -> None:
        return None
