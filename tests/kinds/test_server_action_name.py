"""Odoo computes a server action's name from other fields of the action (17.0-19.0): harmonizer
writes the name with any of them, or Odoo renames the action and the next plan is not empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harmonizer.kinds.registry import KINDS
from harmonizer.project import Harmonizer

DATA = Path(__file__).resolve().parents[2] / "harmonizer" / "coupling" / "data"


def _direct_and_indirect(fields: dict, name: str, managed: set[str]) -> tuple[set[str], set[str]]:
    """The same-record fields ``name`` depends on directly, and those it reaches through a computed
    field harmonizer does not write (Odoo recomputes that one after the write, so writing the name
    with its sources cannot keep the name)."""
    direct = {d for d in (fields.get(name) or {}).get("depends") or [] if "." not in d}
    indirect: set[str] = set()
    todo = [d for d in direct if (fields.get(d) or {}).get("depends") and d not in managed]
    while todo:
        for dep in (fields.get(todo.pop()) or {}).get("depends") or []:
            if "." not in dep and dep not in indirect:
                indirect.add(dep)
                if (fields.get(dep) or {}).get("depends") and dep not in managed:
                    todo.append(dep)
    return direct, indirect


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_the_name_is_written_with_what_it_is_computed_from_directly(version: str) -> None:
    kind = KINDS["server_action"]
    major = int(version.split(".")[0])
    fields = json.loads((DATA / f"{version}.json").read_text())["models"]["ir.actions.server"]
    assert fields["name"]["store"] and not fields["name"]["readonly"]
    by_field = {m.field: m.key for m in kind.field_maps(major)}
    direct, indirect = _direct_and_indirect(fields, "name", set(by_field))
    carried = {by_field[f] for f in direct - indirect if f in by_field}
    assert "activity_summary" in carried or major >= 19
    [group] = [g for g in kind.write_together if "name" in g]
    assert carried <= group, sorted(carried - group)
    # type (state), model and update path feed crud_model_id/update_field_id: never carried
    assert not {by_field[f] for f in indirect if f in by_field} & group


def test_a_summary_change_plans_the_name_with_it(project: Path, app: Harmonizer) -> None:
    """The escalation's summary names its hours; its name does not: the update writes both."""
    assert app.apply(app.plan(["warehouse-1"]))[0].ok
    site = project / "sites" / "warehouse-1.yaml"
    assert site.read_text().rstrip().splitlines()[-1].startswith("  ")  # variables come last
    site.write_text(site.read_text().rstrip() + "\n  approval_escalation_hours: 120\n")
    moved = Harmonizer(project, env={})
    plan = moved.plan(["warehouse-1"])
    changes = {c.address: c for c in plan.sites[0].pending}
    written = {f.key: f for f in changes["server_action.escalation_large_order_stalled"].fields}
    assert "120 hour(s)" in written["activity_summary"].after
    assert written["name"].carried and written["name"].after == written["name"].before
    assert moved.apply(plan)[0].ok
    assert not moved.plan(["warehouse-1"]).has_changes
