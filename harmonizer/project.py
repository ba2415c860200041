"""The Python API of harmonizer: a façade over config, the Odoo client, plan and apply.

Everything the CLI does goes through ``Harmonizer``; it returns plain data (``Plan``,
``ApplyResult``, ``DesiredState``) and raises ``HarmonizerError``. It never prints.

The engine behind online operations (Odoo client, planner, executor, safety) is imported
when first used, so offline commands (``validate``, ``render``, ``sites``) start fast.
One ``Harmonizer`` logs in once per Odoo database and login (``session``): plan and apply
of one command, and sites sharing a database, reuse that session; ``close()`` (or leaving
``with Harmonizer(...)``) ends them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from harmonizer import __version__
from harmonizer.config import load_project
from harmonizer.errors import ConfigError, ConfigErrors, HarmonizerError, SiteError
from harmonizer.model import DesiredState
from harmonizer.plan.impact_options import ImpactOptions
from harmonizer.timestamps import utc_stamp

if TYPE_CHECKING:
    from harmonizer.apply.executor import ApplyResult, Progress
    from harmonizer.coupling.service import SiteCoupling
    from harmonizer.odoo.session import OdooSession
    from harmonizer.odoo.settings import ConnectionSettings
    from harmonizer.plan.model import Change, Plan, SitePlan
    from harmonizer.safety.lock import LockInfo
    from harmonizer.safety.service import SiteSafety

PROJECT_ENV = "HARMONIZER_PROJECT"
STATE_DIR = ".harmonizer"

SiteEvent = Callable[[str, str], None]


def find_root(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The project directory: ``--project``, else ``$HARMONIZER_PROJECT``, else the current directory."""
    env = os.environ if env is None else env
    root = Path(explicit or env.get(PROJECT_ENV) or ".").resolve()
    if not (root / "sites").is_dir() and not (root / "site_templates").is_dir():
        raise ConfigError(f"{root} is not a harmonizer project (no sites/ or site_templates/ folder); "
                          f"use --project DIR or set {PROJECT_ENV}")
    return root


