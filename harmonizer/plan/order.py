"""Ordering is a pure step: a stable topological sort with cycles reported by their path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class CycleError(ValueError):
    def __init__(self, path: list[str]) -> None:
        self.path = path
        super().__init__("dependency cycle: " + " -> ".join(path))


def topological(nodes: Iterable[str], edges: Mapping[str, Iterable[str]]) -> list[str]:
    """Order ``nodes`` so each comes after what it depends on (``edges[n]``), else keep input order.

    Dependencies outside ``nodes`` are ignored (they already exist or are someone else's).
    """
    order = list(nodes)
    known = set(order)
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    out: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            start = trail.index(node)
            raise CycleError([*trail[start:], node])
        state[node] = 1
        for dep in edges.get(node, ()):
            if dep in known:
                visit(dep, [*trail, node])
        state[node] = 2
        out.append(node)

    for node in order:
        if node not in state and not edges.get(node):  # what visit does for a node without dependencies
            state[node] = 2
            out.append(node)
        else:
            visit(node, [])
    return out
