"""A site converged on 17.0, its database upgraded to 18.0 (and on to 19.0) the way Odoo
migrates these fields, then planned on the new version: only real changes, no false ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from versions_helpers import ENV, set_version

from harmonizer.kinds.automation import domain_field_names
from harmonizer.odoo import sandbox_link
from harmonizer.plan.model import Action, Plan
from harmonizer.project import Harmonizer
from harmonizer.sandbox.service import SandboxServer

DATABASES = ("harmonizer_demo", "harmonizer_east")


def _changes(plan: Plan) -> list[tuple[str, str, str, list[str]]]:
    return [(site.site, change.address, change.action.value, [f.key for f in change.fields])
            for site in plan.sites for change in site.changes if change.action is not Action.NOOP]


def _not_18_fills(plan: Plan) -> list[tuple[str, str, str, list[str]]]:
    """The changes of ``plan`` other than 18.0's own fill of empty trigger fields.

    A rule converged on 17.0 with empty ``trigger_fields`` (on_create_or_write/on_write: any
    field) keeps them empty through the upgrade; 18.0 stores the fields its domain names
    instead (it fills them on every write), so the plan writes exactly those, carrying the
    trigger group along (``write_together``). Anything else is a false difference.
    """
    out = []
    for site, address, action, keys in _changes(plan):
        change = next(c for s in plan.sites if s.site == site for c in s.changes if c.address == address)
        fill = {f.key: f for f in change.fields if not f.carried}
        trigger = fill.get("trigger_fields")
        if (change.kind == "automation" and action == "update" and set(fill) == {"trigger_fields"}
                and trigger is not None and trigger.before == []
                and [r["label"] for r in trigger.after] == sorted(domain_field_names(
                    next(f.after for f in change.fields if f.key == "filter_domain")))):
            continue
        out.append((site, address, action, keys))
    return out


def _upgrade(app: Harmonizer, root: Path, old: str, new: str) -> None:
    """Migrate every sandbox database of the project from ``old`` to ``new`` and point the sites at it."""
    old_home, new_home = app.sandbox_home / old, app.sandbox_home / new
    server = SandboxServer(old_home, old)
    for name in DATABASES:
        sandbox_link.unregister_sandbox(name)
        server.upgrade_database(name, new, into=new_home)
        (new_home / f"{name}.seeded").write_text("upgraded\n")
    server.close()
    set_version(root, new)


def _converged(make_project: Callable[..., Path], version: str) -> tuple[Harmonizer, Path]:
    root = make_project(version)
    app = Harmonizer(root, env=ENV)
    plan = app.plan(["all"])
    assert not plan.failures
    assert all(result.ok for result in app.apply(plan))
    assert _changes(app.plan(["all"])) == []
    return app, root


def test_upgrade_17_to_18_plans_nothing(make_project: Callable[..., Path]) -> None:
    app, root = _converged(make_project, "17.0")
    _upgrade(app, root, "17.0", "18.0")
    app = Harmonizer(root, env=ENV)
    plan = app.plan(["all"])
    assert not plan.failures
    assert {site.odoo_version.split("+")[0].split("-")[0] for site in plan.sites} == {"18.0"}
    # numbercall/doall are gone, explicit trigger fields kept their stored values: only the
    # empty trigger fields 18.0 fills from the domain are written
    assert _not_18_fills(plan) == []
    assert any(c.kind == "automation" for s in plan.sites for c in s.changes if c.action is Action.UPDATE)


def test_upgrade_keeps_records_and_drops_removed_fields(make_project: Callable[..., Path]) -> None:
    app, root = _converged(make_project, "17.0")
    _upgrade(app, root, "17.0", "18.0")
    server = SandboxServer(app.sandbox_home / "18.0", "18.0")
    ex = lambda *a: server.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", *a])  # noqa: E731
    crons = ex("ir.cron", "search_read", [[["name", "like", "[Harmonizer]"]]], {"fields": ["interval_number",
                                                                                            "failure_count"]})
    assert crons and crons[0]["interval_number"] == 4 and crons[0]["failure_count"] == 0
    with pytest.raises(Exception, match="Invalid field 'numbercall'"):
        ex("ir.cron", "read", [[crons[0]["id"]], ["numbercall"]])
    server.close()


def test_upgrade_on_to_19_plans_only_what_19_requires(make_project: Callable[..., Path]) -> None:
    app, root = _converged(make_project, "17.0")
    _upgrade(app, root, "17.0", "18.0")
    app = Harmonizer(root, env=ENV)
    assert _not_18_fills(app.plan(["all"])) == []
    server18 = SandboxServer(app.sandbox_home / "18.0", "18.0")
    groups = [server18.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", "res.groups", "create",
                                                         [{"name": f"Upgrade group {n}"}]]) for n in (1, 2)]
    server18.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", "res.users", "write",
                                               [[2], {"groups_id": [(6, 0, groups)]}]])
    server18.close()
    _upgrade(app, root, "18.0", "19.0")
    app = Harmonizer(root, env=ENV)
    plan = app.plan(["all"])
    assert not plan.failures
    # po_lead no longer exists on 19.0 (not managed there); everything else is unchanged
    assert _changes(plan) == []
    server = SandboxServer(app.sandbox_home / "19.0", "19.0")
    ex = lambda *a: server.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", *a])  # noqa: E731
    users = ex("res.users", "search_read", [[["login", "=", "admin"]]], {"fields": ["group_ids"]})
    assert groups and users[0]["group_ids"] == groups, "groups survive the groups_id -> group_ids rename"
    server.close()


def test_upgrade_from_16_is_not_implemented(tmp_path: Path) -> None:
    server = SandboxServer(tmp_path, "16.0")
    server.ensure_database("old", fixture="minimal")
    with pytest.raises(NotImplementedError, match=r"cannot upgrade a database from 16\.0"):
        server.upgrade_database("old", "17.0")
    server.close()
