"""Rebuild, from a captured answer, what the service must have done to produce it.

Used by the wire golden test: a fake dispatcher returns the captured result (or raises the
captured exception, chain included) and the WireApp's bytes must equal the captured bytes,
with the traceback frames placeholder replaced by the stand-in's frame line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harmonizer.sandbox import exceptions as exc_module
from harmonizer.sandbox.exceptions import PythonError, ServerException
from harmonizer.sandbox.wire import faults
from replay.transcripts import Answer, Entry, last_traceback_line

_SEPARATOR = re.compile(
    r"\n(The above exception was the direct cause of the following exception:"
    r"|During handling of the above exception, another exception occurred:)\n\n"
)
#: Marshalling failures: the service returned a value the encoder rejects.
UNMARSHALLABLE: dict[str, Any] = {
    "TypeError: cannot marshal None unless allow_none is enabled": None,
    "TypeError: dictionary key must be string": {1: "stock.warehouse0"},
}
#: Failures raised by the protocol layer itself, before any dispatch.
PROTOCOL_ERRORS = ("xml.parsers.expat.ExpatError", "RPC.jsonrpc()", "dictionary update sequence")


class NotDispatched(Exception):
    """The captured answer comes from the protocol layer; the service must not be called."""


def _python_error(line: str, message: str | None = None, arguments: list | None = None) -> PythonError:
    name, _, text = line.partition(": ")
    qualified = name if "." in name else f"builtins.{name}"
    return PythonError(qualified, text if message is None else message, traceback_text=text,
                       arguments=arguments)


def _chain_from_traceback(text: str, outer: ServerException | None = None) -> ServerException:
    """The exception chain a traceback text shows; ``outer`` replaces the outermost one."""
    pieces = _SEPARATOR.split(text)
    sections, links = pieces[0::2], pieces[1::2]
    chain = [_python_error(last_traceback_line(section)) for section in sections]
    if outer is not None:
        chain[-1] = outer
    for position, link in enumerate(links):
        older, newer = chain[position], chain[position + 1]
        if link.startswith("The above"):
            newer.__cause__ = older
        else:
            newer.__context__ = older
    return chain[-1]


def _odoo_exception(qualified: str, message: str, arguments: list | None) -> ServerException:
    cls = getattr(exc_module, qualified.rsplit(".", 1)[1], None) if qualified.startswith("odoo.") else None
    if cls is exc_module.AccessDenied:
        return exc_module.AccessDenied(message)
    if isinstance(cls, type) and issubclass(cls, ServerException):
        return cls(message, arguments=arguments)
    return PythonError(qualified, message, arguments=arguments)


_INT_CODES: dict[int, type[ServerException]] = {
    2: exc_module.UserError, 3: exc_module.AccessDenied, 4: exc_module.AccessError,
}
_LEGACY_WORDS: dict[str, type[ServerException]] = {
    "UserError": exc_module.UserError, "MissingError": exc_module.MissingError,
    "AccessError": exc_module.AccessError,
}


def service_behaviour(answer: Answer) -> tuple[str, Any]:
    """("return", value) or ("raise", exception) reproducing ``answer``; NotDispatched if none can."""
    if answer.kind == "http":
        raise NotDispatched(answer.result)
    if answer.kind == "result":
        return "return", answer.result if answer.has_result else None
    if answer.kind == "error":
        data = answer.error["data"] if answer.error else {}
        if any(marker in data["message"] for marker in PROTOCOL_ERRORS[1:]):
            raise NotDispatched(data["message"])
        outer = _odoo_exception(data["name"], data["message"], data["arguments"])
        if isinstance(outer, PythonError):
            outer = _python_error(last_traceback_line(data["debug"]), data["message"], data["arguments"])
        return "raise", _chain_from_traceback(data["debug"], outer)
    code, string = answer.fault_code, answer.fault_string
    if isinstance(code, int) and code in _INT_CODES:
        cls = _INT_CODES[code]
        return "raise", cls(string)
    if isinstance(code, str) and code.startswith("warning -- "):
        word, _, message = code[len("warning -- "):].partition("\n\n")
        return "raise", _LEGACY_WORDS[word](message)
    if code == "AccessDenied":
        return "raise", exc_module.AccessDenied(string)
    last = last_traceback_line(string)
    if last in UNMARSHALLABLE:
        return "return", UNMARSHALLABLE[last]
    if last.startswith(PROTOCOL_ERRORS[0]):
        raise NotDispatched(last)
    message = code if isinstance(code, str) else None
    return "raise", _chain_from_traceback(string, _python_error(last, message))


def expected_body(entry: Entry) -> str:
    """The captured body with the frames placeholder replaced by the stand-in's frame line."""
    frame = faults.FRAMES.strip("\n").removeprefix("  ")
    if entry.protocol == "jsonrpc":
        frame = json.dumps(frame)[1:-1]
    return entry.response_body.replace("[frames omitted]", frame)
