"""Odoo 19's JSON-2 API, ``/doc-bearer`` and ``/json/version`` (routes added when the profile has ``json2``).

Rules (``odoo-reference/19.0/README.md``, "The JSON-2 API", and ``transcripts/json2.json``):

- ``POST /json/2/<model>/<method>``; any other HTTP method or path shape is a 404 NotFound
  "Did you mean POST /json/2/<model>/<method>?". A body sent as ``text/plain`` is an HTML 415.
- The database is ``X-Odoo-Database``, or the only database when the header is absent; an
  unknown one is the HTML 404 "No database is selected ...". Then the bearer API key: no
  ``Authorization: Bearer`` header -> 401 "User not authenticated, ..."; an unknown key (or
  a password) -> 401 "Invalid apikey"; 401 answers carry ``WWW-Authenticate: Bearer ``.
- The body is a JSON object of named arguments plus ``ids`` and ``context`` (a non-object
  body is ignored; malformed JSON is a 400 BadRequest). Unknown model / method: 404
  NotFound; private method: 403 AccessError. The arguments are bound to the method's
  signature (``json2_sigs``): binding errors and a non-empty ``ids`` given to an ``api.model``
  method are 422 UnprocessableEntity (``ids: []`` is accepted).
- Success: HTTP 200 with the bare value (``null`` for None); ``create`` and ``copy``
  answer a list of ids. Errors: ``{"name", "message", "arguments", "context", "debug"}``
  with 403 AccessError, 404 MissingError, 422 ValidationError/UserError, 500 otherwise.
- ``/doc-bearer/<model>.json`` (GET or POST) and ``/doc-bearer/index.json``: fields and
  method signatures, for users in "Technical Documentation" (the stand-in's admins);
  others get 403. ``GET /json/version`` and ``/web/version``: the version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harmonizer.sandbox.exceptions import (
    AccessDenied,
    AccessError,
    MissingError,
    ServerException,
    UserError,
)
from harmonizer.sandbox.orm.model import public_names
from harmonizer.sandbox.wire import faults
from harmonizer.sandbox.wire.json2_sigs import BindError, bind, signature
from harmonizer.sandbox.wire.marshal import json_answer
from harmonizer.sandbox.wire.protocol import (
    HTML_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    DecodedCall,
    HttpRequest,
    HttpResponse,
)

WRONG_SHAPE = "Did you mean POST /json/2/<model>/<method>?"
NOT_AUTHENTICATED = "User not authenticated, use an API Key with a Bearer Authorization header."
NO_DATABASE_HTML = (b'<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is '
                    b'selected and the requested URL was not found in the server-wide controllers.</p>\n'
                    b'<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n'
                    b'<!-- Alternatively, use the X-Odoo-Database header. -->\n')
UNSUPPORTED_HTML = (
    b"<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n"
    b"<p>Request inferred type is compatible with [&#39;http&#39;] but &#39;/json/2/&lt;__model__&gt;/"
    b"&lt;__method__&gt;&#39; is type=&#39;json2&#39;.<br><br>Please verify the Content-Type request header "
    b"and try again.</p>\n")
PAGE_NOT_FOUND = ("The requested URL was not found on the server. If you entered the URL manually please "
                  "check your spelling and try again.")
HTTP_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
               422: "Unprocessable Entity"}
HTTP_NAMES = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 422: "UnprocessableEntity"}
#: Methods whose result is a recordset in Odoo: JSON-2 answers a list of ids.
RECORDSET_RESULTS = frozenset({"create", "copy"})


class HttpError(ServerException):
    """A werkzeug HTTP exception: ``arguments`` are (message, status)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message, arguments=[message, status])
        self.status = status
        self.qualified_name = f"werkzeug.exceptions.{HTTP_NAMES[status]}"

    @property
    def traceback_name(self) -> str:
        return self.qualified_name

    @property
    def traceback_text(self) -> str:
        return f"{self.status} {HTTP_TITLES[self.status]}: {self.message}"


def status_of(exc: ServerException) -> int:
    if isinstance(exc, HttpError):
        return exc.status
    if isinstance(exc, AccessError):
        return 403
    if isinstance(exc, MissingError):
        return 404
    if isinstance(exc, UserError):
        return 422
    if isinstance(exc, AccessDenied):
        return 401
    return 500


