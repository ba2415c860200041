"""The rows decoder (``xmlrpc_rows``) gives exactly what ``xmlrpc.client.loads`` gives, or nothing."""

from __future__ import annotations

import json
import random
import re
import xmlrpc.client
from typing import Any

import pytest
from odoo_fakes import REFERENCE
from xmlrpc_samples import TEXTS, answer, damaged, outcome, typed

from harmonizer.odoo.xmlrpc_decode import loads
from harmonizer.odoo.xmlrpc_rows import _CELLS, _GROUPS, rows

#: Values of each shape a read's field may hold (Odoo's ``False`` for an empty field included).
SHAPES: dict[str, Any] = {
    "int": lambda rnd: rnd.randint(-2**31 + 1, 2**31 - 1),
    "string": lambda rnd: "".join(rnd.choice(TEXTS) for _ in range(rnd.randint(0, 5))),
    "boolean": lambda rnd: rnd.choice([True, False]),
    "double": lambda rnd: rnd.random() * rnd.choice([1, 1e20, 1e-20, -3, 1e300]),
    "nil": lambda rnd: None,
    "pair": lambda rnd: [rnd.randint(1, 9999), "".join(rnd.choice(TEXTS) for _ in range(rnd.randint(0, 3)))],
    "ids": lambda rnd: [rnd.randint(-5, 99999) for _ in range(rnd.randint(0, 4))],
}


def rows_answer(body: bytes) -> tuple[tuple[Any, ...], None]:
    """What ``xmlrpc.client.loads`` returns, made of what the rows path decoded."""
    return (rows(body),), None


def random_rows(rnd: random.Random, *, mixed: bool, most: int = 40) -> list[dict[str, Any]]:
    """Rows of one set of fields; each field of one shape in every row, unless ``mixed``."""
    fields = {f"f_{i}": rnd.choice(list(SHAPES)) for i in range(rnd.randint(1, 6))}
    out = []
    for _ in range(rnd.randint(1, most)):
        row = {}
        for name, shape in fields.items():
            row[name] = SHAPES[rnd.choice(list(SHAPES)) if mixed and rnd.random() < 0.3 else shape](rnd)
        out.append(row)
    return out


def test_reads_of_one_shape_per_field_take_the_rows_path() -> None:
    rnd = random.Random(29)
    for _ in range(400):
        body = answer(random_rows(rnd, mixed=False))
        decoded = rows(body)
        assert decoded is not None, body
        assert typed(decoded) == typed(xmlrpc.client.loads(body)[0][0])


def test_fields_of_mixed_shapes_decode_as_the_standard_library_does() -> None:
    rnd = random.Random(31)
    taken = 0
    for _ in range(300):
        body = answer(random_rows(rnd, mixed=True, most=20))
        decoded = rows(body)
        taken += decoded is not None
        if decoded is not None:
            assert typed(decoded) == typed(xmlrpc.client.loads(body)[0][0])
        assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)
    assert taken == 300  # every shape listed is one the rows path reads


def test_damaged_reads_fail_or_decode_as_the_standard_library_does() -> None:
    """A damaged answer never gives a value the standard decoder would not give."""
    rnd = random.Random(37)
    for _ in range(1500):
        body = damaged(answer(random_rows(rnd, mixed=rnd.random() < 0.3, most=8)), rnd)
        standard = outcome(body, xmlrpc.client.loads)
        if rows(body) is not None:
            assert outcome(body, rows_answer) == standard, body
        assert outcome(body, loads) == standard, body


ODOO_ROWS = (b"<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><struct>\n"
             b"<member>\n<name>id</name>\n<value><int>4</int></value>\n</member>\n"
             b"<member>\n<name>value</name>\n<value><string>%s</string></value>\n</member>\n"
             b"</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n")


