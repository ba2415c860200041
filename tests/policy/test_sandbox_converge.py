"""The governance example, compiled for each sandbox site, converges on the stand-in.

The stand-in stores automation code but never runs it (it runs the record rules that schedule
activities, ``harmonizer.sandbox.automations``; the live suite proves
behaviour on a real Odoo 17): here the point is that every compiled record is accepted,
read back as written (plan after apply is empty), and that sites sharing a database
compile identical database-level records.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from harmonizer.odoo import sandbox_link
from harmonizer.policy import compile_blocks
from harmonizer.project import Harmonizer
from tests.policy.helpers import EXAMPLE, context, render, site_values

SITES = {  # site -> (database, company, overrides)
    "warehouse-1": ("harmonizer_demo", "Harmonia Distribution West", "{po_approval_amount: 7500}"),
    "warehouse-2": ("harmonizer_demo", "Harmonia Distribution Central", "{}"),
    "warehouse-3": ("harmonizer_east", "Harmonia Distribution East", "{max_discount_percent: 10}"),
}


def _compiled(site: str, company: str, overrides: str) -> dict[str, dict[str, Any]]:
    values, errors = site_values(overrides)
    assert not errors
    blocks, locations, nodes = render(EXAMPLE.read_text(), values, site=site, company=company)
    out: dict[str, dict[str, Any]] = {}
    for resource in compile_blocks(blocks, context(site, company), locations, nodes):
        out.setdefault(resource.kind, {})[resource.name] = dict(resource.body)
    return out


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "sandbox.yaml").write_text("databases:\n  harmonizer_demo:\n    fixture: demo\n"
                                           "  harmonizer_east:\n    fixture: demo-east\n")
    (tmp_path / "sites").mkdir()
    for site, (database, company, overrides) in SITES.items():
        # One template per site: the compiled records are the site's own rendering.
        name = f"policy-{site}"
        folder = tmp_path / "site_templates" / name
        folder.mkdir(parents=True)
        (folder / "template.yaml").write_text(f'name: {name}\nversion: "1.0.0"\nvariables: {{}}\n')
        text = StringIO()
        YAML().dump(_compiled(site, company, overrides), text)
        (folder / "governance.yaml").write_text(text.getvalue())
        (tmp_path / "sites" / f"{site}.yaml").write_text(
            f"template: {name}\nodoo:\n  url: sandbox://{database}\nscope:\n  company: {company}\n")
    yield tmp_path
    for database in ("harmonizer_demo", "harmonizer_east"):
        sandbox_link.unregister_sandbox(database)


def test_compiled_governance_converges_on_every_sandbox_site(project: Path) -> None:
    harmonizer = Harmonizer(project, env={})
    for site in SITES:
        plan = harmonizer.plan([site])
        assert not plan.failures, plan.failures
        results = harmonizer.apply(plan)
        assert results[0].ok, results[0].error
    again = harmonizer.plan(["all"])
    assert not again.failures, again.failures
    assert not again.has_changes, [(s.site, c.address) for s in again.sites for c in s.pending]


def test_sites_sharing_a_database_compile_the_same_database_records() -> None:
    one = _compiled("warehouse-1", "Harmonia Distribution West", "{po_approval_amount: 7500}")
    two = _compiled("warehouse-2", "Harmonia Distribution Central", "{}")
    assert one.pop("company_settings") != two.pop("company_settings")
    assert one == two
