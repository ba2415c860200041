"""Merging reads: several wishes for rows of one model become one ``search_read``.

The live reader asks for rows of a model for several reasons at once (the site's
records, natural-key lookups, lookalikes...). ``ReadBatch`` sends one ``search_read`` per
(model, archived) with the OR of the wanted domains and the union of the fields, then gives
each request back exactly the rows its own domain selects, evaluated locally. Requests whose
domain the local evaluator does not understand (dotted paths, OR operators, other
operators) are sent on their own, so results never depend on the evaluator's reach.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

SIMPLE_OPERATORS = {"=", "!=", "in", "not in"}


class Client(Protocol):
    def search_read(self, model: str, domain: list[Any], fields: list[str],
                    context: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


@dataclass
class Request:
    model: str
    domain: list[Any]
    fields: set[str]
    archived: bool
    rows: list[dict[str, Any]] = field(default_factory=list)


def _simple(domain: list[Any]) -> bool:
    return all(isinstance(leaf, list | tuple) and len(leaf) == 3 and isinstance(leaf[0], str)
               and "." not in leaf[0] and leaf[1] in SIMPLE_OPERATORS for leaf in domain)


def _plain(value: Any) -> Any:
    """A read value as a domain compares it: a many2one ``[id, name]`` is its id."""
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], int) \
            and isinstance(value[1], str):
        return value[0]
    return value


def matches(row: dict[str, Any], domain: list[Any]) -> bool:
    for name, operator, wanted in domain:
        value = _plain(row.get(name))
        if isinstance(value, list):
            return False  # x2many leaves are never merged (see _simple callers)
        if operator == "=":
            ok = value == wanted or (wanted is False and value in (False, None))
        elif operator == "!=":
            ok = value != wanted
        elif operator == "in":
            ok = value in wanted
        else:
            ok = value not in wanted
        if not ok:
            return False
    return True


def _or(domains: list[list[Any]]) -> list[Any]:
    terms = [["&"] * (len(d) - 1) + list(d) for d in domains]
    return ["|"] * (len(terms) - 1) + [leaf for term in terms for leaf in term]


class ReadBatch:
    """Requests collected for one phase of reading, sent by ``run``.

    With ``active_models`` given (the models that have an ``active`` field), every model is
    read once with archived records included, and requests that did not ask for archived
    records get only active ones, filtered locally, unless their domain names ``active``
    itself (Odoo then applies no implicit filter either). Without it, archived and active-only
    requests of a model are read separately.
    """

    def __init__(self, active_models: set[str] | None = None) -> None:
        self.requests: list[Request] = []
        self.active_models = active_models

    def add(self, model: str, domain: list[Any], fields: list[str] | set[str], *, archived: bool = False) -> Request:
        # A leaf on display_name is dropped: Odoo 17 cannot search most computed display names
        # (it ignores such a leaf and returns every record), so the caller gets every record
        # and matches names itself, whatever the server would have done.
        domain = [leaf for leaf in domain if not (isinstance(leaf, list | tuple) and leaf[0] == "display_name")]
        request = Request(model, domain, set(fields), archived)
        self.requests.append(request)
        return request

    def _group_key(self, request: Request) -> tuple[str, bool]:
        return (request.model, True if self.active_models is not None else request.archived)

    def run(self, client: Client) -> None:
        groups: dict[tuple[str, bool], list[Request]] = defaultdict(list)
        for request in self.requests:
            groups[self._group_key(request)].append(request)
        for (model, archived), requests in groups.items():
            self._run_group(client, model, archived, requests)
        self.requests = []

    def _run_group(self, client: Client, model: str, archived: bool, requests: list[Request]) -> None:
        context = {"active_test": False} if archived else None
        mergeable = [r for r in requests if _simple(r.domain)] if len(requests) > 1 else []
        for request in (r for r in requests if r not in mergeable):
            rows = client.search_read(model, request.domain, sorted(request.fields | self._extra(request)),
                                      context=context)
            request.rows = self._visible_rows(request, rows)
        if not mergeable:
            return
        names = {leaf[0] for r in mergeable for leaf in r.domain}
        fields = set().union(*(r.fields | self._extra(r) for r in mergeable)) | (names - {"id"})
        domain = [] if any(not r.domain for r in mergeable) else _or([r.domain for r in mergeable])
        rows = client.search_read(model, domain, sorted(fields), context=context)
        for request in mergeable:
            request.rows = self._visible_rows(request, [row for row in rows if matches(row, request.domain)])

    def _filters_active(self, request: Request) -> bool:
        return (self.active_models is not None and not request.archived and request.model in self.active_models
                and not any(isinstance(leaf, list | tuple) and leaf[0] == "active" for leaf in request.domain))

    def _extra(self, request: Request) -> set[str]:
        return {"active"} if self._filters_active(request) else set()

    def _visible_rows(self, request: Request, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self._filters_active(request):
            return rows
        return [row for row in rows if row.get("active", True)]
