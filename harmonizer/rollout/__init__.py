"""Staged rollout: apply many sites wave by wave, stop at the first failure, resume later.

``run_rollout(app, spec)`` runs (or resumes) a ``RolloutSpec`` — from a rollout file
(``load_rollout``) or from selectors/tags (``waves_from_selectors``) — and returns a frozen
``RolloutResult``. Renderers live in ``harmonizer.render.rollout_text``; nothing here prints.
"""

from harmonizer.rollout.model import APPLIED, FAILED, NOT_STARTED, RolloutResult, SiteOutcome, WaveOutcome
from harmonizer.rollout.run import run_rollout
from harmonizer.rollout.spec import RolloutSpec, Wave, WaveSpec, load_rollout, resolve_waves, waves_from_selectors
from harmonizer.rollout.state import RolloutState, open_state, state_path

__all__ = [
    "APPLIED",
    "FAILED",
    "NOT_STARTED",
    "RolloutResult",
    "RolloutSpec",
    "RolloutState",
    "SiteOutcome",
    "Wave",
    "WaveOutcome",
    "WaveSpec",
    "load_rollout",
    "open_state",
    "resolve_waves",
    "run_rollout",
    "state_path",
    "waves_from_selectors",
]