@dataclass
class _SessionSlot:
    """The one session kept for a connection's settings, used by one caller at a time."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    session: OdooSession | None = None


@dataclass(frozen=True)
class SiteApply:
    site: str
    result: ApplyResult | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and self.result.ok


class Harmonizer:
    """One project: its templates and sites, and the Odoo databases they point at."""

    def __init__(self, root: Path, env: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.env = dict(os.environ if env is None else env)
        self._project = None
        #: Seconds after which a site lock left behind (a killed run) expires (None:
        #: ``harmonizer.safety.lock.DEFAULT_TTL``).
        self.lock_ttl: float | None = None
        self._slots: dict[ConnectionSettings, _SessionSlot] = {}
        self._slots_lock = threading.Lock()
        #: Refuse plans whose resources write coupled fields (``harmonizer.coupling``). Only
        #: tests turn it off, to show what the check prevents.
        self.check_coupling = True
        self._coupling: SiteCoupling | None = None
        self._coupling_lock = threading.Lock()
        #: Impact preview of plans (``plan.impact``): window, time budget, or off.
        self.impact = ImpactOptions()

    @property
    def coupling(self) -> SiteCoupling:
        """Coupled-field checks and verification after apply, with this run's dependency cache.
        Made once even when a rollout's site threads first ask at the same time (a second one
        would drop the answers the first cached, and its sites would ask Odoo again)."""
        with self._coupling_lock:
            if self._coupling is None:
                from harmonizer.coupling.service import SiteCoupling

                self._coupling = SiteCoupling(self)
            return self._coupling

    @property
    def project(self):  # type: ignore[no-untyped-def]
        if self._project is None:
            self._project = load_project(self.root)
        return self._project

    def pinned(self, pins: Mapping[str, str]) -> Harmonizer:
        """This project as if each site of ``pins`` (site -> template version) pinned that version
        in its file (files untouched; ``rollout`` moving sites to a version). The copy has this
        one's settings and shares its Odoo sessions (one login per database for the command)."""
        other = Harmonizer(self.root, self.env)
        other.lock_ttl, other.check_coupling, other.impact = self.lock_ttl, self.check_coupling, self.impact
        other._slots, other._slots_lock = self._slots, self._slots_lock
        other._project = self.project.with_pins(dict(pins)) if pins else self.project
        return other

    @property
    def sandbox_home(self) -> Path:
        return self.root / STATE_DIR / "sandbox"

    # -- offline --------------------------------------------------------------------------

    def validate(self) -> list[ConfigError]:
        return list(self.project.validate())

    def secret_warnings(self, selectors: list[str] | None = None) -> list[str]:
        """Secrets set shorter than is safe, as one-line warnings (``file:line: ...``)."""
        names = self.select(selectors) if selectors else None
        return [str(w) for w in self.project.short_secrets(self.env, names)]

    def select(self, selectors: list[str]) -> list[str]:
        return [site.name for site in self.project.select(selectors or ["all"])]

    def render(self, site: str, *, allow_expired: bool = False) -> DesiredState:
        """``site``'s desired state; an expired exclusion is an error unless ``allow_expired``."""
        return self.project.render(site, self.env, allow_expired=allow_expired)

    # -- online ---------------------------------------------------------------------------

    @contextmanager
    def session(self, site_name: str) -> Iterator[OdooSession]:
        """An authenticated session on the site's Odoo, reused for the life of this object by
        every site with the same connection settings (URL, database, login, secret...): one
        login per database and login, however many plans, applies and sites use it. One
        caller at a time uses it (others with the same settings wait); a session that saw an
        error other than a site or configuration problem is closed and the next use logs in
        again."""
        settings = self._settings(site_name)
        with self._slots_lock:
            slot = self._slots.setdefault(settings, _SessionSlot())
        with slot.lock:
            if slot.session is None:
                from harmonizer.odoo.session import connect

                slot.session = connect(settings)
            else:
                slot.session.stats.reset()  # its counts are this use's (a new session's include its login)
            try:
                yield slot.session
            except (SiteError, ConfigError):
                raise
            except BaseException:
                slot.session.close()
                slot.session = None
                raise

    def _settings(self, site_name: str) -> ConnectionSettings:
        site = self.project.sites[site_name]
        home = None
        if site.odoo.is_sandbox:
            from harmonizer.sandboxes import ensure_sandbox, sandbox_home

            ensure_sandbox(self, site)
            home = sandbox_home(self, site.odoo.odoo_version or "17.0")
        settings = site.connection_settings(self.env, sandbox_home=home)
        if home is not None and not settings.secret:
            # The stand-in's users have their login as password (admin/admin, clerk/clerk).
            settings = replace(settings, secret=settings.login)
        return settings

    def close(self) -> None:
        """End every Odoo session this object opened (they are opened again when needed)."""
        with self._slots_lock:
            slots, self._slots = list(self._slots.values()), {}
        for slot in slots:
            with slot.lock:
                if slot.session is not None:
                    slot.session.close()
                    slot.session = None

    def __enter__(self) -> Harmonizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def plan_one(self, site_name: str, on_event: SiteEvent | None = None) -> SitePlan:
        with self.session(site_name) as session:
            return self._plan_in(session, site_name, on_event)

    def _plan_in(self, session: OdooSession, site_name: str, on_event: SiteEvent | None = None, *,
                 check_coupling: bool = True) -> SitePlan:
        """Plan one site on an open session; the plan carries its fingerprints (``safety.fingerprint``).
        A desired state Odoo cannot hold (coupled fields, ``harmonizer.coupling``) is refused.
        ``check_coupling=False`` is the verification after an apply: no refusal, no impact
        preview, no fingerprints (that plan is only asked what would still change)."""
        from harmonizer.plan.live import LiveReader
        from harmonizer.plan.planner import plan_site
        from harmonizer.safety.fingerprint import fingerprint_key, site_fingerprints

        event = on_event or (lambda _site, _what: None)
        desired = self.render(site_name)
        site = self.project.sites[site_name]
        # What only the server's version decides (fields, operators, names): before any read.
        problems = self.project.check_on_version(site_name, desired, session.version.major)
        if problems:
            raise ConfigErrors(problems)
        event(site_name, "reading")
        live = LiveReader(session.reader(), site_name, session.version.major).snapshot(desired)
        event(site_name, "planning")
        site_plan = plan_site(desired, live, url=site.odoo.url, database=site.odoo.database,
                              odoo_version=session.version.full)
        if check_coupling and self.check_coupling:
            self.coupling.refuse(session, desired, live.resolver, site_plan)
        if self.impact.enabled and check_coupling and site_plan.has_changes:  # not when verifying an apply
            from harmonizer.plan.impact import add_impacts

            site_plan = add_impacts(site_plan, desired, session.reader(), session.version.major, self.impact,
                                    uid=session.uid)
        if not check_coupling:  # verifying an apply: only its pending changes matter, never saved
            return site_plan
        key = fingerprint_key(session.settings.secret)
        return replace(site_plan, fingerprints=site_fingerprints(desired, live, site_plan, key))

    def plan(self, selectors: list[str], on_event: SiteEvent | None = None,
             targets: list[str] | None = None) -> Plan:
        """Plan the selected sites; ``targets`` (addresses) limits each to those resources and
        what they depend on (``safety.protect.limit_to_targets``)."""
        from harmonizer.plan.model import Plan, SiteFailure
        from harmonizer.safety.protect import check_targets_found, limit_to_targets

        sites, failures = [], []
        shared: dict[tuple[tuple[str, str], str], str] = {}
        for name in self.select(selectors):
            try:
                site_plan = self.plan_one(name, on_event)
            except HarmonizerError as exc:
                failures.append(SiteFailure(name, _one_line(exc, name)))
                continue
            if targets:
                site_plan = limit_to_targets(site_plan, targets)
            sites.append(self._share(site_plan, shared))
        if targets:
            check_targets_found(sites, targets)
        return Plan(tuple(sites), tuple(failures), utc_stamp(), __version__)

    def _share(self, site_plan: SitePlan, shared: dict[tuple[tuple[str, str], str], str]) -> SitePlan:
        """Sites of one database share its database-level records: the first site in a plan
        carries their changes, later sites show them as planned there (never twice)."""
        from harmonizer.kinds.registry import KINDS
        from harmonizer.model import Level
        from harmonizer.plan.model import Action

        database = self.project.sites[site_plan.site].odoo.database_key
        changes = []
        for change in site_plan.changes:
            key = (database, change.address)
            if (KINDS[change.kind].level is not Level.DATABASE or change.action is Action.NOOP
                    or change.local):  # a site's own records are never shared
                changes.append(change)
            elif key in shared:
                changes.append(replace(change, action=Action.NOOP, fields=(), impact=None,
                                       reason=f"planned with site {shared[key]} (same database)"))
            else:
                shared[key] = site_plan.site
                changes.append(change)
        return site_plan.with_changes(tuple(changes))

    def apply(self, plan: Plan, progress: Progress | None = None, *, saved: bool = False) -> list[SiteApply]:
        """Apply each site's plan; a site that fails does not stop the others (rollouts do).
        ``saved``: the plan was read from a file, so its fingerprints are checked first."""
        out = []
        for site_plan in plan.sites:
            try:
                out.append(SiteApply(site_plan.site, self.apply_site(site_plan, progress, saved=saved)))
            except HarmonizerError as exc:
                result = getattr(exc, "result", None)
                error = _one_line(exc, site_plan.site)
                if result is None and "nothing was" not in error:
                    # It failed before the executor's first write (session, lock, freshness, verification).
                    error += " (nothing was written)"
                out.append(SiteApply(site_plan.site, result, error))
        return out

    def refill_secrets(self, site_plan: SitePlan) -> SitePlan:
        """A saved plan holds no secret: put the values back from a fresh render (environment)."""
        from harmonizer.plan.model import REDACTED

        if not any(f.secret and f.after == REDACTED for c in site_plan.changes for f in c.fields):
            return site_plan
        desired = self.render(site_plan.site)
        major = _major(site_plan.odoo_version)
        return site_plan.with_changes(tuple(_refill(site_plan.site, c, desired, major) for c in site_plan.changes))

    def lock_journal(self, site: str) -> Path:
        """Where this project records the tokens of the site locks it takes on ``site``'s
        database (``.harmonizer/locks/<database>/``, see ``harmonizer.safety.lock``)."""
        database = "-".join(self.project.sites[site].odoo.database_key)
        return self.state_dir / "locks" / "".join(c if c.isalnum() else "_" for c in database)

    def clear_left_lock(self, site: str) -> LockInfo | None:
        """Remove the site lock of ``site``'s database if a finished run of this project left it
        behind (cut off after its last write, so a rerun has nothing to apply): the lock removed.
        No request when the project's journal records no such run."""
        from harmonizer.safety.lock import clear_left_behind, left_behind

        if site not in self.project.sites:
            return None  # a saved plan's site no longer in the project: nothing of it is journaled here
        journal = self.lock_journal(site)
        if not left_behind(journal):
            return None
        with self.session(site) as session:
            return clear_left_behind(session.writer(), journal)

    def apply_site(self, site_plan: SitePlan, progress: Progress | None = None, *, saved: bool = False,
                   kind: str = "apply", reverts: tuple[str, ...] = ()) -> ApplyResult:
        """Apply one site's plan under the site lock, then record it in the audit trail.

        Order: access rights the plan needs (refused, naming what is missing) -> lock (refused
        if held) -> for a saved plan, its fingerprints against a fresh
        read (refused if stale) -> the executor (which re-verifies what it touches) -> audit
        record, locally and in Odoo -> unlock (also on error and Ctrl-C). A release Odoo did not
        answer is a warning on the result: the lock stays until this project's next apply or
        rollout of the database removes it (``clear_left_lock``), or it expires.
        """
        from harmonizer.apply.executor import ApplyResult, Executor
        from harmonizer.apply.rights import preflight
        from harmonizer.safety.guard import check_fresh, record_apply
        from harmonizer.safety.lock import DEFAULT_TTL, operator, removed_note, site_lock, was_left_behind

        site_plan = self.refill_secrets(site_plan)
        if not site_plan.has_changes:
            result = ApplyResult(site_plan.site)
            removed = self.clear_left_lock(site_plan.site)
            if removed is not None:
                result.warnings.append(removed_note(removed))
            return result
        with self.session(site_plan.site) as session:
            writer = session.writer()
            preflight(writer, site_plan, session.version.major)
            ttl = DEFAULT_TTL if self.lock_ttl is None else self.lock_ttl
            journal = self.lock_journal(site_plan.site)
            with site_lock(writer, site_plan.site, operator(self.env), ttl, journal) as held:
                if saved:
                    check_fresh(site_plan, self._plan_in(session, site_plan.site))
                executor = Executor(site_plan, writer, session.version.major, progress)
                error: str | None = "interrupted"
                try:
                    result = executor.run()
                    if kind == "apply":
                        result.unconverged = self.coupling.verify(session, site_plan)
                    if result.unconverged:
                        from harmonizer.coupling.verify import NotConverged

                        raise NotConverged(site_plan.site, result)
                    error = None
                except HarmonizerError as exc:
                    error = _one_line(exc, site_plan.site)
                    raise
                finally:
                    if executor.result.outcomes:
                        record_apply(self, writer, site_plan, executor.result, error=error, kind=kind,
                                     reverts=reverts)
            if was_left_behind(journal, held.token):  # every write landed, the release did not
                result.warnings.append(f"the site lock could not be released (Odoo did not answer): this project's "
                                       f"next apply or rollout removes it (or `harmonizer unlock {site_plan.site}`); "
                                       f"otherwise it expires at {held.expires}")
            return result

    # -- fleet: drift and staged rollout (``harmonizer.drift``, ``harmonizer.rollout``) ----

    def drift(self, selectors: list[str], *, concurrency: int = 8, shard: str | None = None,  # type: ignore[no-untyped-def]
              on_event: SiteEvent | None = None):
        """The ``DriftReport`` of the selected sites (of shard ``I/N`` only, when given)."""
        from harmonizer.drift import parse_shard, run_drift

        return run_drift(self, selectors, concurrency=concurrency, shard=parse_shard(shard) if shard else None,
                         on_event=on_event)

    def rollout(self, spec, *, restart: bool = False, on_event: Callable[..., None] | None = None):  # type: ignore[no-untyped-def]
        """Run (or resume) the staged rollout ``spec``: the ``RolloutResult``."""
        from harmonizer.rollout import run_rollout

        return run_rollout(self, spec, on_event=on_event, restart=restart)

    # -- operations: health and pilot metrics (``harmonizer.health``, ``harmonizer.metrics``) --

    def health(self, selectors: list[str], *, concurrency: int = 8, on_event: SiteEvent | None = None):  # type: ignore[no-untyped-def]
        """The ``HealthReport`` of the selected sites (read in parallel, read-only)."""
        from harmonizer.health import run_health

        return run_health(self, selectors, concurrency=concurrency, on_event=on_event)

    def metrics(self, selectors: list[str], *, weeks: int = 12, compare: list[str] | None = None,  # type: ignore[no-untyped-def]
                concurrency: int = 8, on_event: SiteEvent | None = None):
        """The ``MetricsReport`` of the selected sites over ``weeks`` weeks; ``compare`` names groups
        of sites by selector (``tag=pilot``, ``tag=rest``) to put side by side."""
        from harmonizer.metrics import run_metrics

        return run_metrics(self, selectors, weeks=weeks, compare=compare, concurrency=concurrency,
                           on_event=on_event)

    # -- change safety (``harmonizer.safety``) -------------------------------------------

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def safety(self) -> SiteSafety:
        """History, rollback, import, forget, export and unlock of sites."""
        from harmonizer.safety.service import SiteSafety

        return SiteSafety(self)


