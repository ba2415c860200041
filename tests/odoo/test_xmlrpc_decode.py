"""The fast XML-RPC answer decoder gives exactly what ``xmlrpc.client.loads`` gives."""

from __future__ import annotations

import random
import xmlrpc.client
from typing import Any

import pytest

from harmonizer.odoo.xmlrpc_decode import _PIECE, _as_json, loads

TEXTS = ["a", "Z", " ", '"', "\\", "<", ">", "&", "&amp;", "\n", "\t", "é", "€", '"x":', "</value>", ",]", "{", "}",
         "[", "]", "null", "1", "\u2028", "</string>"]


def random_value(rnd: random.Random, depth: int = 0) -> Any:
    choice = rnd.randint(0, 9 if depth < 3 else 5)
    if choice == 0:
        return rnd.randint(-2**31 + 1, 2**31 - 1)
    if choice == 1:
        return rnd.random() * rnd.choice([1, 1e20, 1e-20, -3])
    if choice == 2:
        return rnd.choice([True, False])
    if choice == 3:
        return None
    if choice in (4, 5):
        return "".join(rnd.choice(TEXTS) for _ in range(rnd.randint(0, 6)))
    if choice in (6, 7):
        return [random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    return {"".join(rnd.choice(TEXTS) for _ in range(rnd.randint(0, 3))): random_value(rnd, depth + 1)
            for _ in range(rnd.randint(0, 4))}


def answer(value: Any) -> bytes:
    return xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True).encode()


