"""``SiteSafety``: the Python API of the safety commands, over one ``Harmonizer`` project.

Each operation opens its own session on the site's Odoo; previews (``find_*``,
``rollback_plan``, ``lock_status``) only read, and the writing step is a separate call,
so the CLI can show what will happen and ask before doing it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from harmonizer.errors import SiteError
from harmonizer.kinds.registry import get_kind
from harmonizer.plan.live import MODULE, LiveReader
from harmonizer.plan.model import Plan, SitePlan
from harmonizer.safety import adopt, audit, export, lock, rollback
from harmonizer.timestamps import utc_stamp

if TYPE_CHECKING:
    from harmonizer.apply.executor import ApplyResult
    from harmonizer.project import Harmonizer


class SiteSafety:
    def __init__(self, app: Harmonizer) -> None:
        self.app = app

    # -- lock -----------------------------------------------------------------------------

    def lock_status(self, site: str) -> lock.LockInfo | None:
        with self.app.session(site) as session:
            return lock.read_lock(session.reader())  # type: ignore[arg-type]

    def unlock(self, site: str) -> lock.LockInfo | None:
        with self.app.session(site) as session:
            return lock.break_lock(session.writer())

    # -- audit trail ------------------------------------------------------------------------

    def history(self, site: str) -> list[audit.AuditRecord]:
        """Past applies of ``site`` as recorded in its Odoo, newest first."""
        company_id = self._scope(site)[0]
        with self.app.session(site) as session:
            return audit.history(session.reader(), company_id, site)

    # -- rollback ---------------------------------------------------------------------------

    def rollback_plan(self, site: str, to: str | None = None) -> rollback.RollbackPlan:
        records = rollback.select_records(self.history(site), to)
        latest = records[0]
        with self.app.session(site) as session:
            base = SitePlan(site=site, url=latest.url, database=latest.database,
                            odoo_version=session.version.full, template=latest.template,
                            template_version=latest.template_version, company_id=latest.company_id,
                            warehouse_id=None, changes=())
            found = rollback.targets(records)
            built = rollback.build_plan(site, base, found, session.reader(), session.version.major)
        return replace(built, reverts=tuple(r.id for r in records))

    def apply_rollback(self, built: rollback.RollbackPlan) -> ApplyResult:
        return self.app.apply_site(built.plan, kind="rollback", reverts=built.reverts)

    @staticmethod
    def as_plan(built: rollback.RollbackPlan) -> Plan:
        from harmonizer import __version__

        return Plan((built.plan,), (), utc_stamp(), __version__)

    # -- import / forget --------------------------------------------------------------------

    def find_to_import(self, site: str, address: str, match: dict[str, str]) -> adopt.Binding:
        kind, name, desired = self._declared(site, address)
        local = site if desired.resources[address].local else None  # a site's own record names the site
        with self.app.session(site) as session:
            company_id, warehouse_id = LiveReader(session.reader(), site, session.version.major).scope_ids(desired)
            return adopt.find_to_import(session.reader(), site, kind, address,
                                        kind.xmlid_name(name, company_id, warehouse_id, local), match,
                                        session.version.major)

    def bind(self, binding: adopt.Binding) -> None:
        with self.app.session(binding.site) as session:
            adopt.bind(session.writer(), binding)

    def find_to_forget(self, site: str, address: str) -> adopt.Binding:
        kind_key, _, name = address.partition(".")
        kind = get_kind(kind_key)
        company_id, warehouse_id = self._scope(site)
        declared = self.app.render(site).resources.get(address)
        local = site if declared is not None and declared.local else None
        with self.app.session(site) as session:
            return adopt.find_to_forget(session.reader(), site, kind, address,
                                        kind.xmlid_name(name, company_id, warehouse_id, local))

    def unbind(self, binding: adopt.Binding) -> None:
        with self.app.session(binding.site) as session:
            adopt.unbind(session.writer(), binding)

    # -- export -----------------------------------------------------------------------------

    def export(self, site: str, kinds: list[str], template: str) -> export.Exported:
        for key in kinds:
            get_kind(key)
        desired = self.app.render(site)
        with self.app.session(site) as session:
            company_id, warehouse_id = LiveReader(session.reader(), site, session.version.major).scope_ids(desired)
            return export.export_files(session.reader(), session.version.major, kinds, template, company_id,
                                       warehouse_id)

    def bind_exported(self, site: str, exported: export.Exported) -> int:
        """Create the external IDs of the exported records not bound yet (one create call)."""
        if not exported.unbound:
            return 0
        company_id, warehouse_id = self._scope(site)
        bindings = [adopt.Binding(site, u.address, u.model, u.record_id, "",
                                  f"{MODULE}.{get_kind(u.kind).xmlid_name(u.name, company_id, warehouse_id)}")
                    for u in exported.unbound]
        with self.app.session(site) as session:
            return adopt.bind_many(session.writer(), bindings)

    # -- helpers ----------------------------------------------------------------------------

    def _declared(self, site: str, address: str):  # type: ignore[no-untyped-def]
        desired = self.app.render(site)
        resource = desired.resources.get(address)
        if resource is None:
            raise SiteError(site, "no template of this site declares it: declare it first, then import", address)
        return get_kind(resource.kind), resource.name, desired

    def _scope(self, site: str) -> tuple[int | None, int | None]:
        desired = self.app.render(site)
        with self.app.session(site) as session:
            return LiveReader(session.reader(), site, session.version.major).scope_ids(desired)
