"""Fast answer encoders, byte for byte what the stdlib encoders give after ``plain_value``.

Odoo answers XML-RPC with ``xmlrpc.client.dumps((result,), methodresponse=True,
allow_none=False)`` and JSON-RPC with ``json.dumps``; the stand-in first turns dates and
datetimes into Odoo's strings (``protocol.plain_value``). Both steps walk every value in
Python, which is most of the stand-in's time on a 500-record ``search_read``. The encoders here
do the same in one pass, for the common exact types (str, int, bool, float, list, tuple, dict,
datetime, date). Anything else -- None, bytes, subclasses, non-string struct keys, integers
beyond XML-RPC's 32 bits, recursive containers, or any error at all -- falls back to the
stdlib route, which then answers (or fails) exactly as before. ``tests/sandbox/test_wire_marshal.py``
compares both routes on random values.
"""

from __future__ import annotations

import datetime as dt
import json
import xmlrpc.client
from collections.abc import Callable
from typing import Any

from harmonizer.sandbox.wire.protocol import DATE_FORMAT, DATETIME_FORMAT, plain_value

MAXINT = 2**31 - 1
MININT = -(2**31)
XML_HEAD = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
XML_TAIL = "</param>\n</params>\n</methodResponse>\n"


class _Unusual(Exception):
    """A value the fast path leaves to the stdlib encoder."""


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _xml_value(value: Any, write: Callable[[str], Any], members: dict[str, str]) -> None:
    kind = type(value)
    if kind is str:
        write(f"<value><string>{_escape(value)}</string></value>\n")
    elif kind is int:
        if value > MAXINT or value < MININT:
            raise _Unusual
        write(f"<value><int>{value}</int></value>\n")
    elif kind is bool:
        write("<value><boolean>1</boolean></value>\n" if value else "<value><boolean>0</boolean></value>\n")
    elif kind is dict:
        write("<value><struct>\n")
        for key, item in value.items():
            member = members.get(key) if type(key) is str else None
            if member is None:
                if type(key) is not str:
                    raise _Unusual
                member = members[key] = f"<member>\n<name>{_escape(key)}</name>\n"
            kind = type(item)  # the scalars inline: records are most of an answer
            if kind is str:
                write(f"{member}<value><string>{_escape(item)}</string></value>\n</member>\n")
            elif kind is int and MININT <= item <= MAXINT:
                write(f"{member}<value><int>{item}</int></value>\n</member>\n")
            elif kind is bool:
                write(f"{member}<value><boolean>{1 if item else 0}</boolean></value>\n</member>\n")
            else:
                write(member)
                _xml_value(item, write, members)
                write("</member>\n")
        write("</struct></value>\n")
    elif kind is list or kind is tuple:
        write("<value><array><data>\n")
        for item in value:
            _xml_value(item, write, members)
        write("</data></array></value>\n")
    elif kind is float:
        write(f"<value><double>{value!r}</double></value>\n")
    elif kind is dt.datetime:
        write(f"<value><string>{_escape(value.strftime(DATETIME_FORMAT))}</string></value>\n")
    elif kind is dt.date:
        write(f"<value><string>{_escape(value.strftime(DATE_FORMAT))}</string></value>\n")
    else:
        raise _Unusual


def xmlrpc_response(result: Any) -> str:
    """``xmlrpc.client.dumps((plain_value(result),), methodresponse=True, allow_none=False)``."""
    out: list[str] = [XML_HEAD]
    try:
        _xml_value(result, out.append, {})
    except Exception:  # unusual values (and any failure): the stdlib words the answer or the error
        return xmlrpc.client.dumps((plain_value(result),), methodresponse=True, allow_none=False)
    out.append(XML_TAIL)
    return "".join(out)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    raise _Unusual


#: ``json_answer``'s encoder, made once (``json.dumps`` with options makes one per call). An
#: answer is a tree of fresh values: no cycle to look for.
_ANSWER = json.JSONEncoder(ensure_ascii=False, default=_json_default, check_circular=False)


def json_answer(answer: Any) -> str:
    """``json.dumps(plain_value(answer), ensure_ascii=False)``."""
    try:
        return _ANSWER.encode(answer)
    except Exception:  # unusual values (and any failure): the stdlib route raises what it raised
        return json.dumps(plain_value(answer), ensure_ascii=False)
