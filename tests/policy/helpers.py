"""Test helpers: render a policy YAML file with template variables the way config renders bodies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harmonizer.config.render import BodyRenderer, RenderContext
from harmonizer.config.variables import Variable, parse_variables, site_overrides
from harmonizer.config.yamlio import parse_yaml, plain
from harmonizer.errors import ConfigError, Location

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "governance.yaml"
EXAMPLE_VARIABLES = REPO / "docs" / "examples" / "governance-variables.yaml"

#: The distribution-standard variables the example reuses (as that template declares them).
BASE_VARIABLES = """
po_approval_amount: {type: float, default: 5000, min: 1000, max: 25000, overridable: true}
po_double_validation: {type: string, default: two_step, choices: [one_step, two_step]}
credit_limit_enforced: {type: bool, default: true}
order_review_threshold: {type: int, default: 25000, min: 5000, max: 100000}
n8n_base_url: {type: string, default: "https://n8n.harmonia.example/webhook", pattern: "^https://\\\\S+$"}
n8n_token: {type: secret, env: HARMONIZER_N8N_TOKEN, required: false}
"""


def variables() -> dict[str, Variable]:
    base = "".join(f"  {line}\n" for line in BASE_VARIABLES.strip().splitlines())
    text = EXAMPLE_VARIABLES.read_text().replace("\nvariables:\n", "\nvariables:\n" + base, 1)
    found, errors = parse_variables(parse_yaml(text, "template.yaml")["variables"], "template.yaml")
    assert not errors, errors
    return found


def site_values(overrides: str = "{}") -> tuple[dict[str, Any], list[ConfigError]]:
    """Every variable's value for a site writing ``overrides`` (YAML), and the site's errors."""
    declared = variables()
    values, _, errors = site_overrides(declared, parse_yaml(overrides, "sites/x.yaml"), "sites/x.yaml",
                                       "distribution-standard")
    out = {name: var.default for name, var in declared.items() if not var.is_secret}
    out.update(values)
    return out, errors


def render(text: str, values: dict[str, Any], *, site: str = "wh1", company: str = "Harmonia West",
           secrets: dict[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Location], dict[str, Any]]:
    """(rendered blocks, location of each block key, round-trip nodes) of a policy file."""
    node = parse_yaml(text, "governance.yaml")
    secrets = {"n8n_token": "", **(secrets or {})}  # an unset optional secret renders as ""
    context = RenderContext(values={**values, **secrets}, site={"name": site, "company": company, "tags": []},
                            template={"name": "distribution-standard", "version": "1.1.0"},
                            secret_names=frozenset(secrets))
    renderer = BodyRenderer(context)

    def walk(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        return renderer.render_string(item, set()) if isinstance(item, str) else plain(item)

    blocks = {key: walk(node[key]) for key in node}
    locations = {key: Location("governance.yaml", node.lc.key(key)[0] + 1) for key in node}
    return blocks, locations, {key: node[key] for key in node}


def context(site: str = "wh1", company: str = "Harmonia West") -> dict[str, Any]:
    return {"site": {"name": site, "company": company, "tags": []},
            "template": {"name": "distribution-standard", "version": "1.1.0"}}
