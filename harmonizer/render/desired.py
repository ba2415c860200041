"""Rendering desired state (``harmonizer render``): YAML or JSON, secrets redacted.

Per site: its resources, each with its ``origin`` (``template`` or ``site``: declared in the
site's own folder) and ``source`` (file:line; a resource compiled from a policy block also
shows its ``block`` and ``rule``), the template resources the site ``excluded`` (with the
entry's owner, reason, expiry and line), then, when the template has policy blocks, a ``policies`` section: each
block's settings and rules and the addresses each compiles to (``DesiredState.policies``,
already redacted by config). Presentation only.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML

from harmonizer.model import DesiredState
from harmonizer.plan.model import REDACTED


def desired_to_dict(state: DesiredState) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for resource in state:
        body = {k: (REDACTED if k in resource.secret_keys else v) for k, v in resource.body.items()}
        entry: dict[str, Any] = {"origin": "site" if resource.local else "template",
                                 "source": str(resource.location)}
        if resource.block is not None:
            entry["block"] = resource.block
            if resource.rule is not None:
                entry["rule"] = resource.rule
        entry["body"] = body
        resources[resource.address] = entry
    out: dict[str, Any] = {
        "site": state.site,
        "template": f"{state.template}@{state.template_version}",
        "scope": {"company": state.scope.company, "warehouse": state.scope.warehouse},
        "resources": resources,
    }
    if state.excluded:
        out["excluded"] = {address: {"owner": e.owner, "reason": e.reason, "expires": e.expires,
                                     "source": str(e.location)} for address, e in state.excluded.items()}
    if state.policies:
        out["policies"] = _plain(state.policies)
    return out


def _plain(value: Any) -> Any:
    """A copy made of dicts, lists and scalars (what the YAML and JSON dumpers take)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def render_desired(states: list[DesiredState], fmt: str = "yaml") -> str:
    data = [desired_to_dict(s) for s in states]
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    yaml = YAML()
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
