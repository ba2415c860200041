"""Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>`` with a bearer API key.

Rules (odoo-reference/19.0/README.md, "The JSON-2 API"):
- The body is an object of NAMED arguments plus ``ids`` and ``context``; headers carry
  ``Authorization: Bearer <key>`` and ``X-Odoo-Database``. Positional arguments are bound to
  names with the ORM signatures in ``_MODEL_METHODS``/``_RECORD_METHODS``; for other methods
  only ``ids`` may be positional (no ``/doc-bearer`` introspection: users outside "Technical
  Documentation" get 403 there).
- Success is HTTP 200 with the bare value. ``create`` answers a list even for one dict; the
  model wrapper turns it back into an int so every protocol answers alike.
- Errors are told apart by status and the JSON body's ``name`` (``faults.json2_error``); a
  non-JSON error page is a transport error (HTML 404 for an unknown database, proxy 5xx).
- The API key is only ever in the Authorization header, never logged.
"""

from __future__ import annotations

import json
import re
from typing import Any

import odoolib
from odoolib.tools import RemoteModel

from harmonizer.errors import HarmonizerError, OdooAccessDenied
from harmonizer.odoo import faults
from harmonizer.odoo.calls import CallStats, RetryPolicy, log_call
from harmonizer.odoo.channels import Channel, RawResponse, Unanswered
from harmonizer.odoo.connectors import CallInfo, _snippet

#: api.model methods: positional parameter names (no ``ids``).
_MODEL_METHODS: dict[str, tuple[str, ...]] = {
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search": ("domain", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "create": ("vals_list",),
    "fields_get": ("allfields", "attributes"),
    "name_search": ("name", "domain", "operator", "limit"),
    "default_get": ("fields",),
    "check_object_reference": ("module", "xml_id"),
    "context_get": (),
    "read_group": ("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"),
    "load": ("fields", "data"),
    "name_create": ("name",),
    "check_access_rights": ("operation", "raise_exception"),
}
#: record methods: ``ids`` first, then these names.
_RECORD_METHODS: dict[str, tuple[str, ...]] = {
    "read": ("fields", "load"),
    "write": ("vals",),
    "unlink": (),
    "copy": ("default",),
    "action_archive": (),
    "action_unarchive": (),
    "toggle_active": (),
    "get_external_id": (),
    "execute": (),
}


def bind_arguments(model: str, method: str, args: list[Any] | tuple[Any, ...], kwargs: dict[str, Any]
                   ) -> dict[str, Any]:
    """Named JSON-2 body for a call given XML-RPC style (positional + keyword) arguments."""
    body: dict[str, Any] = {}
    positional = list(args)
    if method in _MODEL_METHODS:
        names = _MODEL_METHODS[method]
        allowed = names
    else:
        if positional:
            body["ids"] = positional.pop(0)
        names = _RECORD_METHODS.get(method, ())
        allowed = ("ids", *names)
    if len(positional) > len(names):
        raise HarmonizerError(f"over JSON-2, pass the arguments of {model}.{method} by keyword "
                              f"(positional ones can only be: {', '.join(allowed) or 'none'})")
    body.update(zip(names, positional, strict=False))
    for key, value in kwargs.items():
        if key in body:
            raise HarmonizerError(f"{model}.{method}: argument {key!r} given twice")
        body[key] = value
    return body


