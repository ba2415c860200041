"""Odoo's error answers -> harmonizer's ``OdooError`` family, for every protocol.

Rules (observed on real Odoo 16-19, see odoo-reference/*/README.md):
- XML-RPC ``/xmlrpc/2``: int faultCode. 3 -> ``OdooAccessDenied``, 4 -> ``OdooAccessError``,
  2 -> UserError or a subclass, 1 -> any other exception with the traceback as faultString
  (``OdooError`` whose kind/message come from the traceback's final exception line).
- Code 2 is ambiguous over XML-RPC (UserError, ValidationError and MissingError share it). It is
  classified only by two message prefixes that Odoo emits for exactly one class each:
  "Record does not exist or has been deleted." (MissingError) and "The operation cannot be
  completed:" (a database constraint, raised as ValidationError). Anything else stays
  ``OdooUserError``: a guess could be wrong, ``OdooUserError`` never is.
- Legacy ``/xmlrpc``: string faultCodes "warning -- <Class>\\n\\n<msg>", "AccessDenied", or the
  message itself with the traceback as faultString.
- JSON-RPC and JSON-2: the qualified class name (``data.name`` / ``name``) decides.
- A UserError whose message starts with ``BUSY_PREFIX`` (Odoo 19 answers it while a scheduled
  action runs, and for a write on a missing cron) is ``OdooBusy``, on every protocol: the
  transaction was rolled back, so the call may be sent again later (``session`` retries it).
- Every message passes through ``scrub`` so a secret echoed by a server never leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harmonizer.errors import (
    OdooAccessDenied,
    OdooAccessError,
    OdooBusy,
    OdooError,
    OdooMissingError,
    OdooUserError,
    OdooValidationError,
)

Scrub = Callable[[str], str]

MISSING_PREFIX = "Record does not exist or has been deleted."
CONSTRAINT_PREFIX = "The operation cannot be completed:"
#: Odoo 19's answer to a write on a cron it is executing (``ir.cron`` locks the row).
BUSY_PREFIX = "Record cannot be modified right now"
NONE_MARSHAL_LINE = "TypeError: cannot marshal None unless allow_none is enabled"

_BY_QUALIFIED_NAME: dict[str, type[OdooError]] = {
    "odoo.exceptions.AccessDenied": OdooAccessDenied,
    "odoo.exceptions.AccessError": OdooAccessError,
    "odoo.exceptions.ValidationError": OdooValidationError,
    "odoo.exceptions.MissingError": OdooMissingError,
    "odoo.exceptions.UserError": OdooUserError,
    "odoo.exceptions.RedirectWarning": OdooUserError,
    "odoo.exceptions.Warning": OdooUserError,
    # JSON-2 answers a bad or missing API key with HTTP 401 and this werkzeug class.
    "werkzeug.exceptions.Unauthorized": OdooAccessDenied,
}

_BY_LEGACY_WORD: dict[str, type[OdooError]] = {
    "AccessError": OdooAccessError,
    "MissingError": OdooMissingError,
    "ValidationError": OdooValidationError,
    "UserError": OdooUserError,
}


_KIND: dict[type[OdooError], str] = {
    OdooMissingError: "MissingError", OdooValidationError: "ValidationError", OdooUserError: "UserError",
    OdooBusy: "UserError",
}


def _keep(text: str) -> str:
    return text


def short_name(qualified: str) -> str:
    """``odoo.exceptions.AccessError`` -> ``AccessError``."""
    return qualified.rpartition(".")[2] or qualified


def error_for_name(qualified: str, message: str, *, model: str | None = None, method: str | None = None,
                   scrub: Scrub = _keep) -> OdooError:
    """The harmonizer error for an exception known by its qualified class name (JSON protocols)."""
    cls = _BY_QUALIFIED_NAME.get(qualified, OdooError)
    if cls is OdooUserError and is_busy(message):
        cls = OdooBusy
    return cls(scrub(message), short_name(qualified), model=model, method=method)


def final_exception(traceback_text: str) -> tuple[str, str]:
    """(qualified name, message) of the last exception a Python traceback shows.

    The final block starts after the last frame line (indented) following the last
    ``Traceback (most recent call last):``; it reads ``Name: message`` and may span lines.
    """
    lines = traceback_text.rstrip("\n").split("\n")
    start = 0
    for index, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last):"):
            start = index + 1
    while start < len(lines) and (lines[start].startswith((" ", "\t")) or not lines[start].strip()):
        start += 1
    block = "\n".join(lines[start:]).strip("\n")
    if not block:
        return "Exception", traceback_text.strip()
    head, sep, rest = block.partition(": ")
    if not sep or " " in head:
        return "Exception", block
    return head, rest.rstrip()


def is_busy(message: str) -> bool:
    """True for Odoo's "Record cannot be modified right now" answer (see the module rules)."""
    return message.startswith(BUSY_PREFIX)


