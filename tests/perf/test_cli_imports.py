"""The CLI imports lazily: a command loads only what it runs (``harmonizer --help`` no engine,
``validate`` no Odoo client). Checked in a fresh interpreter, by the modules it loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENGINE = ("harmonizer.project", "harmonizer.config", "harmonizer.kinds.registry", "harmonizer.odoo.session",
          "pydantic", "jinja2", "ruamel.yaml", "odoolib", "httpx", "rich")
#: (httpx may be in sys.modules as ``odoo.deferred``'s stand-in: odoolib absent says it was not used)
ODOO_CLIENT = ("harmonizer.odoo.session", "harmonizer.apply.executor", "harmonizer.plan.planner", "odoolib",
               "rich")

PROBE = """
import json, sys
from click.testing import CliRunner
from harmonizer.cli import main
result = CliRunner().invoke(main, json.loads(sys.argv[1]))
print(json.dumps({"exit": result.exit_code, "output": result.output,
                  "loaded": sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)}))
"""


def loaded_by(args: list[str], watched: tuple[str, ...], cwd: Path) -> dict:  # type: ignore[type-arg]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("HARMONIZER_PROJECT", None)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(watched)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("args", [["--help"], ["plan", "--help"], ["drift", "--help"], ["sandbox", "--help"]])
def test_help_loads_no_engine(args: list[str], tmp_path: Path) -> None:
    found = loaded_by(args, ENGINE, tmp_path)
    assert found["exit"] == 0 and "Usage:" in found["output"]
    assert found["loaded"] == []


def test_validate_loads_no_odoo_client(project: Path) -> None:
    found = loaded_by(["validate"], (*ODOO_CLIENT, "harmonizer.config"), project)
    assert found["exit"] == 0 and found["output"].startswith("OK:"), found
    assert found["loaded"] == ["harmonizer.config"]


def test_jinja_is_loaded_only_for_a_scalar_that_needs_it(project: Path) -> None:
    # the shipped template's scalars are text and {{ name.key }} lookups (config.scalars)
    found = loaded_by(["validate"], ("jinja2", "harmonizer.config.jinjatext"), project)
    assert found["exit"] == 0 and found["loaded"] == [], found
    (project / "site_templates" / "distribution-standard" / "filtered.yaml").write_text(
        "system_parameter:\n  shouted_company:\n    key: harmonizer.shouted\n"
        "    value: \"{{ template.name | upper }}\"\n", encoding="utf-8")
    found = loaded_by(["validate"], ("jinja2", "harmonizer.config.jinjatext"), project)
    assert found["exit"] == 0 and found["loaded"] == ["harmonizer.config.jinjatext", "jinja2"], found


DRIFT_PROBE = """
import json, sys
from click.testing import CliRunner
from harmonizer.cli import main
from harmonizer.odoo.deferred import is_deferred
result = CliRunner().invoke(main, ["drift", "site=warehouse-3", "--format", "json", "--no-progress"])
deferred, rich = is_deferred("httpx"), "rich" in sys.modules
import odoolib.tools
usable = callable(odoolib.tools.httpx.post)  # the first use imports the real module
print(json.dumps({"exit": result.exit_code, "rich": rich, "deferred": deferred,
                  "usable": usable, "real": not is_deferred("httpx")}))
"""


def test_a_json_drift_loads_neither_rich_nor_httpx_until_used(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("HARMONIZER_PROJECT", None)
    done = subprocess.run([sys.executable, "-c", DRIFT_PROBE], cwd=project, env=env, capture_output=True, text=True,
                          check=True)
    found = json.loads(done.stdout.splitlines()[-1])
    assert found == {"exit": 2, "rich": False, "deferred": True, "usable": True, "real": True}, done.stderr[-500:]