class Json2Connector:
    """JSON-2 over a channel; ``url`` is kept for odoo-client-lib's ``Json2Connection``."""

    PROTOCOL = "json2"

    def __init__(self, channel: Channel, *, policy: RetryPolicy | None = None, stats: CallStats | None = None,
                 scrub: faults.Scrub = faults._keep) -> None:
        self.channel = channel
        self.url = f"{channel.label}/json/2/"
        self.policy = policy or RetryPolicy()
        self.stats = stats if stats is not None else CallStats()
        self.scrub = scrub

    def call(self, model: str, method: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        info = CallInfo("object", "json2", model, method)
        self.stats.calls[info.key] += 1
        log_call(self.PROTOCOL, model, method, [], body)
        try:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise HarmonizerError(f"cannot encode the arguments of {info.label} for JSON-2: {exc}") from exc
        path = f"/json/2/{model}/{method}"

        def attempt() -> Any:
            self.stats.round_trips += 1
            return self._decode(self.channel.request("POST", path, data, headers), info)

        return self.policy.run(attempt, idempotent=info.idempotent, what=info.label, where=self.channel.label,
                               stats=self.stats)

    def version(self) -> dict[str, Any]:
        """``common.version``-shaped dict from ``GET /json/version``."""
        info = CallInfo("json", "version")
        self.stats.calls[info.key] += 1

        def attempt() -> Any:
            self.stats.round_trips += 1
            return self._decode(self.channel.request("GET", "/json/version", None, {}), info)

        answer = self.policy.run(attempt, idempotent=True, what="version", where=self.channel.label,
                                 stats=self.stats)
        if not isinstance(answer, dict) or not isinstance(answer.get("version_info"), list):
            raise HarmonizerError(f"{self.channel.label}: /json/version answered an unexpected value")
        info_list = answer["version_info"]
        return {"server_version": answer.get("version", ""), "server_version_info": info_list,
                "server_serie": f"{info_list[0]}.{info_list[1]}", "protocol_version": 1}

    def _decode(self, response: RawResponse, info: CallInfo) -> Any:
        try:
            value = json.loads(response.body) if response.body else None
            is_json = "json" in response.content_type
        except ValueError:
            value, is_json = None, False
        if response.status == 200:
            if not is_json:
                raise Unanswered(f"not a JSON-2 answer{_snippet(response.body)}", sent=True)
            return value
        error = faults.json2_error(response.status, value, model=info.model, method=info.model_method,
                                   scrub=self.scrub) if is_json else None
        if error is not None:
            raise error
        raise Unanswered(f"HTTP {response.status}{_snippet(_html_text(response.body))}", sent=True,
                         retryable=response.status >= 500)


def _html_text(body: bytes) -> bytes:
    """The readable text of a small HTML error page (tags dropped)."""
    return re.sub(rb"<[^>]+>", b" ", body)


class Json2Model(RemoteModel):
    """One model over JSON-2; ``execute`` mirrors ``execute_kw`` (positional + keyword arguments)."""

    def execute(self, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        body = bind_arguments(self.model_name, method, args, kwargs)
        result = self.connection.connector.call(self.model_name, method, body, self.connection.headers)
        if method == "create" and isinstance(body.get("vals_list"), dict) and isinstance(result, list):
            return result[0] if result else False
        return result


class Json2Connection(odoolib.Json2Connection):
    """odoo-client-lib's JSON-2 connection with our connector and models."""

    def __init__(self, connector: Json2Connector, database: str, api_key: str) -> None:
        super().__init__(connector, database, api_key)
        # Our channels set the User-Agent; the key lives only in this header map.
        self.headers = {"Authorization": f"Bearer {api_key}",
                        "Content-Type": "application/json; charset=utf-8", "X-Odoo-Database": database}
        self.bearer_header = self.headers
        self.user_id: int | None = None

    def get_model(self, model_name: str) -> Json2Model:
        return Json2Model(self, model_name)

    def check_login(self, force: bool = True) -> bool:
        """Authenticate with ``res.users.context_get``; sets ``user_id``. Raises OdooAccessDenied."""
        if self.user_id and not force:
            return True
        context = self.get_model("res.users").execute("context_get", [], {})
        if not isinstance(context, dict) or not isinstance(context.get("uid"), int):
            raise OdooAccessDenied("context_get did not name the user", "AccessDenied")
        self.user_context = context
        self.user_id = context["uid"]
        return True
