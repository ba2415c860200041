"""A fast XML-RPC request reader: ``xmlrpc.client.loads(body, use_builtin_types=True)`` for the
layout ``xmlrpc.client.dumps`` writes, in one regular-expression pass.

Odoo reads requests with the stdlib parser (expat and its Unmarshaller). Most clients write
them with ``xmlrpc.client.dumps``, whose layout is fixed: this reader accepts exactly that
layout with strings (only ``&amp;``, ``&lt;``, ``&gt;`` escaped), ints, booleans, doubles,
nil, arrays and structs. Anything else -- another layout, other types or entities, a carriage
return (expat normalises line ends), a character XML forbids, bytes that are not UTF-8 -- is
read by the stdlib, which then answers (or fails) exactly as before. The stand-in's own
reader: it shares no code with the client's decoder. ``tests/sandbox/test_wire_unmarshal.py``
compares both on random requests.
"""

from __future__ import annotations

import re
import xmlrpc.client
from typing import Any

HEAD = "<?xml version='1.0'?>\n<methodCall>\n<methodName>"
NAME_END = "</methodName>\n<params>\n"
TAIL = "</params>\n</methodCall>\n"
#: What expat refuses or rewrites: characters XML 1.0 forbids, and carriage returns.
AWKWARD = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
TOKEN = re.compile(
    r"<value><(string|int|boolean|double)>([^<>]*)</\1></value>\n"  # 1, 2: a scalar
    r"(?!<value><int>)"  # (ints in a row are one token, 12)
    r"|(<value><nil/></value>)"  # 3
    r"|(<value><array><data>\n)|(</data></array></value>\n)"  # 4, 5
    r"|(<value><struct>\n)|(</struct></value>\n)"  # 6, 7
    r"|<member>\n<name>([^<>]*)</name>\n|(</member>\n)"  # 8, 9
    r"|(<param>\n)|(</param>\n)"  # 10, 11
    r"|((?:<value><int>-?[0-9]+</int></value>\n)+)"  # 12: ints in a row (an id list)
)
DIGITS = re.compile(r"-?[0-9]+")
ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")


class _Unusual(Exception):
    """A request the fast path leaves to the stdlib reader."""


def _text(raw: str) -> str:
    if "&" not in raw:
        return raw
    if ENTITY.search(raw):
        raise _Unusual
    return raw.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _scalar(kind: str, raw: str) -> Any:
    if kind == "string":
        return _text(raw)
    if kind == "int":
        if not raw or not (raw.isdigit() or (raw[0] == "-" and raw[1:].isdigit())) or not raw.isascii():
            raise _Unusual
        return int(raw)
    if kind == "boolean":
        if raw == "0":
            return False
        if raw == "1":
            return True
        raise _Unusual
    if "&" in raw:
        raise _Unusual
    return float(raw)


def _params(text: str, start: int, end: int) -> list[Any]:
    """The values of ``<params>`` between ``start`` and ``end`` (raises _Unusual off the layout)."""
    params: list[Any] = []
    stack: list[Any] = []  # open arrays (lists) and structs ([dict, pending key])
    in_param = False
    got_value = False
    pos = start
    match = TOKEN.match
    while pos < end:
        token = match(text, pos, end)
        if token is None:
            raise _Unusual
        pos = token.end()
        kind = token.lastindex
        if kind == 10:  # <param>
            if in_param or stack:
                raise _Unusual
            in_param, got_value = True, False
            continue
        if kind == 11:  # </param>
            if not in_param or stack or not got_value:
                raise _Unusual
            in_param = False
            continue
        if kind == 8:  # <member><name>key</name>
            if not stack or type(stack[-1]) is not list or len(stack[-1]) != 2 or stack[-1][1] is not None:
                raise _Unusual
            stack[-1][1] = (_text(token.group(8)),)
            continue
        if kind == 9:  # </member>
            if not stack or type(stack[-1]) is not list or len(stack[-1]) != 2 or stack[-1][1] is not False:
                raise _Unusual
            stack[-1][1] = None
            continue
        if kind == 12:
            ints = [int(digits) for digits in DIGITS.findall(token.group(12))]
            if stack and type(stack[-1]) is tuple:
                stack[-1][1].extend(ints)
                continue
            if len(ints) != 1:
                raise _Unusual
            kind, value = 0, ints[0]
        if kind == 4:
            stack.append(("array", []))
            continue
        if kind == 6:
            stack.append([{}, None])
            continue
        if kind == 0:
            pass  # one int, read above
        elif kind == 5:
            if not stack or type(stack[-1]) is not tuple:
                raise _Unusual
            value: Any = stack.pop()[1]
        elif kind == 7:
            if not stack or type(stack[-1]) is not list or stack[-1][1] is not None:
                raise _Unusual
            value = stack.pop()[0]
        elif kind == 3:
            value = None
        elif kind == 2:
            value = _scalar(token.group(1), token.group(2))
        else:
            raise _Unusual
        # a complete value: into the open container, else it is the param's one value
        if stack:
            top = stack[-1]
            if type(top) is tuple:
                top[1].append(value)
            else:
                if type(top[1]) is not tuple:  # a value with no member name before it
                    raise _Unusual
                top[0][top[1][0]] = value
                top[1] = False
        else:
            if not in_param or got_value:
                raise _Unusual
            params.append(value)
            got_value = True
    if in_param or stack:
        raise _Unusual
    return params


def _fast(body: bytes) -> tuple[tuple[Any, ...], str]:
    text = body.decode("utf-8")
    if not text.startswith(HEAD) or not text.endswith(TAIL) or AWKWARD.search(text):
        raise _Unusual
    name_end = text.find(NAME_END, len(HEAD))
    if name_end < 0:
        raise _Unusual
    name = text[len(HEAD):name_end]
    if "<" in name or ">" in name:
        raise _Unusual
    return tuple(_params(text, name_end + len(NAME_END), len(text) - len(TAIL))), _text(name)


def loads_call(body: bytes) -> tuple[tuple[Any, ...], str | None]:
    """``xmlrpc.client.loads(body, use_builtin_types=True)``: (params, method name)."""
    try:
        return _fast(body)
    except Exception:  # another layout (and any failure): the stdlib reads it, or fails as it fails
        return xmlrpc.client.loads(body, use_builtin_types=True)
