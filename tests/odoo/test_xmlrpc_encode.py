"""The fast XML-RPC request writer gives exactly what ``xmlrpc.client.dumps`` gives."""

from __future__ import annotations

import datetime as dt
import random
import xmlrpc.client
from typing import Any

import pytest
from xmlrpc_samples import random_value

from harmonizer.odoo.xmlrpc_encode import dumps


def standard(params: tuple[Any, ...], method: str) -> tuple[str, ...]:
    try:
        return ("ok", xmlrpc.client.dumps(params, methodname=method, allow_none=True, encoding="utf-8"))
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def fast(params: tuple[Any, ...], method: str) -> tuple[str, ...]:
    try:
        return ("ok", dumps(params, method))
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def test_random_arguments_are_written_as_the_standard_library_writes_them() -> None:
    rnd = random.Random(41)
    for _ in range(2000):
        params = tuple(random_value(rnd) for _ in range(rnd.randint(0, 7)))
        assert fast(params, "execute_kw") == standard(params, "execute_kw")


def test_a_read_s_arguments() -> None:
    params = ("db", 2, "secret <&>", "ir.config_parameter", "search_read",
              [[("id", "in", list(range(4, 504))), ("key", "=", "a&b")]],
              {"fields": ["key", "value"], "context": {"active_test": False}, "limit": 0, "ratio": 0.5})
    assert fast(params, "execute_kw") == standard(params, "execute_kw")


class _Text(str):
    pass


class _Record:
    def __init__(self) -> None:
        self.a = 1


@pytest.mark.parametrize("value", [
    2**31, -2**31 - 1, [1, 2**40], b"bytes", bytearray(b"x"), dt.datetime(2026, 1, 2, 3, 4, 5),
    xmlrpc.client.DateTime("20260101T00:00:00"), xmlrpc.client.Binary(b"x"), _Text("sub"), [_Text("sub")],
    {1: "key"}, {"a": {2: 3}}, _Record(), object(), {"x": (1, None, True, -0.0, float("inf"))},
])
def test_anything_else_is_written_or_refused_by_the_standard_library(value: Any) -> None:
    assert fast((value,), "call") == standard((value,), "call")


def test_deep_and_recursive_containers() -> None:
    deep: Any = 1
    for _ in range(100):
        deep = [deep]
    assert fast((deep,), "call") == standard((deep,), "call")
    loop: list[Any] = []
    loop.append(loop)
    assert fast((loop,), "call") == standard((loop,), "call")
    assert standard((loop,), "call")[0] == "error"
