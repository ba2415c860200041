"""``SiteCoupling``: coupled-field checks and verification after apply, over one ``Harmonizer``.

The project façade calls ``refuse`` after planning a site and ``verify`` after applying one;
this class gathers what they need around the pure analysis: the desired states of every site
sharing the site's database, and Odoo's compute dependencies, read once per written model and
Odoo version in a run (``DependencyCache``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harmonizer.coupling.analysis import Coupling, LiveIds, find_couplings, live_ids, models_written
from harmonizer.coupling.depends import Dependencies, DependencyCache
from harmonizer.coupling.verify import Finding, findings
from harmonizer.errors import HarmonizerError, SiteError
from harmonizer.model import DesiredState
from harmonizer.plan.model import SitePlan
from harmonizer.plan.resolve import Resolver

if TYPE_CHECKING:
    from harmonizer.odoo.session import OdooSession
    from harmonizer.project import Harmonizer


class SiteCoupling:
    def __init__(self, app: Harmonizer) -> None:
        self.app = app
        #: Compute dependencies read from the sites' Odoo servers, per version, for this run.
        self.dependencies = DependencyCache()

    def refuse(self, session: OdooSession, desired: DesiredState, resolver: Resolver, planned: SitePlan) -> None:
        """Raise (nothing written yet) if the site's desired state writes coupled fields, alone or
        with the sites sharing its database; records matched also by the ids ``planned`` found."""
        site = desired.site
        ids = live_ids(site, resolver, planned.changes)
        refused = [c for c in self.couplings(session, desired, ids) if site in (c.first.site, c.second.site)]
        if refused:
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            raise SiteError(site, f"coupled fields, nothing was written: {refused[0].message()}{more}")

    def verify(self, session: OdooSession, applied: SitePlan) -> list[Finding]:
        """Verification after apply: the site read again with one plan's reads and planned again;
        what would still change does not hold what was applied."""
        after = self.app._plan_in(session, applied.site, check_coupling=False)
        if not after.has_changes:
            return []
        desired = self.app.render(applied.site)
        deps = self.deps(session, [desired, *self.peers(applied.site)])
        return findings(applied.site, applied, after, self.couplings(session, desired), deps)

    def couplings(self, session: OdooSession, desired: DesiredState, ids: LiveIds | None = None) -> list[Coupling]:
        states = [desired, *self.peers(desired.site)]
        return find_couplings(states, self.deps(session, states), session.version.major, ids)

    def deps(self, session: OdooSession, states: list[DesiredState]) -> Dependencies:
        """One ``fields_get`` per written model and Odoo version in this run (cached)."""
        models = models_written(states, session.version.major)
        return self.dependencies.get(session.reader(), session.version.full, models)

    def peers(self, site_name: str) -> list[DesiredState]:
        """The desired states of the other sites of this site's database (those that render)."""
        sites = self.app.project.sites
        key = sites[site_name].odoo.database_key
        out = []
        for name, site in sites.items():
            if name != site_name and site.odoo.database_key == key:
                try:
                    out.append(self.app.render(name))
                except HarmonizerError:
                    continue  # that site's own plan reports its error
        return out
