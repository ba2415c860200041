"""Rendering desired state (``harmonizer render``): YAML or JSON, secrets redacted."""

from __future__ import annotations

import io
import json
from typing import Any

from ruamel.yaml import YAML

from harmonizer.model import DesiredState
from harmonizer.plan.model import REDACTED


def desired_to_dict(state: DesiredState) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for resource in state:
        body = {k: (REDACTED if k in resource.secret_keys else v) for k, v in resource.body.items()}
        resources[resource.address] = {"source": str(resource.location), "body": body}
    return {
        "site": state.site,
        "template": f"{state.template}@{state.template_version}",
        "scope": {"company": state.scope.company, "warehouse": state.scope.warehouse},
        "resources": resources,
    }


def render_desired(states: list[DesiredState], fmt: str = "yaml") -> str:
    data = [desired_to_dict(s) for s in states]
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    yaml = YAML()
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
