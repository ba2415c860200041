"""Every call harmonizer makes carries ``lang: en_US`` in its context, on every protocol: names of
Odoo's own records (activity types, operation types, routes...) are translated, and a template
names them in English, so a site whose users speak French plans and writes the same as any other.
Checked on the request bytes the stand-in receives over HTTP (XML-RPC and JSON-RPC on 17.0,
JSON-2 with an API key on 19.0) through a plan, an apply and a doctor run."""

from __future__ import annotations

import json
import shutil
import xmlrpc.client
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from versions_helpers import ENV

from harmonizer.doctor import run_doctor
from harmonizer.project import Harmonizer
from harmonizer.sandbox.profile import SANDBOX_API_KEYS
from harmonizer.sandbox.serve import start
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire import WireApp
from harmonizer.sandbox.wire.protocol import HttpResponse


class Recording(WireApp):
    """The stand-in's wire app, keeping the (path, body) of every request."""

    def __init__(self, server: SandboxServer) -> None:
        super().__init__(server)
        self.requests: list[tuple[str, bytes]] = []

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> HttpResponse:
        self.requests.append((path, body))
        return super().handle(method, path, headers, body)


def _model_calls(requests: list[tuple[str, bytes]]) -> list[tuple[str, dict[str, Any]]]:
    """(model.method, context) of every model call, whatever the protocol."""
    out = []
    for path, body in requests:
        if path.startswith("/json/2/"):
            data = json.loads(body or b"{}")
            out.append((path.removeprefix("/json/2/"), data.get("context") or {}))
        elif path.startswith("/xmlrpc/2/object"):
            params, _method = xmlrpc.client.loads(body)
            kwargs = params[6] if len(params) > 6 else {}
            out.append((f"{params[3]}/{params[4]}", kwargs.get("context") or {}))
        elif path == "/jsonrpc":
            params = json.loads(body)["params"]
            if params.get("service") == "object":
                args = params["args"]
                kwargs = args[6] if len(args) > 6 else {}
                out.append((f"{args[3]}/{args[4]}", kwargs.get("context") or {}))
    return out


@pytest.mark.parametrize(("version", "protocol"), [("17.0", "xmlrpc"), ("17.0", "jsonrpc"), ("19.0", "json2")])
def test_every_call_carries_lang_en_us(make_project: Callable[..., Path], tmp_path: Path, version: str,
                                       protocol: str) -> None:
    server = SandboxServer(tmp_path / "odoo", version)
    server.ensure_database("harmonizer_east", fixture="demo-east")
    app_wire = Recording(server)
    root = make_project(version)
    for path in (root / "sites").iterdir():  # site files and their site-local resource folders
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    secret = SANDBOX_API_KEYS["admin"] if protocol == "json2" else "admin"
    with start(app_wire) as running:
        (root / "sites" / "remote.yaml").write_text(
            "template: distribution-standard\n"
            f"odoo:\n  url: http://127.0.0.1:{running.port}\n  database: harmonizer_east\n  login: admin\n"
            f"  password_env: REMOTE_SECRET\n  protocol: {protocol}\n"
            "scope:\n  company: Harmonia Distribution East\n  warehouse: WH3\n"
            "variables:\n  fast_mover_product: TL-WR12\n  fast_mover_vendor: Keller Werkzeuge GmbH\n"
            "  ground_service_product: SHIP-GROUND\n  express_service_product: SHIP-EXPRESS\n")
        app = Harmonizer(root, env={**ENV, "REMOTE_SECRET": secret})
        plan = app.plan(["remote"])
        assert not plan.failures, plan.failures
        assert all(r.ok for r in app.apply(plan))
        assert run_doctor(app, "remote").ok
    server.close()
    calls = _model_calls(app_wire.requests)
    assert len(calls) > 20 and any(name.endswith("/search_read") for name, _ in calls)
    assert any(name.endswith("/load") or name.endswith("/create") for name, _ in calls)  # writes too
    # res.users/context_get (JSON-2 login check) asks for the user context itself: no data
    without = sorted({name for name, context in calls if context.get("lang") != "en_US"} - {"res.users/context_get"})
    assert without == [], without
