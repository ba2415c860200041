"""The fast XML-RPC answer decoder gives exactly what ``xmlrpc.client.loads`` gives."""

from __future__ import annotations

import random
import xmlrpc.client

import pytest
from xmlrpc_samples import answer, damaged, outcome, random_value

from harmonizer.odoo.xmlrpc_decode import _PIECE, _as_json, loads


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


def test_damaged_answers_fail_or_decode_as_the_standard_library_does() -> None:
    """A damaged answer the fast path cannot be sure of goes to the standard decoder: same
    values, or the same error, never a value the standard decoder would not give."""
    rnd = random.Random(17)
    for _ in range(3000):
        value = random_value(rnd) if rnd.random() < 0.5 else [
            {"id": i, "name": random_value(rnd), "m2o": [i, "x"], "flag": True, "none": None} for i in range(3)]
        body = damaged(answer(value), rnd)
        assert outcome(body, loads) == outcome(body, xmlrpc.client.loads), body


@pytest.mark.parametrize("head,tail", [
    (b"<?XML version='1.0'?>\n", b"\n"), (b"<?xml VERSION='1.0'?>\n", b"\n"),
    (b"<?xml version='1.0' ENCODING='utf-8'?>\n", b"\n"), (b"<?xml version='1.0' encoding='UTF-8'?>\n", b"\n"),
    (b"<?xml version=\"1.0\"?>\n", b"\n"), (b"", b"\n\x0b"), (b"", b"\n\x0c"), (b"", b" \t\n\n"),
])
def test_declarations_and_trailing_characters_as_the_standard_library_reads_them(head: bytes, tail: bytes) -> None:
    """XML is case-sensitive (but for an encoding's name), and only white space may follow the document."""
    body = head + b"<methodResponse>\n<params>\n<param>\n<value><int>1</int></value>\n</param>\n</params>\n" \
        b"</methodResponse>" + tail
    assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)


def test_odoo_18_frame_takes_the_fast_path() -> None:
    """Odoo 18 and later write a blank line before ``</methodResponse>``: nothing to the standard decoder."""
    body = b'<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n' \
        b"<value><int>7</int></value>\n</data></array></value>\n</param>\n</params>\n\n</methodResponse>\n"
    assert _as_json(body) is not None
    assert outcome(body, loads) == outcome(body, xmlrpc.client.loads) == (
        "ok", ["tuple", ["tuple", ["list", ("int", 7)]], ("NoneType", None)])


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\x0b", "\x1f", "\x00"])
def test_characters_xml_forbids_fail_as_in_the_standard_library(char: str) -> None:
    body = answer({"a": f"x{char}y", "b": [1, 2]})
    assert outcome(body, loads) == outcome(body, xmlrpc.client.loads)
    assert outcome(body, loads)[0] == "error"