@pytest.mark.parametrize("text", [
    b"a &lt; b &amp;amp; &quot;c&quot; &apos;d&apos; &gt;", "\u00e9\u20ac\U0001f600 \u2028".encode(), b"x\ty\nz",
])
def test_texts_read_as_the_standard_library_reads_them(text: bytes) -> None:
    body = ODOO_ROWS % text
    assert rows(body) is not None
    assert outcome(body, rows_answer) == outcome(body, xmlrpc.client.loads)


@pytest.mark.parametrize("text", [
    b"&#65;", b"&#x41;", b"&nbsp;", b"a & b", b"a\rb", b"a\x0bb", b"a\x00b", "\ufffe".encode(), "\uffff".encode(),
    b"\xe9", b"\xed\xa0\x80", b"a > b", b"]]>", b"<![CDATA[x]]>", b"<!-- c -->",
])
def test_anything_unusual_in_a_text_is_left_to_the_standard_library(text: bytes) -> None:
    body = ODOO_ROWS % text
    assert rows(body) is None
    assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)


@pytest.mark.parametrize("old,new", [
    (b"<int>4</int>", b"<i4>4</i4>"), (b"<int>4</int>", b"<int>+4</int>"), (b"<int>4</int>", b"<int> 4</int>"),
    (b"<name>id</name>", b"<name>i&amp;d</name>"), (b"<value><struct>\n", b"<value><struct>"),
    (b"</data></array></value>\n</param>", b"</data></array></value>\n<param>"),
    (b"</methodResponse>\n", b"</methodResponse>\n\x0c"), (b"<?xml version='1.0'?>", b"<?XML version='1.0'?>"),
])
def test_another_layout_is_left_to_the_standard_library(old: bytes, new: bytes) -> None:
    body = (ODOO_ROWS % b"v").replace(old, new, 1)
    assert rows(body) is None
    assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)


def test_odoo_18_frame_and_rows_of_another_member_order() -> None:
    """Odoo 18 and later end the frame with a blank line (read here); rows whose members differ
    in name or order from the first row's are not."""
    body = (ODOO_ROWS % b"v").replace(b"</params>\n</methodResponse>", b"</params>\n\n</methodResponse>")
    assert rows(body) == [{"id": 4, "value": "v"}]
    other = answer([{"id": 1, "value": "a"}, {"value": "b", "id": 2}])
    assert rows(other) is None
    assert outcome(other, loads) == outcome(other, xmlrpc.client.loads)


def _reference_answers() -> list[tuple[str, bytes]]:
    out = []
    for path in sorted(REFERENCE.glob("*/transcripts/*.json")):
        for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            if entry.get("protocol") == "xmlrpc":
                out.append((f"{path.parent.parent.name}/{path.stem}/{index}", entry["response_body"].encode()))
    return out


REFERENCE_ANSWERS = _reference_answers()


@pytest.mark.skipif(not REFERENCE_ANSWERS, reason=f"reference transcripts not found under {REFERENCE}")
def test_real_odoo_answers_decode_as_the_standard_library_does() -> None:
    """Every XML-RPC answer of the real Odoo 16-19 transcripts: the same values (or error) as the
    standard decoder; every read of rows is decoded by the rows path (read_group's nested domains are not)."""
    read_rows = 0
    for where, body in REFERENCE_ANSWERS:
        assert outcome(body, loads) == outcome(body, xmlrpc.client.loads), where
        standard = outcome(body, xmlrpc.client.loads)
        value = standard[1][1][1] if standard[0] == "ok" else None
        decoded = rows(body)
        if decoded is not None:
            read_rows += 1
            assert typed(decoded) == value, where
        elif isinstance(value, list) and value[1:] and all(isinstance(v, dict) for v in value[1:]):
            assert any(key.endswith("_domain") for v in value[1:] for key in v), where  # nested domains
    assert read_rows > 100


def test_each_shape_captures_the_groups_it_is_said_to() -> None:
    assert {kind: re.compile(pattern).groups for kind, pattern in _CELLS.items()} == {
        kind: count for kind, count in _GROUPS.items() if kind != "any"}