def typed(value: Any) -> Any:
    """``value`` with every scalar's type (1, 1.0 and True are different answers)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [type(value).__name__, *(typed(item) for item in value)]
    return (type(value).__name__, str(value) if isinstance(value, xmlrpc.client.DateTime) else value)


def outcome(body: bytes, decode: Any) -> tuple[Any, ...]:
    try:
        return ("ok", typed(decode(body)))
    except Exception as exc:  # the same exception type and text as the standard decoder
        return ("error", type(exc).__name__, str(exc))


def test_random_answers_decode_as_the_standard_library_does() -> None:
    rnd = random.Random(13)
    for _ in range(1500):
        body = answer(random_value(rnd))
        assert _as_json(body) is not None  # Odoo's marshaller output takes the fast path
        assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)


def test_rows_as_odoo_reads_them() -> None:
    rows = [{"id": i, "key": f"bench.param.{i}", "value": f"a < b & \"c\" {i}", "write_uid": [2, "Mitchell Admin"],
             "active": i % 2 == 0, "company_id": False, "amount": 1.5, "note": None} for i in range(50)]
    body = answer(rows)
    assert loads(body) == ((rows,), None)


@pytest.mark.parametrize("body", [
    xmlrpc.client.dumps(xmlrpc.client.Fault(2, "boom"), methodresponse=True).encode(),
    b"<not xml",
    b"<methodResponse><params><param><value><dateTime.iso8601>20260101T00:00:00</dateTime.iso8601>"
    b"</value></param></params></methodResponse>",
    b"<methodResponse><params><param><value>untyped 12</value></param></params></methodResponse>",
    b"<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>",
    b"<methodResponse><params><param><value><int>1.5</int></value></param></params></methodResponse>",
    b"<methodResponse><params><param><value><double>5</double></value></param></params></methodResponse>",
    b"<methodResponse><params><param><value><string>&#65;\r\n</string></value></param></params></methodResponse>",
    b"<methodResponse><params><param><value><string><![CDATA[x]]></string></value></param></params>"
    b"</methodResponse>",
    b"<methodResponse>\n  <params>\n    <param>\n      <value>\n        <string>indented</string>\n      </value>\n"
    b"    </param>\n  </params>\n</methodResponse>\n",
    b"<?xml version='1.0' encoding='iso-8859-1'?>\n<methodResponse><params><param><value><string>\xe9</string>"
    b"</value></param></params></methodResponse>",
    b"<methodResponse><params/></methodResponse>",
])
def test_anything_unusual_is_decoded_by_the_standard_library(body: bytes) -> None:
    assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)


ODOO_FRAME = (b"<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n",
              b"</param>\n</params>\n</methodResponse>\n")


@pytest.mark.parametrize("value", [
    b"<value>untyped 12</value>\n", b"<value><i4>12</i4></value>\n", b"<value><i8>12</i8></value>\n",
    b"<value><!-- a comment --><string>x</string></value>\n", b"<value><string><![CDATA[x]]></string></value>\n",
    b"<value><?pi x?><string>x</string></value>\n", b"<value><dateTime.iso8601>20260101T00:00:00</dateTime.iso8601>"
    b"</value>\n", b"<value><array><data>\n<value>untyped</value>\n</data></array></value>\n",
    b"<value><struct>\n<member>\n<name>a</name>\n<value><base64>eA==</base64></value>\n</member>\n</struct>"
    b"</value>\n", b"<value><int>1.5</int></value>\n", b"<value><double>5</double></value>\n",
    b"<value><string>a\rb</string></value>\n",
])
def test_unusual_values_in_odoo_s_layout_go_to_the_standard_library(value: bytes) -> None:
    body = ODOO_FRAME[0] + value + ODOO_FRAME[1]
    assert _as_json(body) is None
    assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)


def test_long_answers_cut_in_pieces_decode_as_the_standard_library_does() -> None:
    """Answers far longer than a rewrite piece (``_PIECE``), values of every type on both sides of the cuts."""
    rnd = random.Random(7)
    for _ in range(5):
        rows = [{"id": i, "value": random_value(rnd), "name": f"row {i}", "m2o": [i, "x"], "flag": i % 3 == 0,
                 "empty": [], "none": None} for i in range(rnd.randint(300, 900))]
        body = answer(rows)
        assert len(body) > 10 * _PIECE and _as_json(body) is not None
        assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)


def _damaged(body: bytes, rnd: random.Random) -> bytes:
    """``body`` with one random damage: bytes cut out, a tag dropped, doubled or renamed, a
    stray character, a closing tag swapped for another."""
    tags = [m for m in range(len(body)) if body[m:m + 1] == b"<"]
    start = rnd.choice(tags) if tags and rnd.random() < 0.7 else rnd.randrange(len(body))
    end = body.find(b">", start) + 1 or start + 1
    tag = body[start:end]
    choice = rnd.randint(0, 6)
    if choice == 0:
        return body[:start] + body[start + rnd.randint(1, 40):]
    if choice == 1:
        return body[:start] + body[end:]
    if choice == 2:
        return body[:start] + tag + tag + body[end:]
    if choice == 3:
        other = rnd.choice([b"<string>", b"</string>", b"<int>", b"</int>", b"<value>", b"</value>", b"<nil/>",
                            b"<name>", b"</name>", b"<member>", b"</member>", b"<data>", b"</data>", b"</struct>",
                            b"<boolean>", b"</boolean>", b"<double>", b"</double>", b"<array>", b"</array>", b""])
        return body[:start] + other + body[end:]
    if choice == 4:
        return body[:start] + rnd.choice([b"<", b">", b"&", b'"', b"\\", b"\n", b"x", b"1", b"-", b"]", b"}", b","]) \
            + body[start:]
    if choice == 5:
        return body[:start] + tag.replace(b"/", b"") + body[end:]
    return body[:start] + body[end:end + rnd.randint(0, 30)] + tag + body[end + 30:]


def test_damaged_answers_fail_or_decode_as_the_standard_library_does() -> None:
    """A damaged answer the fast path cannot be sure of goes to the standard decoder: same
    values, or the same error, never a value the standard decoder would not give."""
    rnd = random.Random(17)
    for _ in range(3000):
        value = random_value(rnd) if rnd.random() < 0.5 else [
            {"id": i, "name": random_value(rnd), "m2o": [i, "x"], "flag": True, "none": None} for i in range(3)]
        body = _damaged(answer(value), rnd)
        assert outcome(body, loads) == outcome(body, xmlrpc.client.loads), body
