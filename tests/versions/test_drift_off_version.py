"""Drift leaves out what does not exist on the site's Odoo version: a converged site has no
failing resource on any version (real 18.0 used to report the template's <18.0 resources,
e.g. the invoice hold and its event, as ``missing``; 16.0 its webhooks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from versions_helpers import ENV

from harmonizer.drift.run import run_drift
from harmonizer.project import Harmonizer


@pytest.mark.parametrize("version", ["16.0", "18.0"])
def test_a_converged_site_has_no_drift_for_what_its_version_lacks(make_project: Callable[..., Path],
                                                                  version: str) -> None:
    root = make_project(version)
    app = Harmonizer(root, env=ENV)
    plan = app.plan(["warehouse-1"])
    off = {c.address for c in plan.sites[0].changes if c.reason and c.reason.startswith(f"not on Odoo {version}")}
    assert off  # the shipped template declares resources this version lacks
    assert all(result.ok for result in app.apply(plan))
    report = run_drift(Harmonizer(root, env=ENV), ["warehouse-1"])
    assert not report.has_errors, [(s.site, s.error) for s in report.sites]
    [site] = report.sites
    assert not {r.address for r in site.resources} & off
    assert [(r.address, r.cls.value) for r in site.resources if r.cls.failing and r.area != "access"] == []
