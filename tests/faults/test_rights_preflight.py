"""The rights preflight: apply checks, before its first write, every access right the plan's
steps need (one ``check_access_rights`` per distinct model and operation) and refuses with
nothing written, naming what is missing. Shown with the stand-in's restricted Inventory user
(clerk), over XML-RPC on 17 and JSON-2 on 19."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import KEY_ENV, SITE, Scenario, inspect

from harmonizer.apply.rights import needed_rights
from harmonizer.plan.model import Plan
from harmonizer.project import Harmonizer
from harmonizer.sandbox.profile import SANDBOX_API_KEYS

WRITES = (".create", ".write", ".unlink", ".load")


def _as_clerk(scenario: Scenario) -> dict[str, str]:
    path = scenario.root / "sites" / f"{SITE}.yaml"
    path.write_text(path.read_text().replace("login: admin", "login: clerk"))
    env = dict(scenario.env)
    if KEY_ENV in env:
        env[KEY_ENV] = SANDBOX_API_KEYS["clerk"]
    return env


@pytest.mark.parametrize("version_key", ["17", "19"])
def test_apply_as_the_inventory_clerk_is_refused_with_nothing_written(
        fault_session: Callable[[str, str], Scenario], version_key: str, tmp_path: Path) -> None:
    scenario = fault_session(version_key, "first")
    levers = scenario.reset([])
    before, _ = inspect(scenario.server)
    saved = tmp_path / "plan.json"
    made = scenario.cli("plan", f"site={SITE}", "--out", str(saved))
    assert made.code == 0, made.output
    original = (scenario.root / "sites" / f"{SITE}.yaml").read_text()
    try:
        scenario.env, admin_env = _as_clerk(scenario), scenario.env
        first_call = levers.calls + 1
        refused = scenario.cli("apply", str(saved), "--auto-approve")
    finally:
        (scenario.root / "sites" / f"{SITE}.yaml").write_text(original)
        scenario.env = admin_env
    assert refused.code == 1, refused.output
    assert "Traceback" not in refused.output
    assert "lacks access rights this plan needs" in refused.output and "nothing was written" in refused.output
    # Named, model by model: what Odoo's own check denies the clerk.
    for missing in ("create base.automation", "create ir.config_parameter", "write res.company",
                    "write stock.warehouse", "create stock.route"):
        assert missing in refused.output, missing
    sent = [levers.log[n] for n in range(first_call, levers.calls + 1) if n in levers.log]
    assert not [label for label in sent if label.endswith(WRITES)], sent
    checks = [label for label in sent if label.endswith(".check_access_rights")]
    # one check per distinct (model, operation) of the plan, not per step or record
    plan = Plan.from_dict(json.loads(saved.read_text())).sites[0]
    assert len(checks) == len(needed_rights(plan, 17)) < len(plan.pending)
    after, integrity = inspect(scenario.server)
    assert after == before and not integrity.locks


def test_what_the_shipped_template_needs(fault_session: Callable[[str, str], Scenario]) -> None:
    scenario = fault_session("17", "first")
    scenario.reset([])
    plan = Harmonizer(scenario.root, env=scenario.env).plan([SITE]).sites[0]
    needed = needed_rights(plan, 17)
    assert len(needed) == len(set(needed))
    assert ("ir.config_parameter", "create") in needed and ("ir.config_parameter", "unlink") in needed
    assert ("base.automation", "create") in needed and ("res.company", "write") in needed
    # delivery carriers get their x2many links written right after their load
    assert ("delivery.carrier", "write") in needed
    assert not [pair for pair in needed if pair[1] == "unlink" and pair[0] != "ir.config_parameter"]


def test_a_delete_needs_the_unlink_right_of_what_odoo_leaves_behind(
        fault_session: Callable[[str, str], Scenario]) -> None:
    scenario = fault_session("17", "delete")
    scenario.reset([])
    plan = Harmonizer(scenario.root, env=scenario.env).plan([SITE]).sites[0]
    needed = needed_rights(plan, 17)
    assert ("stock.route", "unlink") in needed and ("delivery.carrier", "unlink") in needed
