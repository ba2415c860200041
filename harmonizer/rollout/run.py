"""Running a staged rollout: waves in order, sites of a wave in parallel, stop at the first failure.

Rules:
- Within a wave, sites are applied in parallel up to the wave's parallelism. Sites sharing
  one Odoo database are applied one after the other in the same worker (their shared
  records are planned and written once, by the first; the next plans after it).
- Each site: plan (reading, planning), apply (applying) when the plan has changes.
- After the wave, every site of the wave that was applied is planned again (verifying);
  the wave is done only if all its sites converged (empty plan). A site lock its apply could
  not release (Odoo did not answer) is removed first, so a wave done leaves no lock. When
  the rollout moves to a template version, each converged site's pin is written to its site
  file (also when another site of the wave failed: the converged one is on the new version).
- The first failure stops the line: no new site of that wave starts, sites already in
  flight finish, later waves do not start. The result names every site's state.
- Progress goes to ``on_event(site, stage, detail)``; nothing here prints.
- Resume: sites recorded ``applied`` in the state file are not applied again (still
  verified with their wave, unless the whole wave was done in an earlier run). A site
  planned again with nothing to write still removes the site lock an earlier run of this
  project left behind (``Harmonizer.clear_left_lock``): that run was cut off after its last
  write, while it verified, recorded or released.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from harmonizer.config.pins import write_pin
from harmonizer.errors import HarmonizerError

from .model import APPLIED, FAILED, NOT_STARTED, RolloutResult, SiteOutcome, WaveOutcome
from .spec import RolloutSpec, Wave, resolve_waves
from .state import RolloutState, open_state

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

RolloutEvent = Callable[..., None]


def _quiet(_site: str, _stage: str, _detail: str = "") -> None:
    return None


def run_rollout(app: Harmonizer, spec: RolloutSpec, *, on_event: RolloutEvent | None = None,
                restart: bool = False, state_root: Path | None = None) -> RolloutResult:
    """Run (or resume) ``spec`` on ``app``'s project; see the module rules."""
    event = on_event or _quiet
    waves = resolve_waves(spec, app.project)
    pins = {s: spec.version for w in waves for s in w.sites} if spec.version else {}
    worker_app = app.pinned(pins)
    state = open_state(state_root or app.state_dir, spec.name, spec.fingerprint(), spec.version,
                       restart=restart)
    for wave in waves:
        for site in wave.sites:
            event(site, "queued", f"wave {wave.name}")
    outcomes: list[WaveOutcome] = []
    stopped = False
    for wave in waves:
        if stopped:
            outcomes.append(_not_started(wave, event))
            continue
        outcome = _run_wave(worker_app, app, wave, state, spec, event)
        outcomes.append(outcome)
        stopped = outcome.status != "done"
    return RolloutResult(spec.name, spec.version, tuple(outcomes), str(state.path))


def _not_started(wave: Wave, event: RolloutEvent) -> WaveOutcome:
    for site in wave.sites:
        event(site, NOT_STARTED)
    return WaveOutcome(wave.name, NOT_STARTED, tuple(SiteOutcome(s, wave.name, NOT_STARTED) for s in wave.sites))


