"""``quick_init``: the same instances as the dataclass's own ``__init__``, and refusals of what
it does not handle."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

from harmonizer.drift.model import DriftClass, FieldDrift, ResourceDrift
from harmonizer.frozen import quick_init
from harmonizer.plan.live import OwnedRecord
from harmonizer.plan.model import Action, Change, FieldChange


def _values(cls: type, seed: int) -> dict[str, Any]:
    """Distinct values for each field (defaults left out for every other field)."""
    out: dict[str, Any] = {}
    for index, f in enumerate(dataclasses.fields(cls)):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required or (index + seed) % 2:
            out[f.name] = (f.name, seed, index)
    return out


@pytest.mark.parametrize("cls", [Change, FieldChange, FieldDrift, ResourceDrift, OwnedRecord])
@pytest.mark.parametrize("seed", [0, 1])
def test_instances_equal_the_dataclass_init_s(cls: type, seed: int) -> None:
    values = _values(cls, seed)
    quick = cls(**values)
    plain = object.__new__(cls)
    cls.__dataclass_init__(plain, **values)  # type: ignore[attr-defined]
    assert quick == plain
    assert list(quick.__dict__.items()) == list(plain.__dict__.items())
    positional = cls(*[getattr(plain, f.name) for f in dataclasses.fields(cls)])
    assert positional == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.address = "x"  # type: ignore[misc]
    assert dataclasses.replace(quick, **{dataclasses.fields(cls)[0].name: "other"}) != quick


def test_default_factories_give_each_instance_its_own_value() -> None:
    first = Change("a.b", "k", "m", Action.NOOP, None, None)
    second = Change("a.b", "k", "m", Action.NOOP, None, None)
    assert first.create_extras == {} and first.create_extras is not second.create_extras
    assert ResourceDrift("a.b", "k", "area", "m", DriftClass.STANDARD).fields == ()


def test_what_it_does_not_handle_is_refused() -> None:
    @dataclass
    class Mutable:
        x: int

    @dataclass(frozen=True)
    class Posted:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True)
    class KeywordOnly:
        x: int = field(kw_only=True)

    for cls in (Mutable, Posted, KeywordOnly):
        with pytest.raises(TypeError):
            quick_init(cls)
