"""The two client types the engine sees: ``OdooReader`` (planner) and ``OdooWriter`` (executor).

Rules:
- ``OdooReader`` has no method that changes data; ``call_read`` refuses any method outside
  ``READ_METHODS``. Only the executor gets an ``OdooWriter``.
- Arguments whose name changed between Odoo versions are sent positionally (``search``'s
  domain was ``args`` in 16, ``name_search``'s was ``args`` up to 18 and ``domain`` in 19);
  the others by keyword. ``context`` is always a keyword.
- ``create`` answers an int for a dict and a list of ints for a list, on every protocol.
- Every call carries ``lang: en_US`` in its context (unless a caller names a language): names
  of Odoo's own records are translated, and a template's names are matched, written and read
  in English whatever the user's language (Odoo 19's JSON-2 otherwise uses the user's own).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from harmonizer.errors import HarmonizerError
from harmonizer.odoo.calls import READ_METHODS

Domain = Sequence[Any]
#: The language of every call (see the module rules).
LANG = "en_US"


class Executor(Protocol):
    """What the reader needs from a session: one model call, ``execute_kw`` style."""

    def execute(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any: ...


def _paging(offset: int, limit: int | None, order: str | None) -> dict[str, Any]:
    """The paging keywords of search/search_read, only those that differ from Odoo's defaults."""
    out: dict[str, Any] = {}
    if offset:
        out["offset"] = offset
    if limit is not None:
        out["limit"] = limit
    if order:
        out["order"] = order
    return out


def _with_context(kwargs: dict[str, Any], context: dict[str, Any] | None) -> dict[str, Any]:
    if context:
        kwargs["context"] = dict(context)
    return kwargs


class OdooReader:
    """Read-only access to one database (safe to hand to the planner)."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def _call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        context = {"lang": LANG, **(kwargs.get("context") or {})}
        return self._executor.execute(model, method, args, {**kwargs, "context": context})

    def search_read(self, model: str, domain: Domain = (), fields: Sequence[str] | None = None, *,
                    offset: int = 0, limit: int | None = None, order: str | None = None,
                    context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"fields": list(fields) if fields is not None else [],
                                  **_paging(offset, limit, order)}
        return self._call(model, "search_read", [list(domain)], _with_context(kwargs, context))

    def read(self, model: str, ids: Sequence[int], fields: Sequence[str] | None = None, *,
             context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of the ids that exist (missing ids are left out, as Odoo does)."""
        if not ids:
            return []
        kwargs: dict[str, Any] = {"fields": list(fields) if fields is not None else []}
        return self._call(model, "read", [list(ids)], _with_context(kwargs, context))

    def search(self, model: str, domain: Domain = (), *, offset: int = 0, limit: int | None = None,
               order: str | None = None, context: dict[str, Any] | None = None) -> list[int]:
        kwargs: dict[str, Any] = _paging(offset, limit, order)
        return self._call(model, "search", [list(domain)], _with_context(kwargs, context))

    def search_count(self, model: str, domain: Domain = (), *, context: dict[str, Any] | None = None) -> int:
        return self._call(model, "search_count", [list(domain)], _with_context({}, context))

    def fields_get(self, model: str, fields: Sequence[str] | None = None,
                   attributes: Sequence[str] | None = None, *,
                   context: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        kwargs: dict[str, Any] = {}
        if attributes is not None:
            kwargs["attributes"] = list(attributes)
        args = [list(fields)] if fields is not None else []
        return self._call(model, "fields_get", args, _with_context(kwargs, context))

    def name_search(self, model: str, name: str = "", domain: Domain | None = None, operator: str = "ilike",
                    limit: int = 100, *, context: dict[str, Any] | None = None) -> list[tuple[int, str]]:
        args = [name, list(domain or []), operator, limit]
        rows = self._call(model, "name_search", args, _with_context({}, context))
        return [(int(row[0]), str(row[1])) for row in rows]

    def xmlids(self, module: str, model: str | None = None) -> dict[str, tuple[str, int]]:
        """``{name: (model, res_id)}`` of a module's external ids (one search_read on ir.model.data)."""
        domain: list[Any] = [("module", "=", module)]
        if model is not None:
            domain.append(("model", "=", model))
        rows = self.search_read("ir.model.data", domain, ["name", "model", "res_id"], order="id")
        return {row["name"]: (row["model"], int(row["res_id"])) for row in rows}

    def call_read(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Any read-only model method (``READ_METHODS``), e.g. ``check_object_reference``."""
        if method not in READ_METHODS:
            raise HarmonizerError(f"{model}.{method} is not a read method: only the writer may call it")
        return self._call(model, method, list(args), dict(kwargs))


class OdooWriter(OdooReader):
    """Everything the reader does, plus the calls that change data (for the executor only)."""

    def create(self, model: str, values: dict[str, Any] | Sequence[dict[str, Any]], *,
               context: dict[str, Any] | None = None) -> int | list[int]:
        """One dict -> its new id; a list of dicts -> their ids in order (one round trip)."""
        if isinstance(values, dict):
            return self._call(model, "create", [dict(values)], _with_context({}, context))
        batch = [dict(vals) for vals in values]
        if not batch:
            return []
        ids = self._call(model, "create", [batch], _with_context({}, context))
        return [ids] if isinstance(ids, int) else list(ids)

    def write(self, model: str, ids: Sequence[int], values: dict[str, Any], *,
              context: dict[str, Any] | None = None) -> bool:
        return bool(self._call(model, "write", [list(ids), dict(values)], _with_context({}, context)))

    def unlink(self, model: str, ids: Sequence[int], *, context: dict[str, Any] | None = None) -> bool:
        return bool(self._call(model, "unlink", [list(ids)], _with_context({}, context)))

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Any public model method (never retried unless it is a read)."""
        if method.startswith("_"):
            raise HarmonizerError(f"{model}.{method}: private methods cannot be called remotely")
        return self._call(model, method, list(args), dict(kwargs))
