"""A faster decoder of XML-RPC answers: the same values as ``xmlrpc.client.loads``, less CPU.

``xmlrpc.client.loads`` runs a Python callback per XML event (three per scalar): reading a
few thousand rows spent most of a plan's client CPU there. An answer laid out the way
Python's marshaller (which Odoo uses) writes it is rewritten as JSON by a fixed series of
byte replacements on its tags (C speed; content never holds ``<``, so a tag can only be a
tag) and parsed by ``json``: about four times less CPU. A read's answer (an array of structs,
most of what a plan reads) is first offered to ``xmlrpc_rows``, which decodes it in one
regular-expression pass, about three times faster still. Rules:
- Only a one-parameter ``methodResponse`` in that layout, whose values are int, boolean,
  string, double, nil, array and struct, is decoded here. Anything else (a fault, i4/i8,
  dateTime, base64, a value without a type, a character reference, CDATA, a comment, a
  carriage return, another encoding or layout, a malformed document) is left to
  ``xmlrpc.client.loads``, so results, faults and errors stay exactly the standard ones:
  every tag the rewrites do not know is still there afterwards, and a ``<`` left sends the
  answer to the standard decoder.
- Scalar texts JSON would read differently from ``xmlrpc.client`` (an int that is not
  digits, a double without a fraction or exponent) are left to it too.
- A damaged answer (a tag dropped, doubled or out of place, text where the layout has none,
  a declaration that is not one of the marshaller's) is left to it as well, never decoded to a
  value of its own: numbers are set apart by spaces (stray text then does not parse), string
  and number tags are counted in pairs, and only known declarations are skipped.
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from typing import Any

from harmonizer.odoo.xmlrpc_rows import DECLARATION, FRAME_END, UNKNOWN_ENTITY, forbidden_characters, rows

#: The XML declarations this decoder reads (what Python's marshaller writes, and its utf-8 forms).
#: (XML is case-sensitive: only the encoding's name may be in any case.)
_HEAD = re.compile(DECLARATION)
#: The answer's frame as marshallers write it, line breaks included.
_PREFIX = b"<methodResponse>\n<params>\n<param>\n"
#: Its end: XML white space (but the carriage return) between and after the last closing tags is
#: nothing to ``xmlrpc.client`` (Odoo 18 and later write a blank line before the last one).
_SUFFIX = re.compile(FRAME_END)
#: How far from the end ``_SUFFIX`` is looked for (more white space than that: the standard decoder).
_SUFFIX_REACH = 96
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
#: A number is set apart by spaces, so text where the layout has none (a damaged answer)
#: leaves JSON that does not parse, never another number (and ``_unsure`` pairs the number
#: and string tags); ``tests/odoo/test_xmlrpc_decode.py`` damages answers at random.
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
    (b"<value><int>", b" "), (b"</int>", b" "),
    (b"<value><boolean>1</boolean>", b"true"), (b"<value><boolean>0</boolean>", b"false"),
    (b"<value><double>", b" "), (b"</double>", b" "),
)
#: The rewrites of paired string and number tags: (kind, bytes each one removes, negative for
#: a closing tag). Content never holds ``<``, and each ``<int>`` or ``<double>`` is followed by
#: its text and its own closing tag (``_UNSURE_*``), so as many opening as closing tags of a
#: number kind means each closing tag has its own opening one; a string tag out of place
#: besides changes which quotes JSON pairs (the rest no longer parses).
_PAIRED: dict[bytes, tuple[int, int]] = {
    old: (kind, (len(old) - len(new)) * sign) for old, new, kind, sign in (
        (b"<value><string>", b'"', 0, 1), (b"</string>", b'"', 0, -1),
        (b"<value><int>", b" ", 1, 1), (b"</int>", b" ", 1, -1),
        (b"<value><double>", b" ", 2, 1), (b"</double>", b" ", 2, -1))}
#: After the tags (a ``<`` left means a tag or a layout this decoder does not know); ``&amp;``
#: last (``&amp;lt;`` is the text ``&lt;``).
_ENTITIES: tuple[tuple[bytes, bytes], ...] = (
    (b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'\\"'), (b"&apos;", b"'"), (b"&amp;", b"&"),
)
#: Rewrites run on pieces of about this size (``_pieces``): CPython's ``bytes.replace`` finds
#: each match with a plain search below 30000 bytes, with a search it sets up anew per match above.
_PIECE = 16384


def _as_json(body: bytes) -> bytes | None:
    """The answer's one value as JSON text, or None when this decoder cannot be sure."""
    head = _HEAD.match(body)
    if head is not None:
        body = body[head.end():]
    suffix = _SUFFIX.search(body, max(0, len(body) - _SUFFIX_REACH))
    if suffix is None or suffix.end() != len(body) or not body.startswith(_PREFIX):
        return None
    body = body[len(_PREFIX):suffix.start()]
    if forbidden_characters(body):
        return None
    if b"\r" in body or b"]]>" in body or (b"<int>" in body and _UNSURE_INT.search(body)) or (
            b"<double>" in body and any(p.search(body) for p in _UNSURE_DOUBLE)):
        return None
    entities = b"&" in body
    if entities and UNKNOWN_ENTITY.search(body):
        return None
    tally = [0, 0, 0]
    body = b"".join(_rewritten(piece, tally) for piece in _pieces(body))
    if b"<" in body or not body.endswith(b","):
        return None
    if any(tally):
        return None  # a closing string or number tag without its opening one (or the reverse)
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


def _rewritten(piece: bytes, tally: list[int]) -> bytes:
    """``piece`` rewritten; ``tally[i]`` gains the opening minus the closing tags of kind ``i``
    it rewrote (``_PAIRED``: counted from how much each rewrite shortened the piece)."""
    piece = piece.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\t", b"\\t")
    for old, new in _REWRITES:
        paired = _PAIRED.get(old)
        if paired is None:
            piece = piece.replace(old, new)
            continue
        size = len(piece)
        piece = piece.replace(old, new)
        tally[paired[0]] += (size - len(piece)) // paired[1]
    return piece


def loads(body: bytes) -> tuple[tuple[Any, ...], str | None]:
    """``xmlrpc.client.loads(body)`` for an answer (same values, faults and errors)."""
    found = rows(body)
    if found is not None:
        return (found,), None
    text = _as_json(body)
    if text is not None:
        try:
            return (json.loads(text.decode()),), None  # strict UTF-8 (json would let surrogates pass)
        except ValueError:
            pass
    return xmlrpc.client.loads(body)
