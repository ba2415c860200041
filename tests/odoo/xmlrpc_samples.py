"""XML-RPC answers for the decoder tests: random values as Python's marshaller writes them,
random damage, and outcomes to compare with ``xmlrpc.client.loads`` (values with their types)."""

from __future__ import annotations

import random
import re
import xmlrpc.client
from typing import Any

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


def damaged(body: bytes, rnd: random.Random) -> bytes:
    """``body`` with one random damage: bytes cut out, a tag dropped, doubled or renamed, a
    stray character, a closing tag swapped for another."""
    tags = [m.start() for m in re.finditer(b"<", body)]
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
