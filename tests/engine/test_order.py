from __future__ import annotations

import pytest

from harmonizer.plan.order import CycleError, topological


def test_dependencies_come_first_and_input_order_is_kept_otherwise() -> None:
    order = topological(["automation.x", "param.p", "action.a"], {"automation.x": ["action.a"]})
    assert order == ["action.a", "automation.x", "param.p"]


def test_outside_dependencies_are_ignored() -> None:
    assert topological(["a"], {"a": ["elsewhere"]}) == ["a"]


def test_cycles_are_reported_with_their_path() -> None:
    with pytest.raises(CycleError, match="a -> b -> a"):
        topological(["a", "b"], {"a": ["b"], "b": ["a"]})
