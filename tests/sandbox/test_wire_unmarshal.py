"""The stand-in's fast XML-RPC request reader (``wire/unmarshal.py``) reads what the stdlib reads.

Random calls written by ``xmlrpc.client.dumps`` (every value type, markup characters, id lists,
nested structs), the same calls damaged at random (a byte dropped or changed, a carriage return,
an entity, another layout) and hand-made odd requests are read both ways:
``xmlrpc.client.loads(body, use_builtin_types=True)`` and ``loads_call(body)`` give the same
(params, method) or fail with the same error.
"""

from __future__ import annotations

import datetime as dt
import random
import xmlrpc.client
from typing import Any

import pytest

from harmonizer.sandbox.wire.unmarshal import _fast, loads_call

ALPHABET = "abcXYZ019 _-.&<>\"'\n\t]]>éß€中😀"


def text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 10)))


def value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth <= 0 or roll < 0.45:
        return rng.choice([
            lambda: text(rng), lambda: rng.randint(-(2**31), 2**31 - 1), lambda: rng.choice([True, False]),
            lambda: rng.choice([0.0, -0.0, 1.5, 1e300, float("inf"), float("nan"), rng.uniform(-1e6, 1e6)]),
            lambda: None, lambda: rng.choice([b"raw\x00bytes", dt.datetime(2024, 7, 9, 12, 30, 5)]),
        ])()
    if roll < 0.6:
        return [rng.randint(1, 10**6) for _ in range(rng.randint(0, 30))]  # an id list
    if roll < 0.8:
        return [value(rng, depth - 1) for _ in range(rng.randint(0, 4))]
    return {text(rng): value(rng, depth - 1) for _ in range(rng.randint(0, 4))}


def call(rng: random.Random) -> bytes:
    params = tuple(value(rng, 3) for _ in range(rng.randint(0, 7)))
    name = rng.choice(["execute_kw", "authenticate", "version", "a&b", ""])
    return xmlrpc.client.dumps(params, name, allow_none=True).encode("utf-8")


def damaged(rng: random.Random, body: bytes) -> bytes:
    if not body:
        return body
    at = rng.randrange(len(body))
    return rng.choice([
        lambda: body[:at] + body[at + 1:],
        lambda: body[:at] + bytes([rng.randrange(256)]) + body[at + 1:],
        lambda: body[:at] + b"\r\n" + body[at:],
        lambda: body.replace(b"<string>", b"<string>&quot;", 1),
        lambda: body.replace(b"<int>", b"<i4>", 1).replace(b"</int>", b"</i4>", 1),
        lambda: body.replace(b"<value><string>", b"<value>", 1).replace(b"</string></value>", b"</value>", 1),
        lambda: body.replace(b"\n", b"", 3),
        lambda: body.replace(b"<?xml version='1.0'?>", b'<?xml version="1.0" encoding="utf-8"?>', 1),
        lambda: body.replace(b"<boolean>1", b"<boolean>2", 1),
        lambda: body.replace(b"<int>", b"<int> +", 1),
        lambda: body.replace(b"</member>", b"", 1),
        lambda: body.replace(b"<param>", b"<param><value><int>1</int></value>\n", 1),
    ])()


def read(reader: Any, body: bytes) -> tuple[str, Any]:
    try:
        return "ok", reader(body)
    except Exception as exc:
        return "error", (type(exc), str(exc))


def stdlib(body: bytes) -> Any:
    return xmlrpc.client.loads(body, use_builtin_types=True)


def same(left: tuple[str, Any], right: tuple[str, Any]) -> bool:
    """Equal, NaN included (a NaN never equals itself)."""
    return repr(left) == repr(right)


@pytest.mark.parametrize("seed", range(40))
def test_random_calls_read_as_the_stdlib_reads_them(seed: int) -> None:
    rng = random.Random(seed)
    fast = 0
    for _ in range(40):
        body = call(rng)
        assert same(read(loads_call, body), read(stdlib, body)), body
        fast += read(_fast, body)[0] == "ok"
    assert fast >= 5, "the fast path read too few of the calls to prove anything"


@pytest.mark.parametrize("seed", range(40))
def test_damaged_calls_read_or_fail_as_with_the_stdlib(seed: int) -> None:
    rng = random.Random(5000 + seed)
    for _ in range(40):
        body = damaged(rng, call(rng))
        assert same(read(loads_call, body), read(stdlib, body)), body


def test_the_fast_path_reads_the_layout_of_dumps() -> None:
    params = ("db", 2, "pw", "ir.config_parameter", "search_read", [[["id", "in", list(range(4, 504))]]],
              {"fields": ["key", "value"], "context": {"lang": "en_US", "active_test": False}, "x": [True, 1.5, ""],
               "markup": "a&b<c>d"})
    body = xmlrpc.client.dumps(params, "execute_kw").encode("utf-8")
    assert _fast(body) == stdlib(body) == (params[:5] + tuple(params[5:]), "execute_kw")
    assert _fast(xmlrpc.client.dumps((), "version").encode()) == ((), "version")


def test_requests_off_the_layout_are_left_to_the_stdlib() -> None:
    odd = [b"", b"not xml", b"<?xml version='1.0'?>\n<methodCall>\n<methodName>x</methodName>\n<params>\n</params>\n",
           b"<?xml version='1.0'?>\n<methodCall>\n<methodName>x</methodName>\n<params>\n<param>\n"
           b"<value><string>\x01</string></value>\n</param>\n</params>\n</methodCall>\n",
           b"<?xml version='1.0'?>\n<methodCall>\n<methodName>x</methodName>\n<params>\n<param>\n"
           b"<value><base64>\nYQ==\n</base64></value>\n</param>\n</params>\n</methodCall>\n",
           b"<?xml version='1.0'?>\n<methodCall>\n<methodName>x</methodName>\n<params>\n<param>\n"
           b"<value><int>1</int></value>\n<value><int>2</int></value>\n</param>\n</params>\n</methodCall>\n"]
    for body in odd:
        with pytest.raises(Exception):  # noqa: B017 - whatever the fast path raises, it hands over
            _fast(body)
        assert same(read(loads_call, body), read(stdlib, body)), body
