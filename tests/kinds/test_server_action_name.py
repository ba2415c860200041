"""Odoo computes a server action's name from other fields of the action (17.0-19.0): harmonizer
writes the name with any of them, or Odoo renames the action and the next plan is not empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harmonizer.kinds.registry import KINDS
from harmonizer.project import Harmonizer

DATA = Path(__file__).resolve().parents[2] / "harmonizer" / "coupling" / "data"


def _same_record_sources(fields: dict, name: str, seen: set[str] | None = None) -> set[str]:
    """The fields of the same record ``name`` is computed from, through computed intermediates."""
    seen = set() if seen is None else seen
    for dep in (fields.get(name) or {}).get("depends") or []:
        if "." in dep or dep in seen:
            continue
        seen.add(dep)
        _same_record_sources(fields, dep, seen)
    return seen


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_every_managed_field_the_name_is_computed_from_is_written_with_it(version: str) -> None:
    kind = KINDS["server_action"]
    major = int(version.split(".")[0])
    fields = json.loads((DATA / f"{version}.json").read_text())["models"]["ir.actions.server"]
    assert fields["name"]["store"] and not fields["name"]["readonly"]
    by_field = {m.field: m.key for m in kind.field_maps(major)}
    sources = {by_field[f] for f in _same_record_sources(fields, "name") if f in by_field}
    assert "activity_summary" in sources or major >= 19
    [group] = [g for g in kind.write_together if "name" in g]
    assert sources <= group, sorted(sources - group)


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