def _groups(app: Harmonizer, wave: Wave) -> list[list[str]]:
    """Sites of the wave grouped by Odoo database (a group runs in one worker, in order)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for site in wave.sites:
        groups.setdefault(app.project.sites[site].odoo.database_key, []).append(site)
    return list(groups.values())


def _run_wave(app: Harmonizer, base: Harmonizer, wave: Wave, state: RolloutState, spec: RolloutSpec,
              event: RolloutEvent) -> WaveOutcome:
    if all(state.applied(s) for s in wave.sites):
        for site in wave.sites:
            event(site, "done", "applied in an earlier run")
        return WaveOutcome(wave.name, "done", tuple(SiteOutcome(s, wave.name, APPLIED, resumed=True)
                                                    for s in wave.sites))
    _seed(app, wave)
    stop = threading.Event()
    results: dict[str, SiteOutcome] = {}

    def work(group: list[str]) -> None:
        for site in group:
            if stop.is_set():
                results[site] = SiteOutcome(site, wave.name, NOT_STARTED)
                event(site, NOT_STARTED, "a failure stopped the line")
                continue
            results[site] = _apply_site(app, site, wave, state, event)
            if results[site].status == FAILED:
                stop.set()

    groups = _groups(app, wave)
    with ThreadPoolExecutor(max_workers=min(wave.parallelism, len(groups)), thread_name_prefix="rollout") as pool:
        list(pool.map(work, groups))
    _verify(app, wave, state, results, event)
    ok = all(results[s].status == APPLIED for s in wave.sites)
    for site in wave.sites:
        if results[site].status != APPLIED:
            continue
        # A converged site is on the new version even when another site of its wave failed.
        if spec.version:
            write_pin(base.project.sites[site].path, spec.version)
        event(site, "done", f"pinned to {spec.version}" if spec.version else "")
    return WaveOutcome(wave.name, "done" if ok else FAILED, tuple(results[s] for s in wave.sites))


def _seed(app: Harmonizer, wave: Wave) -> None:
    """Sandbox databases are seeded one after the other before workers start (seeding must not race)."""
    from harmonizer.sandboxes import ensure_sandbox

    for site in wave.sites:
        if app.project.sites[site].odoo.is_sandbox:
            ensure_sandbox(app, app.project.sites[site])


def _apply_site(app: Harmonizer, site: str, wave: Wave, state: RolloutState, event: RolloutEvent) -> SiteOutcome:
    if state.applied(site):
        event(site, "skipped", "applied in an earlier run")
        return SiteOutcome(site, wave.name, APPLIED, resumed=True)
    try:
        plan = app.plan_one(site, lambda s, what: event(s, what))
        counts = plan.counts
        if plan.has_changes:
            event(site, "applying", f"{counts.create} to create, {counts.update} to update, {counts.delete} to delete")
        # With nothing to write this only removes the site lock an earlier run of this project
        # left behind (cut off after its last write): a resumed rollout leaves no lock.
        result = app.apply_site(plan)
        if not result.ok:
            raise HarmonizerError(f"apply did not complete ({result.count('failed')} failed)")
    except HarmonizerError as exc:
        reason = exc.one_line()
        state.record(site, wave.name, FAILED, reason)
        event(site, FAILED, reason)
        return SiteOutcome(site, wave.name, FAILED, reason)
    except Exception as exc:  # a bug in one site's run still stops the line with a reason
        reason = f"internal error ({exc.__class__.__name__}: {(str(exc).splitlines() or [''])[0]})"
        state.record(site, wave.name, FAILED, reason)
        event(site, FAILED, reason)
        return SiteOutcome(site, wave.name, FAILED, reason)
    return SiteOutcome(site, wave.name, APPLIED, changes=(counts.create, counts.update, counts.delete))


def _verify(app: Harmonizer, wave: Wave, state: RolloutState, results: dict[str, SiteOutcome],
            event: RolloutEvent) -> None:
    """Plan the wave's applied sites again: a site is applied only once its plan is empty."""
    for site in wave.sites:
        if results[site].status != APPLIED:
            continue
        event(site, "verifying")
        try:
            removed = app.clear_left_lock(site)  # its apply wrote everything but Odoo did not answer the release
            if removed is not None:
                event(site, "lock removed", removed.describe())
            remaining = app.plan_one(site).pending
            error = f"did not converge: {len(remaining)} change(s) remain after apply" if remaining else None
        except HarmonizerError as exc:
            error = f"verification failed: {exc.one_line()}"
        previous = results[site]
        if error is None:
            state.record(site, wave.name, APPLIED)
            continue
        state.record(site, wave.name, FAILED, error)
        event(site, FAILED, error)
        results[site] = SiteOutcome(site, wave.name, FAILED, error, previous.changes)
