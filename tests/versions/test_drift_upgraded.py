"""`harmonizer drift` on a site whose database was upgraded from 17.0 to 18.0, with the trigger
fields Odoo fills by itself in every shape: each field is classified, none is an internal error
(real 18.0 and 19.0 sites used to fail on the trigger fields of a rule declared for <18.0)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from versions_helpers import ENV, set_version

from harmonizer.cli import main
from harmonizer.odoo import sandbox_link
from harmonizer.project import Harmonizer
from harmonizer.sandbox.service import SandboxServer

DATABASES = ("harmonizer_demo", "harmonizer_east")


def _converged_then_upgraded(make_project: Callable[..., Path]) -> tuple[Path, Path]:
    root = make_project("17.0")
    app = Harmonizer(root, env=ENV)
    assert all(result.ok for result in app.apply(app.plan(["all"])))
    old_home, new_home = app.sandbox_home / "17.0", app.sandbox_home / "18.0"
    server = SandboxServer(old_home, "17.0")
    for name in DATABASES:
        sandbox_link.unregister_sandbox(name)
        server.upgrade_database(name, "18.0", into=new_home)
        (new_home / f"{name}.seeded").write_text("upgraded\n")
    server.close()
    set_version(root, "18.0")
    return root, new_home


def _fill_trigger_fields(home: Path) -> int:
    """Give harmonizer's automations server-filled trigger fields of every shape: none, the
    rule's own model's fields, a field of another model, one that is not stored."""
    server = SandboxServer(home, "18.0")
    try:
        with server.env("harmonizer_demo") as env:
            rules = env["base.automation"].search_read([("name", "like", "[Harmonizer]")], ["model_id"])
            fields = env["ir.model.fields"].search_read([], ["model_id", "name", "store"])
            shapes: list[list[int]] = [[]]
            for rule in rules:
                own = [f["id"] for f in fields if f["model_id"] and f["model_id"][0] == rule["model_id"][0]]
                shapes += [own[:1], own[:3]]
            other = [f["id"] for f in fields if f["model_id"] and f["model_id"][0] != rules[0]["model_id"][0]]
            unstored = [f["id"] for f in fields if not f["store"]]
            shapes += [other[:1], unstored[:1], other[:1] + unstored[:1]]
            for index, rule in enumerate(rules):
                env.store.unlink_links(env.spec("base.automation"),
                                       env.spec("base.automation").fields["trigger_field_ids"], rule["id"])
                env.store.link(env.spec("base.automation"), env.spec("base.automation").fields["trigger_field_ids"],
                               rule["id"], shapes[index % len(shapes)])
            return len(rules)
    finally:
        server.close()


def test_drift_on_an_upgraded_18_site_classifies_every_trigger_field(make_project: Callable[..., Path]) -> None:
    root, home = _converged_then_upgraded(make_project)
    assert _fill_trigger_fields(home) >= 4
    result = CliRunner().invoke(main, ["--project", str(root), "drift", "--format", "json"], env=ENV)
    assert "internal error" not in result.output and "Traceback" not in result.output, result.output[-2000:]
    assert result.exit_code in (0, 2), result.output[-2000:]
    assert '"trigger_fields"' in result.output
