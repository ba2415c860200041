"""Fixtures for the Odoo client tests (helpers live in ``odoo_fakes``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from odoo_fakes import Responder, ScriptedServer


@pytest.fixture
def scripted() -> Iterator[Callable[[Responder], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def make(responder: Responder) -> ScriptedServer:
        server = ScriptedServer(responder).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
