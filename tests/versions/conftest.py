"""Fixtures of the per-version tests (helpers in ``versions_helpers``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from versions_helpers import copy_project

from harmonizer.odoo import sandbox_link

SANDBOX_DATABASES = ("harmonizer_demo", "harmonizer_east")


def _forget() -> None:
    """In-process stand-ins are cached per (name, home, version): forget this test's."""
    for name in SANDBOX_DATABASES:
        sandbox_link.unregister_sandbox(name)


@pytest.fixture()
def make_project(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """``make_project("18.0")``: the repository's templates and sites on sandbox sites of 18.0."""

    def make(version: str, name: str = "project") -> Path:
        return copy_project(tmp_path / name, version)

    _forget()
    yield make
    _forget()
