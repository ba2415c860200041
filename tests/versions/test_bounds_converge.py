"""Every overridable variable of the shipped template at its minimum, then at its maximum
(first and last choice for a variable with choices), on every site (both sites of the shared
database too): apply converges on the stand-in of every Odoo version (verification after
apply finds nothing, the next plan is empty)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from versions_helpers import ENV, REPO, VERSIONS

from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

TEMPLATE = REPO / "site_templates" / "distribution-standard" / "template.yaml"


def bounded() -> dict[str, tuple[Any, Any]]:
    """Overridable variables with bounds, read from the template: name -> (min, max); a
    variable with choices goes from its first to its last choice."""
    variables = YAML(typ="safe").load(TEMPLATE.read_text(encoding="utf-8"))["variables"]
    out = {}
    for name, spec in variables.items():
        if spec.get("overridable") and "min" in spec and "max" in spec:
            out[name] = (spec["min"], spec["max"])
        elif spec.get("overridable") and spec.get("choices"):
            out[name] = (spec["choices"][0], spec["choices"][-1])
    return out


def _set_everywhere(root: Path, values: dict[str, Any]) -> None:
    yaml = YAML()
    for path in sorted((root / "sites").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        data.setdefault("variables", {}).update(values)
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)


def test_the_template_has_bounded_variables_to_walk() -> None:
    found = bounded()
    assert {"ground_rate", "regional_rate", "free_shipping_over", "express_margin", "po_approval_amount",
            "reception_steps", "delivery_steps"} <= set(found)
    assert all(low != high for low, high in found.values())


@pytest.mark.parametrize("end", ["min", "max"])
@pytest.mark.parametrize("version", VERSIONS)
def test_every_variable_at_its_bound_converges(make_project: Callable[..., Path], version: str, end: str) -> None:
    root = make_project(version)
    values = {name: bounds[0 if end == "min" else 1] for name, bounds in bounded().items()}
    _set_everywhere(root, values)
    app = Harmonizer(root, env=ENV)
    assert [str(e) for e in app.validate()] == []
    plan = app.plan(["all"])
    assert not plan.failures, plan.failures
    results = app.apply(plan)
    assert [(r.site, r.error) for r in results] == [(s.site, None) for s in plan.sites]
    assert all(r.result is not None and r.result.converged for r in results)
    again = Harmonizer(root, env=ENV).plan(["all"])
    assert [(s.site, c.address) for s in again.sites for c in s.changes if c.action is not Action.NOOP] == []
    # the carriers' prices really went to the bound (warehouse-3's sandbox history already
    # applied its site file, bounds included, when its database was seeded)
    prices = {(s.site, c.address): f.after for s in plan.sites for c in s.changes for f in c.fields
              if f.key == "fixed_price" and c.address in ("delivery_carrier.ground", "delivery_carrier.regional")}
    assert set(prices.values()) == {values["ground_rate"], values["regional_rate"]}
    assert {site for site, _address in prices} >= {"warehouse-1", "warehouse-2"}
