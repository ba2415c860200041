"""Odoo 19's public ORM method signatures, as ``/doc-bearer`` lists them and JSON-2 binds them.

One ``Signature`` per method: its parameters in Python order (name, default or REQUIRED,
annotation), whether it is ``api.model`` (no ``ids``), and the return annotation. JSON-2
binds a request body (named arguments) to these exactly like ``inspect.Signature.bind``:
an unknown name is "got an unexpected keyword argument 'x'", a missing one "missing a
required argument: 'x'". Methods without a known signature take ``ids`` and any keywords.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REQUIRED = object()
VAR_KEYWORD = object()


@dataclass(frozen=True)
class Param:
    name: str
    default: Any = REQUIRED
    annotation: str | None = None


@dataclass(frozen=True)
class Signature:
    params: tuple[Param, ...]
    model_api: bool
    returns: str | None = None
    readonly: bool = False
    module: str = "core"
    model: str = "core"

    def text(self) -> str:
        parts = []
        for p in self.params:
            if p.default is VAR_KEYWORD or p.default is REQUIRED:
                parts.append(p.name)
            else:
                parts.append(f"{p.name}={p.default!r}")
        out = f"({', '.join(parts)})"
        return f"{out} -> {self.returns}" if self.returns else out

    def describe(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for p in self.params:
            if p.default is VAR_KEYWORD:
                params[p.name] = {"kind": "VAR_KEYWORD"}
                continue
            entry: dict[str, Any] = {}
            if p.default is not REQUIRED:
                entry["default"] = p.default
            if p.annotation:
                entry["annotation"] = p.annotation
            params[p.name] = entry
        out: dict[str, Any] = {"signature": self.text(), "parameters": params}
        if self.returns:
            out["return"] = {"annotation": self.returns}
        api = (["model"] if self.model_api else []) + (["readonly"] if self.readonly else [])
        if api:
            out["api"] = api
        out["model"] = self.model
        out["module"] = self.module
        return out


def _sig(model_api: bool, *params: Param, returns: str | None = None, readonly: bool = False,
         module: str = "core", model: str = "core") -> Signature:
    return Signature(tuple(params), model_api, returns, readonly, module, model)


DOMAIN = "DomainType"
GENERIC: dict[str, Signature] = {
    "search_read": _sig(True, Param("domain", None, "DomainType | None"), Param("fields", None, "Sequence[str] | None"),
                        Param("offset", 0, "int"), Param("limit", None, "int | None"),
                        Param("order", None, "str | None"), Param("read_kwargs", VAR_KEYWORD),
                        returns="list[ValuesType]", readonly=True),
    "read": _sig(False, Param("fields", None, "Sequence[str] | None"), Param("load", "_classic_read", "str"),
                 returns="list[ValuesType]", readonly=True),
    "search": _sig(True, Param("domain", REQUIRED, DOMAIN), Param("offset", 0, "int"),
                   Param("limit", None, "int | None"), Param("order", None, "str | None"),
                   returns="list[int]", readonly=True),
    "search_count": _sig(True, Param("domain", REQUIRED, DOMAIN), Param("limit", None, "int | None"),
                         returns="int", readonly=True),
    "create": _sig(True, Param("vals_list", REQUIRED, "list[ValuesType]"), returns="list[int]"),
    "write": _sig(False, Param("vals", REQUIRED, "ValuesType"), returns="typing.Literal[True]"),
    "unlink": _sig(False, returns="typing.Literal[True]"),
    "fields_get": _sig(True, Param("allfields", None, "Collection[str] | None"),
                       Param("attributes", None, "Collection[str] | None"), returns="dict[str, ValuesType]"),
    "name_search": _sig(True, Param("name", "", "str"), Param("domain", None, "DomainType | None"),
                        Param("operator", "ilike", "str"), Param("limit", 100, "int"),
                        returns="list[tuple[int, str]]", readonly=True),
    "default_get": _sig(True, Param("fields", REQUIRED, "Sequence[str]"), returns="ValuesType"),
    "copy": _sig(False, Param("default", None, "ValuesType | None"), returns="list[int]"),
    "action_archive": _sig(False),
    "action_unarchive": _sig(False),
    "get_external_id": _sig(False, returns="dict[IdType, str]"),
    "has_access": _sig(False, Param("operation", REQUIRED, "str"), returns="bool"),
    # 19.0: model-level (a body with non-empty ``ids`` is HTTP 422 "cannot call ... with ids").
    "check_access_rights": _sig(True, Param("operation", REQUIRED, "str"), Param("raise_exception", True, "bool"),
                                returns="bool", readonly=True),
    "load": _sig(True, Param("fields", REQUIRED), Param("data", REQUIRED)),
    "read_group": _sig(True, Param("domain", REQUIRED), Param("fields", REQUIRED), Param("groupby", REQUIRED),
                       Param("offset", 0), Param("limit", None), Param("orderby", False), Param("lazy", True),
                       readonly=True),
    "formatted_read_group": _sig(True, Param("domain", REQUIRED, DOMAIN), Param("groupby", (), "Sequence[str]"),
                                 Param("aggregates", (), "Sequence[str]"), Param("having", (), DOMAIN),
                                 Param("offset", 0, "int"), Param("limit", None, "int | None"),
                                 Param("order", None, "str | None"), returns="list[dict]", readonly=True),
    "name_create": _sig(True, Param("name", REQUIRED)),
    "exists": _sig(False),
    "toggle_active": _sig(False),
}
#: Signatures only some models have.
PER_MODEL: dict[str, dict[str, Signature]] = {
    "ir.model.data": {"check_object_reference": _sig(True, Param("module"), Param("xml_id"),
                                                     Param("raise_on_access_error", False),
                                                     model="ir.model.data", module="base")},
    "res.config.settings": {"execute": _sig(False, model="res.config.settings", module="base")},
    "res.users": {"context_get": _sig(True, model="res.users", module="base")},
}


def signature(model: str, method: str) -> Signature | None:
    return PER_MODEL.get(model, {}).get(method) or GENERIC.get(method)


class BindError(Exception):
    """The body does not bind to the signature (JSON-2 answers 422 with this text)."""


def bind(sig: Signature, body: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments for the stand-in's method (Python's binding rules and words)."""
    names = {p.name for p in sig.params if p.default is not VAR_KEYWORD}
    var_kw = any(p.default is VAR_KEYWORD for p in sig.params)
    for p in sig.params:  # Python reports a missing argument before an unexpected one
        if p.default is REQUIRED and p.name not in body:
            raise BindError(f"missing a required argument: {p.name!r}")
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key not in names and not var_kw:
            raise BindError(f"got an unexpected keyword argument {key!r}")
        out[key] = value
    return out
