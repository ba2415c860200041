"""``ByIdentity``: a small cache of what is derived from an immutable object, by that object's
identity (rendered desired states are frozen but hold mappings, so they are not hashable).

An entry keeps its object alive, so an id is never reused while its entry exists; the cache
holds at most ``size`` entries (least recently used first out). A project renders each site
once per run (``config.project``), so its derived data is computed once per run too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ByIdentity(Generic[T]):
    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, Hashable], tuple[Any, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, obj: Any, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` for (``obj``, ``key``), once while its entry is kept."""
        slot = (id(obj), key)
        with self._lock:
            found = self._entries.get(slot)
            if found is not None and found[0] is obj:
                self._entries.move_to_end(slot)
                return found[1]
        value = compute()
        with self._lock:
            self._entries[slot] = (obj, value)
            self._entries.move_to_end(slot)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def beside(obj: Any, name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` kept in ``obj``'s own ``__dict__`` under ``name`` and ``key``: derived data
    of a frozen object (a rendered resource) whose equality and ``replace`` ignore it, shared by
    everyone holding the object. Computed every time for an object without ``__dict__``."""
    memo = getattr(obj, "__dict__", None)
    if memo is None:
        return compute()
    table = memo.setdefault(name, {})
    if key in table:
        return table[key]  # type: ignore[no-any-return]
    value = table[key] = compute()
    return value
