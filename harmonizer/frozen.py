"""A faster ``__init__`` for the frozen dataclasses built per record on the hot path.

A frozen dataclass's generated ``__init__`` stores each field through ``object.__setattr__``
(the class's own ``__setattr__`` refuses): a call per field, several microseconds for a
change or a drift entry of fifteen fields, built hundreds of times per site. ``quick_init``
replaces it by one that fills the instance's ``__dict__`` in one step. The instance is the
same (same fields in the same order, defaults and default factories applied alike); the
class stays frozen for everybody else. Rules:

- Only a plain frozen dataclass qualifies: no ``__slots__``, no ``__post_init__``, every field
  in ``__init__``, none keyword-only and none a descriptor on the class; anything else is
  refused at import (``TypeError``), never silently handled otherwise.
- The generated ``__init__`` is kept as ``__dataclass_init__`` (``tests/engine/test_frozen.py``
  compares both).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_MISSING_ARG = object()


def quick_init(cls: type[T]) -> type[T]:
    """``cls`` (a frozen dataclass) with the one-step ``__init__`` described above."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or not params.init:
        raise TypeError(f"quick_init: {cls.__name__} is not a frozen dataclass with an __init__")
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__name__} has __slots__ or __post_init__")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"_MISSING_ARG": _MISSING_ARG}
    args, lines = [], []
    for f in fields:
        if not f.init or f.kw_only or (hasattr(cls, f.name) and hasattr(getattr(cls, f.name), "__set__")):
            raise TypeError(f"quick_init: field {cls.__name__}.{f.name} is not a plain init field")
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{f.name}"] = f.default
            args.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            args.append(f"{f.name}=_MISSING_ARG")
            lines.append(f"    if {f.name} is _MISSING_ARG:\n        {f.name} = _factory_{f.name}()\n")
        else:
            args.append(f.name)
    items = ", ".join(f"{f.name!r}: {f.name}" for f in fields)
    source = (f"def __init__(self, {', '.join(args)}):\n" + "".join(lines)
              + f"    self.__dict__.update({{{items}}})\n")
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__  # type: ignore[misc]
    cls.__dataclass_init__ = cls.__init__  # type: ignore[attr-defined,misc]
    cls.__init__ = init  # type: ignore[misc]
    return cls