def error_body(exc: ServerException) -> dict[str, Any]:
    return {"name": exc.qualified_name, "message": exc.message, "arguments": list(exc.arguments),
            "context": {}, "debug": faults.traceback_text(exc)}


def _json(status: int, value: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    body = json_answer(value).encode("utf-8")  # = json.dumps(plain_value(value), ensure_ascii=False)
    return HttpResponse(status, JSON_CONTENT_TYPE, body, headers or {})


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


class Json2Context:
    """What the JSON-2 routes need from the server: databases, API keys, the profile."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.profile = server.profile

    def database(self, request: HttpRequest) -> str | None:
        name = _header(request.headers, "X-Odoo-Database")
        databases = self.server.list_databases()
        if name is None:
            return databases[0] if len(databases) == 1 else None
        return name if name in databases else None

    def authenticate(self, request: HttpRequest, database: str) -> tuple[int, str]:
        """(uid, key) of the bearer key, or an HttpError 401."""
        value = (_header(request.headers, "Authorization") or "").strip()
        scheme, _, key = value.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise HttpError(401, NOT_AUTHENTICATED)
        uid = self.server.api_key_uid(database, key.strip())
        if uid is None:
            raise HttpError(401, "Invalid apikey")
        return uid, key.strip()


def _early(exc: HttpError) -> HttpResponse:
    headers = {"WWW-Authenticate": "Bearer "} if exc.status == 401 else {}
    return _json(exc.status, error_body(exc), headers)


class Json2Endpoint:
    """``/json/2/<rest>``: decodes to an ``object.execute_kw`` call with the key as password."""

    def __init__(self, context: Json2Context) -> None:
        self.context = context

    def decode(self, request: HttpRequest, route_args: Mapping[str, str]) -> DecodedCall | HttpResponse:
        parts = route_args.get("rest", "").split("/")
        if request.method != "POST" or len(parts) != 2 or not all(parts):
            return _early(HttpError(404, WRONG_SHAPE))
        model, method = parts
        content_type = (_header(request.headers, "Content-Type") or "").split(";")[0].strip().lower()
        if request.body and content_type not in ("application/json", ""):
            return HttpResponse(415, HTML_CONTENT_TYPE, UNSUPPORTED_HTML, {"Accept": "application/json"})
        database = self.context.database(request)
        if database is None:
            return HttpResponse(404, HTML_CONTENT_TYPE, NO_DATABASE_HTML)
        try:
            uid, key = self.context.authenticate(request, database)
        except HttpError as exc:
            return _early(exc)
        try:
            body = json.loads(request.body) if request.body.strip() else {}
        except ValueError as exc:
            return _early(HttpError(400, f"could not parse the body as json: {exc}"))
        if not isinstance(body, dict):
            body = {}
        try:
            args, kwargs = self._bind(model, method, dict(body))
        except ServerException as exc:
            return DecodedCall(service="json2", method=method, error=exc)
        params = [database, uid, key, model, method, args, kwargs]
        return DecodedCall(service="object", method="execute_kw", params=params, request_id=method)

    def _bind(self, model: str, method: str, body: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        profile = self.context.profile
        if profile.schema.get(model) is None:
            raise HttpError(404, f"the model '{model}' does not exist")
        if method.startswith("_"):
            raise AccessError(f"Private methods (such as '{model}.{method}') cannot be called remotely.")
        known = (method in public_names(profile.extra_methods) or method in profile.hooks.get(model).methods()
                 or signature(model, method))
        if not known:
            raise HttpError(404, f"The method '{model}.{method}' does not exist")
        ids = body.pop("ids", None)
        context = body.pop("context", None)
        sig = signature(model, method)
        if sig is not None:
            if sig.model_api and ids not in (None, []):  # an empty ``ids`` is accepted
                raise HttpError(422, f"cannot call {model}.{method} with ids")
            try:
                kwargs = bind(sig, body)
            except BindError as exc:
                raise HttpError(422, str(exc)) from None
            if method == "search_read":
                extra = [k for k in kwargs if k not in {p.name for p in sig.params}]
                if extra:
                    from harmonizer.sandbox.exceptions import type_error

                    raise type_error(f"BaseModel._read_format() got an unexpected keyword argument '{extra[0]}'")
        else:
            kwargs = body
        if context is not None:
            kwargs["context"] = context
        args: list[Any] = [] if sig is not None and sig.model_api else [ids if ids is not None else []]
        return args, kwargs

    def encode_result(self, call: DecodedCall, result: Any) -> HttpResponse:
        if call.request_id in RECORDSET_RESULTS and isinstance(result, int) and not isinstance(result, bool):
            result = [result]
        return _json(200, result)

    def encode_error(self, call: DecodedCall, error: ServerException) -> HttpResponse:
        status = status_of(error)
        headers = {"WWW-Authenticate": "Bearer "} if status == 401 else {}
        return _json(status, error_body(error), headers)


class DocBearerEndpoint:
    """``/doc-bearer/<model>.json`` and ``/doc-bearer/index.json``: answered here, no dispatch."""

    def __init__(self, context: Json2Context) -> None:
        self.context = context

    def decode(self, request: HttpRequest, route_args: Mapping[str, str]) -> DecodedCall | HttpResponse:
        database = self.context.database(request)
        if database is None:
            return HttpResponse(404, HTML_CONTENT_TYPE, NO_DATABASE_HTML)
        try:
            uid, _key = self.context.authenticate(request, database)
        except HttpError as exc:
            return _early(exc)
        profile = self.context.profile
        user = next((u for u in profile.users if u.uid == uid), None)
        if user is None or not user.admin:
            exc = AccessError("This page is only accessible to Technical Documentation users.")
            return _json(403, error_body(exc))
        name = route_args.get("model", "")
        headers = {"Cache-Control": "no-cache, private", "Content-Language": "en-US"}
        if name == "index":
            return _json(200, self._index(), headers)
        spec = profile.schema.get(name)
        if spec is None:
            return _early(HttpError(404, PAGE_NOT_FOUND))
        return _json(200, self._model(name), headers)

    def _methods(self, model: str) -> dict[str, Any]:
        profile = self.context.profile
        names = sorted(set(public_names(profile.extra_methods)) | set(profile.hooks.get(model).methods()))
        out = {}
        for method in names:
            sig = signature(model, method)
            # real 19.0 lists neither: check_access_rights is bound but not documented
            if sig is not None and method != "check_access_rights" and (
                    method != "check_object_reference" or model == "ir.model.data"):
                out[method] = sig.describe()
        return out

    def _model(self, model: str) -> dict[str, Any]:
        spec = self.context.profile.schema.models[model]
        fields = {}
        for fname, field in spec.fields.items():
            entry = field.describe(None)
            entry.update({"name": fname, "manual": False, "exportable": True, "searchable": bool(field.store),
                          "sortable": bool(field.store), "groupable": bool(field.store) and not field.is_x2many,
                          "depends": [], "change_default": False, "default_export_compatible": False})
            fields[fname] = dict(sorted(entry.items()))
        return {"model": model, "name": spec.description, "doc": None, "fields": fields,
                "methods": self._methods(model)}

    def _index(self) -> dict[str, Any]:
        profile = self.context.profile
        models = [{"model": name, "name": spec.description,
                   "fields": {f: {"string": fs.string} for f, fs in spec.fields.items()},
                   "methods": sorted(self._methods(name))}
                  for name, spec in sorted(profile.schema.models.items())]
        return {"modules": list(profile.installed_modules), "models": models}

    def encode_result(self, call: DecodedCall, result: Any) -> HttpResponse:  # never dispatched
        return _json(200, result)

    def encode_error(self, call: DecodedCall, error: ServerException) -> HttpResponse:
        return _json(status_of(error), error_body(error))


class VersionEndpoint:
    """``GET /json/version`` and ``/web/version``."""

    def __init__(self, context: Json2Context) -> None:
        self.context = context

    def decode(self, request: HttpRequest, route_args: Mapping[str, str]) -> DecodedCall | HttpResponse:
        info = self.context.profile.version_info
        return _json(200, {"version_info": info["server_version_info"], "version": info["server_version"]})

    def encode_result(self, call: DecodedCall, result: Any) -> HttpResponse:  # never dispatched
        return _json(200, result)

    def encode_error(self, call: DecodedCall, error: ServerException) -> HttpResponse:
        return _json(status_of(error), error_body(error))
