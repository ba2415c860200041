"""Shared fixtures of the stand-in's tests: a demo server and a call helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.sandbox.service import SandboxServer

DB = "harmonizer_demo"
REFERENCE = Path(__file__).parents[2].parent / "shared" / "odoo-reference"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SandboxServer]:
    srv = SandboxServer(tmp_path / "home", "17.0")
    srv.ensure_database(DB)
    yield srv
    srv.close()


Call = Callable[..., Any]


@pytest.fixture
def call(server: SandboxServer) -> Call:
    """``call(model, method, *args, uid=2, password="admin", **kwargs)`` through execute_kw."""

    def run(model: str, method: str, *args: Any, uid: int = 2, password: str = "admin", **kwargs: Any) -> Any:
        return server.dispatch("object", "execute_kw", [DB, uid, password, model, method, list(args), kwargs])
    return run
