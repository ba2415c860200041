"""The summary of a rollout: per wave, per site its state (applied, failed and why, not started)."""

from __future__ import annotations

import json

from harmonizer.render.common import visible
from harmonizer.rollout.model import APPLIED, FAILED, NOT_STARTED, RolloutResult


def render_rollout_text(result: RolloutResult) -> str:
    target = f" to version {result.version}" if result.version else ""
    lines = [f"Rollout {result.name}{target}:"]
    for wave in result.waves:
        lines.append(f"  wave {wave.name}: {wave.status}")
        for site in wave.sites:
            detail = ""
            if site.status == FAILED:
                detail = f": {visible(site.error or 'unknown reason')}"
            elif site.resumed:
                detail = " (in an earlier run)"
            elif site.changes is not None:
                detail = " ({} to create, {} to update, {} to delete)".format(*site.changes)
            lines.append(f"    {site.site}: {site.status}{detail}")
    applied, failed, waiting = (result.by_status(s) for s in (APPLIED, FAILED, NOT_STARTED))
    lines.append("")
    lines.append(f"Applied: {', '.join(applied) or 'none'}. Failed: {', '.join(failed) or 'none'}. "
                 f"Not started: {', '.join(waiting) or 'none'}.")
    if not result.ok:
        lines.append(f"Fix the failure and rerun the rollout to resume (state: {result.state_file}).")
    return "\n".join(lines) + "\n"


def render_rollout_json(result: RolloutResult) -> str:
    return json.dumps(result.to_dict(), indent=2) + "\n"
