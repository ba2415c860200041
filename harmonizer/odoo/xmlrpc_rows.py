"""The rows of a read's XML-RPC answer, decoded by one regular-expression pass.

A ``search_read`` or ``read`` answer is an array of structs whose members are the same fields
in the same order, each field usually holding values of one shape in every row (an id, a
text, a flag, a many2one pair, a list of ids). Such an answer is cut by ONE ``split`` on a
pattern made for its first row's fields (compiled once per shape), which hands back each
field's texts as a column; each column is converted at once (``int``, ``bytes.decode``...)
and the rows are zipped into dicts: about a third of the CPU of the tag rewrites of
``xmlrpc_decode``, and no temporary copy of the answer. A field whose rows differ in shape
(Odoo's ``False`` for an empty value) is matched as any of the shapes, and read cell by cell.

Rules (``xmlrpc_decode.loads`` falls back to its other decoders whenever this gives None):
- The whole answer must be the marshaller's layout exactly: a declaration it writes, the
  frame, rows that the pattern matches back to back (``split`` leaves nothing between two of
  them), the frame's end. Anything else (a fault, members of another name or order in any
  row, a shape not listed here, white space or text where the layout has none, a carriage
  return, a character XML forbids, a character reference or an unknown entity) is not
  decoded here. Content never holds ``<`` or ``>``, so the pattern's tags are only tags.
- A cell's text becomes what ``xmlrpc.client`` makes of it: ints by ``int``, doubles by
  ``float`` (only texts Python's marshaller writes), booleans ``0``/``1``, strings as UTF-8
  (invalid UTF-8: not decoded here) with the five XML entities replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import repeat
from typing import Any

#: What stands before the rows: a declaration the marshaller writes (XML is case-sensitive:
#: only the encoding's name may be in any case), the frame, the array's start.
DECLARATION = rb"""<\?xml version=(['"])1\.0\1(?: encoding=(['"])(?i:utf-8)\2)?\?>[ \t\n]*"""
_HEAD = re.compile(rb"(?:" + DECLARATION + rb")?<methodResponse>\n<params>\n<param>\n<value><array><data>\n")
#: What stands after them. XML white space (but the carriage return) between the frame's closing
#: tags and after them is nothing to ``xmlrpc.client`` (Odoo 18 and later write a blank line there).
FRAME_END = rb"</param>\n</params>[ \t\n]*</methodResponse>[ \t\n]*"
_TAIL = re.compile(rb"</data></array></value>\n" + FRAME_END)
_ROW_START = b"<value><struct>\n"
_ROW_END = b"</struct></value>\n"
_MEMBER_END = b"</member>\n"
#: Text XML allows in a string, less ``<``, ``>`` and the carriage return (whose line-end
#: handling is the standard decoder's business).
_TEXT = rb"[^<>\x00-\x08\x0b-\x1f]*"
_DOUBLE = rb"-?(?:0|[1-9][0-9]*)\.[0-9]+(?:e[-+][0-9]+)?|-?[1-9](?:\.[0-9]+)?e[-+][0-9]+"
_INT = rb"-?[0-9]+"
#: The shapes of a value read here: shape -> the value's pattern after ``<value>``, its end
#: included (the marshaller ends a nil value without a line break), capturing its texts.
_CELLS: dict[str, bytes] = {
    "int": rb"<int>(" + _INT + rb")</int></value>\n",
    "string": rb"<string>(" + _TEXT + rb")</string></value>\n",
    "empty": rb"<string/>()</value>\n",
    "boolean": rb"<boolean>([01])</boolean></value>\n",
    "double": rb"<double>(" + _DOUBLE + rb")</double></value>\n",
    "nil": rb"<nil/>()</value>",
    "pair": rb"<array><data>\n<value><int>(" + _INT + rb")</int></value>\n<value><string>(" + _TEXT +
            rb")</string></value>\n</data></array></value>\n",
    "ids": rb"<array><data>\n((?:<value><int>" + _INT + rb"</int></value>\n)*)</data></array></value>\n",
}
#: The groups each shape's pattern captures (``tests/odoo/test_xmlrpc_rows.py`` counts them again).
_GROUPS = {"int": 1, "string": 1, "empty": 1, "boolean": 1, "double": 1, "nil": 1, "pair": 2, "ids": 1}
#: A value of any of those shapes (a field whose rows differ), each shape its own groups.
_ANY = rb"(?:" + rb"|".join(_CELLS.values()) + rb")"
_GROUPS["any"] = sum(_GROUPS.values())
#: A member of the first row: its name, and its value's opening (which tells its shape).
_FIRST = re.compile(rb"<member>\n<name>([A-Za-z0-9_.:-]+)</name>\n<value>(<int>|<string>|<string/>|<boolean>|"
                    rb"<double>|<nil/>|<array><data>\n(?:<value><int>" + _INT + rb"</int></value>\n<value><string|"
                    rb"<value><int>|</data>))")
_SHAPE_OF = {b"<int>": "int", b"<string>": "string", b"<string/>": "empty", b"<boolean>": "boolean",
             b"<double>": "double", b"<nil/>": "nil"}
_ID = re.compile(rb"<value><int>(" + _INT + rb")</int></value>\n")
_ENTITIES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"), (b"&amp;", b"&"))
#: An entity other than XML's five (a character reference or an unknown one).
UNKNOWN_ENTITY = re.compile(rb"&(?!lt;|gt;|amp;|quot;|apos;)")

Shape = tuple[tuple[bytes, str], ...]
#: Compiled row patterns by shape (a run reads few: about one per model read).
_PATTERNS: dict[Shape, re.Pattern[bytes]] = {}


def rows(body: bytes) -> list[dict[str, Any]] | None:
    """The rows ``xmlrpc.client.loads(body)`` gives for a read's answer, or None when this
    decoder cannot be sure (see the module rules)."""
    head = _HEAD.match(body)
    if head is None or not body.startswith(_ROW_START, head.end()):
        return None
    shape = _shape(body, head.end())
    if shape is None:
        return None
    parts = _split(body, head.end(), shape)
    if parts is None:  # a field of another shape in some row: each field may be of any shape
        shape = tuple((name, "any") for name, _kind in shape)
        parts = _split(body, head.end(), shape)
        if parts is None:
            return None
    if forbidden_characters(body):
        return None
    entities = b"&" in body
    if entities and UNKNOWN_ENTITY.search(body):
        return None
    width = 1 + sum(_GROUPS[kind] for _name, kind in shape)
    columns = []
    group = 1
    try:
        for _name, kind in shape:
            columns.append(_column(kind, parts, group, width, entities))
            group += _GROUPS[kind]
    except (UnicodeDecodeError, ValueError):
        return None
    names = [name.decode() for name, _kind in shape]
    return list(map(dict, map(zip, repeat(names), zip(*columns, strict=True))))


def forbidden_characters(body: bytes) -> bool:
    """Does ``body`` hold U+FFFE or U+FFFF, characters XML forbids? (One byte is found much
    faster than three.)"""
    return b"\xef" in body and (b"\xef\xbf\xbe" in body or b"\xef\xbf\xbf" in body)


def _shape(body: bytes, start: int) -> Shape | None:
    """(name, shape) of each member of the row at ``start``."""
    end = body.find(_ROW_END, start)
    if end < 0:
        return None
    pos = start + len(_ROW_START)
    shape = []
    while pos < end:
        member = _FIRST.match(body, pos, end)
        if member is None:
            return None
        opening = member.group(2)
        if opening.startswith(b"<array>"):
            kind = "pair" if opening.endswith(b"<string") else "ids"
        else:
            kind = _SHAPE_OF[opening]
        shape.append((member.group(1), kind))
        pos = body.find(_MEMBER_END, member.end(), end)
        if pos < 0:
            return None
        pos += len(_MEMBER_END)
    return tuple(shape) if shape else None


def _split(body: bytes, start: int, shape: Shape) -> list[bytes] | None:
    """``split`` of ``body`` on the rows of ``shape``, when they are all of it: the head, then
    each row's groups and what follows the row (nothing but after the last: the tail)."""
    pattern = _PATTERNS.get(shape)
    if pattern is None:
        members = b"".join(b"<member>\n<name>" + re.escape(name) + b"</name>\n<value>" +
                           (_ANY if kind == "any" else _CELLS[kind]) + b"</member>\n" for name, kind in shape)
        pattern = _PATTERNS[shape] = re.compile(_ROW_START + members + _ROW_END)
    parts = pattern.split(body)
    width = 1 + pattern.groups
    if len(parts[0]) != start or _TAIL.fullmatch(parts[-1]) is None or any(parts[width:-1:width]):
        return None
    return parts


def _column(kind: str, parts: list[Any], group: int, width: int, entities: bool) -> list[Any]:
    """The values of one field in every row, from ``split``'s groups."""
    cells = parts[group::width]
    if kind == "int":
        return list(map(int, cells))
    if kind == "string":
        return _texts(cells, entities)
    if kind == "boolean":
        return [text == b"1" for text in cells]
    if kind == "double":
        return list(map(float, cells))
    if kind == "pair":
        return list(map(list, zip(map(int, cells), _texts(parts[group + 1::width], entities), strict=True)))
    if kind == "ids":
        return [list(map(int, _ID.findall(text))) if text else [] for text in cells]
    if kind == "empty":
        return [""] * len(cells)
    if kind == "nil":
        return [None] * len(cells)
    return [_any(parts[index:index + _GROUPS["any"]], entities)
            for index in range(group, len(parts) - 1, width)]  # "any"


def _any(groups: list[bytes | None], entities: bool) -> Any:
    """One cell matched by ``_ANY``: the shape whose groups matched (unmatched ones are None)."""
    index = 0
    for kind in _CELLS:
        if groups[index] is not None:
            return _READERS[kind](groups[index:index + _GROUPS[kind]], entities)
        index += _GROUPS[kind]
    raise ValueError("no shape matched")  # cannot happen: one alternative matched


def _texts(texts: list[bytes], entities: bool) -> list[str]:
    if entities:
        texts = [_unescaped(text) if b"&" in text else text for text in texts]
    return list(map(bytes.decode, texts))


def _unescaped(text: bytes) -> bytes:
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


#: Per shape: its value from its groups (a cell of a field of mixed shapes).
_READERS: dict[str, Callable[[list[Any], bool], Any]] = {
    "int": lambda g, e: int(g[0]),
    "string": lambda g, e: _texts([g[0]], e)[0],
    "empty": lambda g, e: "",
    "boolean": lambda g, e: g[0] == b"1",
    "double": lambda g, e: float(g[0]),
    "nil": lambda g, e: None,
    "pair": lambda g, e: [int(g[0]), _texts([g[1]], e)[0]],
    "ids": lambda g, e: list(map(int, _ID.findall(g[0]))) if g[0] else [],
}
