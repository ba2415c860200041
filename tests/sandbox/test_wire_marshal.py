"""The fast answer encoders (``wire/marshal.py``) give the stdlib's bytes, or fail as it fails.

Random values of every shape an answer can hold (records, nested lists and structs, markup
characters, non-ASCII text, dates, floats' edge cases) and of shapes Odoo cannot marshal
(None, bytes, non-string keys, 64-bit integers, subclasses, recursion) are encoded both ways:
``xmlrpc.client.dumps((plain_value(v),), methodresponse=True, allow_none=False)`` and
``json.dumps(plain_value(v), ensure_ascii=False)`` against ``xmlrpc_response`` and ``json_answer``.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import random
import xmlrpc.client
from collections import OrderedDict
from typing import Any

import pytest

from harmonizer.sandbox.wire.marshal import json_answer, xmlrpc_response
from harmonizer.sandbox.wire.protocol import plain_value

ALPHABET = "abcXYZ019 _-.&<>\"'\n\t\r]]>éß€中😀\x7f"


class Text(str):
    pass


class Number(int):
    pass


class Colour(enum.IntEnum):
    RED = 1


class Mapping(dict):  # type: ignore[type-arg]
    pass


def text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))


def scalar(rng: random.Random, odd: bool) -> Any:
    choices: list[Any] = [
        lambda: text(rng),
        lambda: rng.randint(-(2**31), 2**31 - 1),
        lambda: rng.choice([0, 1, -1, 2**31 - 1, -(2**31)]),
        lambda: rng.choice([True, False]),
        lambda: rng.choice([0.0, -0.0, 1.5, 1e300, -2.5e-300, float("inf"), float("-inf"), float("nan"),
                            rng.uniform(-1e6, 1e6)]),
        lambda: dt.datetime(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                            rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999999)),
        lambda: dt.date(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28)),
    ]
    if odd:
        choices += [
            lambda: None,
            lambda: b"bytes\x00",
            lambda: rng.choice([2**31, -(2**31) - 1, 2**63]),
            lambda: Text("sub"),
            lambda: Number(3),
            lambda: Colour.RED,
            lambda: {1, 2},
            lambda: object(),
        ]
    return rng.choice(choices)()


def value(rng: random.Random, depth: int, odd: bool) -> Any:
    roll = rng.random()
    if depth <= 0 or roll < 0.35:
        return scalar(rng, odd)
    if roll < 0.55:
        items = [value(rng, depth - 1, odd) for _ in range(rng.randint(0, 4))]
        return tuple(items) if rng.random() < 0.2 else items
    keys: list[Any] = [text(rng) for _ in range(rng.randint(0, 4))]
    if odd and rng.random() < 0.2:
        keys.append(rng.choice([1, None, 2.5, (1, 2)]))
    built = {key: value(rng, depth - 1, odd) for key in keys}
    if odd and rng.random() < 0.1:
        return rng.choice([Mapping(built), OrderedDict(built)])
    return built


def records(rng: random.Random) -> list[dict[str, Any]]:
    """What a search_read answers: records with ids, texts, booleans, many2ones, x2many ids."""
    return [{"id": i, "key": text(rng), "value": rng.choice([text(rng), False]), "active": rng.random() < 0.5,
             "write_uid": [rng.randint(1, 9), text(rng)], "tag_ids": [rng.randint(1, 99) for _ in range(3)],
             "amount": rng.uniform(-100, 100), "date": rng.choice([False, "2024-01-31"])}
            for i in range(rng.randint(0, 30))]


def stdlib_xml(data: Any) -> tuple[str, Any]:
    try:
        return "ok", xmlrpc.client.dumps((plain_value(data),), methodresponse=True, allow_none=False)
    except Exception as exc:
        return "error", (type(exc), str(exc))


def fast_xml(data: Any) -> tuple[str, Any]:
    try:
        return "ok", xmlrpc_response(data)
    except Exception as exc:
        return "error", (type(exc), str(exc))


def stdlib_json(data: Any) -> tuple[str, Any]:
    try:
        return "ok", json.dumps(plain_value(data), ensure_ascii=False)
    except Exception as exc:
        return "error", (type(exc), str(exc))


def fast_json(data: Any) -> tuple[str, Any]:
    try:
        return "ok", json_answer(data)
    except Exception as exc:
        return "error", (type(exc), str(exc))


@pytest.mark.parametrize("seed", range(40))
def test_random_plain_values_encode_byte_for_byte(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        data = records(rng) if rng.random() < 0.3 else value(rng, 4, odd=False)
        xml = fast_xml(data)
        assert xml[0] == "ok"
        assert xml == stdlib_xml(data)
        answer = {"jsonrpc": "2.0", "id": rng.randint(0, 99), "result": data}
        assert fast_json(answer) == stdlib_json(answer)


@pytest.mark.parametrize("seed", range(40))
def test_random_odd_values_answer_or_fail_as_the_stdlib(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _ in range(50):
        data = value(rng, 4, odd=True)
        assert fast_xml(data) == stdlib_xml(data)
        assert fast_json(data) == stdlib_json(data)


def test_odd_values_that_odoo_cannot_marshal_fail_the_same_way() -> None:
    cases: list[Any] = [None, [1, None], {"a": None}, {1: "x"}, 2**31, [-(2**31) - 1], b"x", Text("a"),
                        {"k": {2, 3}}]
    for data in cases:
        assert fast_xml(data) == stdlib_xml(data)
        assert fast_json(data) == stdlib_json(data)
    looped: list[Any] = [1]
    looped.append(looped)  # both routes overflow the stack (where exactly words the message)
    assert fast_xml(looped)[1][0] is stdlib_xml(looped)[1][0] is RecursionError
    assert fast_json(looped)[1][0] is stdlib_json(looped)[1][0] is RecursionError
    assert fast_xml(None) == ("error", (TypeError, "cannot marshal None unless allow_none is enabled"))
    assert fast_xml({1: "x"}) == ("error", (TypeError, "dictionary key must be string"))


def test_a_record_answer_is_the_stdlib_text() -> None:
    rows = [{"id": 7, "key": "a&b<c>", "value": "é", "write_uid": [2, "Mitchell Admin"], "active": False,
             "write_date": dt.datetime(2024, 7, 9, 12, 30, 5, 123), "day": dt.date(2024, 7, 9), "rate": 0.1}]
    expected = xmlrpc.client.dumps((plain_value(rows),), methodresponse=True, allow_none=False)
    assert xmlrpc_response(rows) == expected
    assert "<name>write_date</name>\n<value><string>2024-07-09 12:30:05</string></value>" in expected
    assert json_answer(rows) == json.dumps(plain_value(rows), ensure_ascii=False)