def classify_user_error(message: str) -> type[OdooError]:
    """Class of an XML-RPC code-2 fault (see the module rules: prefixes only, else UserError)."""
    if is_busy(message):
        return OdooBusy
    if message.startswith(MISSING_PREFIX):
        return OdooMissingError
    if message.startswith(CONSTRAINT_PREFIX):
        return OdooValidationError
    return OdooUserError


def is_none_marshal_fault(code: Any, fault_string: str) -> bool:
    """The exact fault Odoo sends when an XML-RPC method returned None (already committed)."""
    return code == 1 and fault_string.rstrip("\n").rsplit("\n", 1)[-1] == NONE_MARSHAL_LINE


def xmlrpc_fault_error(code: Any, fault_string: str, *, model: str | None = None, method: str | None = None,
                       scrub: Scrub = _keep) -> OdooError:
    """The harmonizer error for an XML-RPC fault (int codes of ``/xmlrpc/2``, strings of legacy)."""
    where = {"model": model, "method": method}
    if isinstance(code, str):
        return _legacy_fault_error(code, fault_string, where, scrub)
    if code == 3:
        return OdooAccessDenied(scrub(fault_string), "AccessDenied", **where)
    if code == 4:
        return OdooAccessError(scrub(fault_string), "AccessError", **where)
    if code == 2:
        cls = classify_user_error(fault_string)
        return cls(scrub(fault_string), _KIND[cls], **where)
    qualified, message = final_exception(fault_string)
    return OdooError(scrub(message), short_name(qualified), **where)


def _legacy_fault_error(code: str, fault_string: str, where: dict[str, str | None],
                        scrub: Scrub) -> OdooError:
    if code == "AccessDenied":
        return OdooAccessDenied(scrub(fault_string or "Access Denied"), "AccessDenied", **where)
    if code.startswith("warning -- "):
        head, _, message = code[len("warning -- "):].partition("\n\n")
        cls = _BY_LEGACY_WORD.get(head, OdooUserError)
        if cls is OdooUserError:
            cls = classify_user_error(message)
        return cls(scrub(message), head if head in _BY_LEGACY_WORD else "UserError", **where)
    qualified, _ = final_exception(fault_string) if fault_string else ("Exception", code)
    return OdooError(scrub(code), short_name(qualified), **where)


def jsonrpc_error(error: Any, *, model: str | None = None, method: str | None = None,
                  scrub: Scrub = _keep) -> OdooError:
    """The harmonizer error for a JSON-RPC ``error`` object (``code`` is 200 up to 18, 0 in 19)."""
    if not isinstance(error, dict):
        return OdooError(scrub(str(error)), "Error", model=model, method=method)
    data = error.get("data")
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        message = data.get("message")
        if not isinstance(message, str) or not message:
            message = final_exception(str(data.get("debug", "")))[1] or str(error.get("message", ""))
        return error_for_name(data["name"], message, model=model, method=method, scrub=scrub)
    return OdooError(scrub(str(error.get("message", error))), "Error", model=model, method=method)


def json2_error(status: int, body: Any, *, model: str | None = None, method: str | None = None,
                scrub: Scrub = _keep) -> OdooError | None:
    """The harmonizer error for a JSON-2 error answer, or None if ``body`` is not Odoo's error shape."""
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return None
    message = body.get("message")
    if not isinstance(message, str):
        message = f"HTTP {status}"
    return error_for_name(body["name"], message, model=model, method=method, scrub=scrub)
