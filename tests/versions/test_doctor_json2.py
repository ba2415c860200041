"""``harmonizer doctor`` over Odoo 19's JSON-2 API with an API key, on the 19.0 stand-in.

Real 19.0 binds a JSON-2 body to the method's signature: ``check_access_rights`` is a
model-level method, so an operation sent as the first positional argument lands in ``ids``
and Odoo answers HTTP 422 "cannot call <model>.check_access_rights with ids"
(``odoo-reference/19.0/README.md``). The stand-in refuses it the same way; doctor sends the
operation by keyword.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from test_version_json2 import KEY_ENV, _json2_sites
from versions_helpers import ENV

from harmonizer.cli import main
from harmonizer.sandbox.profile import SANDBOX_API_KEYS
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire import WireApp


def test_doctor_is_ready_over_json2_with_an_api_key(make_project: Callable[..., Path]) -> None:
    root = make_project("19.0")
    _json2_sites(root)
    env = {**ENV, KEY_ENV: SANDBOX_API_KEYS["admin"]}
    result = CliRunner().invoke(main, ["--project", str(root), "doctor", "site=warehouse-1"], env=env)
    assert result.exit_code == 0, result.output
    assert "[ok] access rights: read/write as needed" in result.output
    assert "=> ready" in result.output and "NOT ready" not in result.output


def test_doctor_over_json2_reports_a_restricted_key(make_project: Callable[..., Path]) -> None:
    root = make_project("19.0")
    _json2_sites(root)
    env = {**ENV, KEY_ENV: SANDBOX_API_KEYS["clerk"]}
    result = CliRunner().invoke(main, ["--project", str(root), "doctor", "site=warehouse-1"], env=env)
    assert result.exit_code == 1, result.output
    assert "[FAIL] access rights: missing: " in result.output and "create base.automation" in result.output


def test_json2_check_access_rights_binds_like_real_19(tmp_path: Path) -> None:
    server = SandboxServer(tmp_path / "home", "19.0")
    server.ensure_database("harmonizer_demo")
    app = WireApp(server)

    def post(body: dict[str, Any], method: str = "check_access_rights") -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {SANDBOX_API_KEYS['admin']}", "Content-Type": "application/json"}
        answer = app.handle("POST", f"/json/2/base.automation/{method}", headers, json.dumps(body).encode())
        return answer.status, json.loads(answer.body)

    try:
        for refused in ({"ids": "read"}, {"ids": [1], "operation": "read"}):
            status, error = post(refused)
            assert (status, error["message"]) == (422, "cannot call base.automation.check_access_rights with ids")
        assert post({"operation": "read", "raise_exception": False}) == (200, True)
        assert post({"ids": [], "operation": "read"}) == (200, True)
        # every model-level method takes an empty ``ids`` (a non-empty one is refused)
        assert post({"ids": [], "domain": []}, "search_count")[0] == 200
        assert post({"ids": [1], "domain": []}, "search_count")[0] == 422
    finally:
        server.close()
