"""How a failed call is reported on each endpoint: tracebacks, XML-RPC faults, JSON-RPC errors.

Rules (observed on Odoo 17, see ``odoo-reference/17.0/README.md``):

- ``/xmlrpc/2/<service>``: int faultCode = ``exc.xmlrpc_code``; for code 1 the faultString is
  a traceback whose last line is ``<traceback_name>: <traceback_text>``, for 2/3/4 the plain
  message.
- ``/xmlrpc/<service>`` (legacy): string faultCodes. AccessDenied -> ``("AccessDenied",
  message)``; an exception with a ``legacy_word`` -> ``("warning -- <word>\\n\\n<msg>", "")``;
  anything else -> ``(message, traceback)``.
- JSON-RPC: ``{"code": 200, "message": "Odoo Server Error", "data": {name, debug, message,
  arguments, context}}``.

A traceback renders the exception chain when the service links ServerExceptions with
``raise A from B`` ("The above exception was the direct cause ...") or raises inside an
``except`` block handling another ServerException ("During handling of the above exception
..."). Plain Python exceptions in the chain are internal details and are not rendered.
Frames are not real: one placeholder frame line stands for them (clients only read the
last line, and the reference captures redact frames too).
"""

from __future__ import annotations

from typing import Any

from harmonizer.sandbox.exceptions import AccessDenied, PythonError, ServerException

TRACEBACK_HEAD = "Traceback (most recent call last):\n"
#: Stands for the server's stack frames (an Odoo traceback has ``  File "...", line N, in f``).
FRAMES = '  File "/harmonizer-sandbox/dispatch.py", line 1, in dispatch\n'
CAUSE_SEPARATOR = "\nThe above exception was the direct cause of the following exception:\n\n"
CONTEXT_SEPARATOR = "\nDuring handling of the above exception, another exception occurred:\n\n"


def from_python(exc: BaseException) -> ServerException:
    """Wrap an exception raised outside the service (decoding, marshalling) as Odoo reports it.

    The message joins the exception's args like Odoo's ``exception_to_unicode``; the traceback
    line is Python's own rendering (so a KeyError reads ``KeyError: 'x'``).
    """
    if isinstance(exc, ServerException):
        return exc
    kind = type(exc)
    qualified = f"{kind.__module__}.{kind.__qualname__}"
    message = "\n".join(str(arg) for arg in exc.args) if exc.args else ""
    return PythonError(qualified, message, traceback_text=str(exc))


def _last_line(exc: ServerException) -> str:
    return f"{exc.traceback_name}: {exc.traceback_text}\n"


def traceback_text(exc: ServerException) -> str:
    """The full traceback string of ``exc`` including its ServerException chain, oldest first."""
    text = TRACEBACK_HEAD + FRAMES + _last_line(exc)
    current: ServerException = exc
    seen = {id(exc)}
    while True:
        cause = current.__cause__
        context = None if current.__suppress_context__ else current.__context__
        if isinstance(cause, ServerException) and id(cause) not in seen:
            older, separator = cause, CAUSE_SEPARATOR
        elif isinstance(context, ServerException) and id(context) not in seen:
            older, separator = context, CONTEXT_SEPARATOR
        else:
            return text
        seen.add(id(older))
        text = TRACEBACK_HEAD + FRAMES + _last_line(older) + separator + text
        current = older


def xmlrpc_fault_int(exc: ServerException) -> tuple[int, str]:
    """(faultCode, faultString) for ``/xmlrpc/2/``."""
    if exc.xmlrpc_code == 1:
        return 1, traceback_text(exc)
    return exc.xmlrpc_code, exc.message


def xmlrpc_fault_legacy(exc: ServerException) -> tuple[str, str]:
    """(faultCode, faultString) for the legacy ``/xmlrpc/<service>`` endpoint."""
    if isinstance(exc, AccessDenied):
        return "AccessDenied", exc.message
    if exc.legacy_word is not None:
        return f"warning -- {exc.legacy_word}\n\n{exc.message}", ""
    return exc.message, traceback_text(exc)


def jsonrpc_error(exc: ServerException) -> dict[str, Any]:
    """The ``error`` member of a JSON-RPC response (key order as Odoo sends it)."""
    return {
        "code": 200,
        "message": "Odoo Server Error",
        "data": {
            "name": exc.qualified_name,
            "debug": traceback_text(exc),
            "message": exc.message,
            "arguments": list(exc.arguments),
            "context": {},
        },
    }
