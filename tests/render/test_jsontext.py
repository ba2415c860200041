"""``jsontext.dumps`` writes exactly what ``json.dumps(value, indent=2)`` writes."""

from __future__ import annotations

import enum
import json
import random
from typing import Any

import pytest

from harmonizer.render.jsontext import dumps

TEXTS = ["", "a", "é", "€", "\n", '"', "\\", "\u2028", "\x00", "ü漢", " ", "}"]


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


def random_value(rnd: random.Random, depth: int = 0) -> Any:
    choice = rnd.randint(0, 11 if depth < 4 else 7)
    if choice == 0:
        return rnd.randint(-10**20, 10**20)
    if choice == 1:
        return rnd.choice([0.1, -0.0, 1e300, 1.5e-7, float("nan"), float("inf"), -float("inf"), 3.0])
    if choice == 2:
        return rnd.choice([True, False, None])
    if choice == 3:
        return rnd.choice([Colour.RED, Level.HIGH])
    if choice in (4, 5, 6, 7):
        return "".join(rnd.choice(TEXTS) for _ in range(rnd.randint(0, 4)))
    if choice in (8, 9):
        items = [random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
        return tuple(items) if rnd.random() < 0.2 else items
    keys = ["k", "é", 1, 2.5, True, None, "", '"']
    return {rnd.choice(keys) if rnd.random() < 0.3 else f"key{i}": random_value(rnd, depth + 1)
            for i in range(rnd.randint(0, 5))}


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_random_values_are_written_as_json_dumps_writes_them(ensure_ascii: bool) -> None:
    rnd = random.Random(13)
    for _ in range(1500):
        value = random_value(rnd)
        assert dumps(value, ensure_ascii=ensure_ascii) == json.dumps(value, indent=2, ensure_ascii=ensure_ascii)


def test_values_json_cannot_write_use_default_or_fail_the_same_way() -> None:
    value = {"ids": {3, 1, 2}, "nested": [{"when": object}]}
    with pytest.raises(TypeError) as ours:
        dumps(value)
    with pytest.raises(TypeError) as theirs:
        json.dumps(value, indent=2)
    assert str(ours.value) == str(theirs.value)

    def default(item: Any) -> Any:
        return sorted(item) if isinstance(item, set) else repr(item)

    assert dumps(value, default=default) == json.dumps(value, indent=2, default=default)
    with pytest.raises(TypeError):
        dumps({("a", "tuple"): "key"})


def test_containers_met_again_are_written_as_json_dumps_writes_them() -> None:
    """A list or dict held in several places (at one depth or at several) is written once per
    depth and reused: the text is still exactly ``json.dumps``'s."""
    rnd = random.Random(31)
    for _ in range(300):
        shared = [random_value(rnd) for _ in range(3)]
        entry = {"k": shared, "v": random_value(rnd)}
        value = {"a": shared, "b": [shared, {"c": shared, "d": [shared[0]] * 3}], "e": (shared, shared),
                 "f": [entry, entry, {"g": entry, "h": [entry]}]}
        assert dumps(value, ensure_ascii=False) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [{"a": [1, {"b": None}]}, [], {}, "text", 3, None, [[1], [1]], float("nan")])
def test_an_end_is_joined_in(value: Any) -> None:
    assert dumps(value, end="\n") == json.dumps(value, indent=2) + "\n"
