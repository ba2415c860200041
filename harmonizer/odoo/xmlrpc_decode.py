"""A faster decoder of XML-RPC answers: the same values as ``xmlrpc.client.loads``, less CPU.

``xmlrpc.client.loads`` runs a Python callback per XML event (three per scalar): reading a
few thousand rows spent most of a plan's client CPU there. An answer laid out the way
Python's marshaller (which Odoo uses) writes it is rewritten as JSON by a fixed series of
byte replacements on its tags (C speed; content never holds ``<``, so a tag can only be a
tag) and parsed by ``json``: about four times less CPU. Rules:
- Only a one-parameter ``methodResponse`` in that layout, whose values are int, boolean,
  string, double, nil, array and struct, is decoded here. Anything else (a fault, i4/i8,
  dateTime, base64, a value without a type, a character reference, CDATA, a comment, a
  carriage return, another encoding or layout, a malformed document) is left to
  ``xmlrpc.client.loads``, so results, faults and errors stay exactly the standard ones:
  every tag the rewrites do not know is still there afterwards, and a ``<`` left sends the
  answer to the standard decoder.
- Scalar texts JSON would read differently from ``xmlrpc.client`` (an int that is not
  digits, a double without a fraction or exponent) are left to it too.
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from typing import Any

_HEAD = re.compile(rb"^<\?xml[^>]*\?>\s*")
#: The answer's frame as marshallers write it, line breaks included.
_PREFIX = b"<methodResponse>\n<params>\n<param>\n"
_SUFFIX = b"</param>\n</params>\n</methodResponse>"
#: Scalar texts JSON would read otherwise than ``xmlrpc.client`` (each searched only when its
#: tag occurs at all). A value without a type (or i4, i8, dateTime...), a comment, CDATA or a
#: processing instruction needs no search: no rewrite removes it, so a ``<`` is left and the
#: answer goes to the standard decoder.
_UNSURE_INT = re.compile(rb"<int>(?!-?[0-9]+</int>)")
_UNSURE_DOUBLE = (
    re.compile(rb"<double>(?!-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?</double>)"),
    re.compile(rb"<double>-?[0-9]+</double>"),              # JSON would make it an int
)
#: Replacements on the marshaller's layout, in this order; each matches tags only (content
#: never holds ``<``). Every value ends with ``</value>\n`` once ``nil`` has its line break.
_REWRITES: tuple[tuple[bytes, bytes], ...] = (
    (b"<value><nil/></value>", b"null</value>\n"),
    (b"</value>\n</member>\n<member>\n<name>", b',"'),
    (b"</value>\n</member>\n</struct>", b"}"),
    (b"<value><struct>\n<member>\n<name>", b'{"'),
    (b"<value><struct>\n</struct>", b"{}"),
    (b"</name>\n", b'":'),
    (b"<value><array><data>\n</data></array>", b"[]"),
    (b"<value><array><data>\n", b"["),
    (b"</value>\n</data></array>", b"]"),
    (b"</value>\n", b","),
    (b"<value><string>", b'"'), (b"</string>", b'"'), (b"<value><string/>", b'""'),
    (b"<value><int>", b""), (b"</int>", b""),
    (b"<value><boolean>1</boolean>", b"true"), (b"<value><boolean>0</boolean>", b"false"),
    (b"<value><double>", b""), (b"</double>", b""),
)
#: After the tags (a ``<`` left means a tag or a layout this decoder does not know); ``&amp;``
#: last (``&amp;lt;`` is the text ``&lt;``).
_ENTITIES: tuple[tuple[bytes, bytes], ...] = (
    (b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'\\"'), (b"&apos;", b"'"), (b"&amp;", b"&"),
)
_UNKNOWN_ENTITY = re.compile(rb"&(?!lt;|gt;|amp;|quot;|apos;)")
#: Rewrites run on pieces of about this size (``_pieces``): CPython's ``bytes.replace`` finds
#: each match with a plain search below 30000 bytes, with a search it sets up anew per match above.
_PIECE = 16384


def _as_json(body: bytes) -> bytes | None:
    """The answer's one value as JSON text, or None when this decoder cannot be sure."""
    head = _HEAD.match(body)
    if head is not None:
        declared = head.group(0).lower()
        if b"encoding" in declared and b"utf-8" not in declared:
            return None
        body = body[head.end():]
    body = body.rstrip()
    if not (body.startswith(_PREFIX) and body.endswith(_SUFFIX)):
        return None
    body = body[len(_PREFIX):len(body) - len(_SUFFIX)]
    if b"\r" in body or (b"<int>" in body and _UNSURE_INT.search(body)) or (
            b"<double>" in body and any(p.search(body) for p in _UNSURE_DOUBLE)):
        return None
    entities = b"&" in body
    if entities and _UNKNOWN_ENTITY.search(body):
        return None
    body = b"".join(_rewritten(piece) for piece in _pieces(body))
    if b"<" in body or not body.endswith(b","):
        return None
    body = body[:-1].replace(b"\n", b"\\n")  # what is left of line breaks is text
    if entities:
        for old, new in _ENTITIES:
            body = body.replace(old, new)
    return body


def _pieces(body: bytes) -> list[bytes]:
    """``body`` cut before a ``<value>`` every ``_PIECE`` bytes or so. No rewrite can straddle
    such a cut: ``<value>`` occurs in a rewritten tag sequence only at its start, and none ends
    with a part of it. (On a long text, ``bytes.replace`` prepares its search again for every
    match; on pieces this short it does not.)"""
    out, start = [], 0
    while len(body) - start > _PIECE:
        cut = body.find(b"<value>", start + _PIECE)
        if cut < 0:
            break
        out.append(body[start:cut])
        start = cut
    out.append(body[start:])
    return out


def _rewritten(piece: bytes) -> bytes:
    piece = piece.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\t", b"\\t")
    for old, new in _REWRITES:
        piece = piece.replace(old, new)
    return piece


def loads(body: bytes) -> tuple[tuple[Any, ...], str | None]:
    """``xmlrpc.client.loads(body)`` for an answer (same values, faults and errors)."""
    text = _as_json(body)
    if text is not None:
        try:
            return (json.loads(text),), None
        except ValueError:
            pass
    return xmlrpc.client.loads(body)