def json_schema(name: str) -> str:
    """The JSON Schema of a configuration file, ``site``, ``template`` or ``resources``, as text
    (generated from the models that validate those files; see ``harmonizer.config.schema``)."""
    from harmonizer.config.schema import NAMES, render

    if name not in NAMES:
        raise HarmonizerError(f"unknown schema {name!r} (known: {', '.join(NAMES)})")
    return render(name)


def _one_line(exc: HarmonizerError, site: str) -> str:
    """The error's first line, without the site name the caller shows next to it."""
    text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    for prefix in (f"site {site}: ", f"site {site}, "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _major(version: str) -> int:
    """The major version of a plan's ``odoo_version`` ("17.0-20240709" -> 17)."""
    head = version.split(".", 1)[0].rpartition("~")[2]
    return int(head) if head.isdigit() else 17


def _refill(site: str, change: Change, desired: DesiredState, major: int) -> Change:
    from harmonizer.kinds.registry import KINDS
    from harmonizer.plan.model import REDACTED
    from harmonizer.plan.resolve import Resolver

    if not any(f.secret and f.after == REDACTED for f in change.fields):
        return change
    resource = desired.resources.get(change.address)
    if resource is None:
        raise SiteError(site, "the saved plan sets a secret of a resource no template declares: plan again",
                        change.address)
    body = KINDS[change.kind].effective_body(resource)
    kind = KINDS[change.kind].for_body(body)
    fields = tuple(
        replace(f, after=kind.field_map(f.key, major).vtype.desired(body.get(f.key), Resolver(), body))
        if f.secret and f.after == REDACTED else f
        for f in change.fields
    )
    return replace(change, fields=fields)
