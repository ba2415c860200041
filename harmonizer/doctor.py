"""``doctor``: can harmonizer work with a site's Odoo, and if not, what exactly is missing.

Checks, in order (later checks need the earlier ones): the server answers, the login
works, the version is supported, the modules behind the template's models are installed,
and the user has the access rights harmonizer needs on every model it reads or writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harmonizer.errors import HarmonizerError
from harmonizer.kinds.registry import KINDS

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer

SUPPORTED_MAJORS = (16, 17, 18, 19)
#: What harmonizer itself needs beyond the kinds' models.
CORE_ACCESS = {"ir.model.data": ("read", "create", "write", "unlink"), "ir.model": ("read",),
               "ir.model.fields": ("read",)}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    warning: bool = False


@dataclass
class DoctorReport:
    site: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str, warning: bool = False) -> bool:
        self.checks.append(Check(name, ok, detail, warning))
        return ok


def _models_used(app: Harmonizer, site: str) -> set[str]:
    models: set[str] = set()
    for resource in app.render(site):
        body = resource.body
        if isinstance(body.get("model"), str):
            models.add(body["model"])
    return models


def _access_needed(app: Harmonizer, site: str) -> dict[str, tuple[str, ...]]:
    needed = dict(CORE_ACCESS)
    for resource in app.render(site):
        kind = KINDS[resource.kind]
        needed[kind.model] = ("read", "create", "write", "unlink") if kind.owned else ("read", "write")
    return needed


def run_doctor(app: Harmonizer, site: str) -> DoctorReport:
    report = DoctorReport(site)
    try:
        config = app.project.sites[site]
        models = _models_used(app, site)
        needed = _access_needed(app, site)
    except HarmonizerError as exc:
        report.add("configuration", False, str(exc))
        return report
    report.add("configuration", True, f"template {config.template}, {config.odoo.url} database {config.odoo.database}")
    try:
        with app.session(site) as session:
            _online_checks(report, session, config, models, needed)
    except HarmonizerError as exc:
        report.add("connection", False, str(exc))
    return report


def _online_checks(report: DoctorReport, session: Any, config: Any, models: set[str],
                   needed: dict[str, tuple[str, ...]]) -> None:
    version = session.version
    report.add("login", True, f"logged in as {config.odoo.login} (uid {session.uid})")
    if not report.add("version", version.major in SUPPORTED_MAJORS, f"Odoo {version.full}"):
        return
    protocol = session.settings.effective_protocol if hasattr(session, "settings") else None
    if version.major >= 19 and protocol in ("xmlrpc", "jsonrpc"):
        report.add("protocol", True, f"{protocol} works but is deprecated in Odoo 19: use protocol: json2 "
                                     "with an API key", warning=True)
    reader = session.reader()
    found = {r["model"] for r in reader.search_read("ir.model", [("model", "in", sorted(models))], ["model"])}
    missing = sorted(models - found)
    modules = sorted(session.installed_modules())
    report.add("modules", not missing, f"models missing (install their modules): {', '.join(missing)}" if missing
               else f"all {len(models)} models the template uses exist ({len(modules)} modules installed)")
    denied = []
    for model, operations in sorted(needed.items()):
        for operation in operations:
            # by keyword: over JSON-2 a positional first argument becomes ``ids``, which Odoo 19
            # refuses for this model-level method (HTTP 422 "cannot call ... with ids")
            allowed = reader.call_read(model, "check_access_rights", operation=operation, raise_exception=False)
            if not allowed:
                denied.append(f"{operation} {model}")
    report.add("access rights", not denied, "missing: " + ", ".join(denied) if denied
               else f"read/write as needed on {len(needed)} models")
