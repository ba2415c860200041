"""Change-safety commands: unlock, history, rollback, export, forget, import.

Each is a few lines over ``Harmonizer.safety`` (``harmonizer.safety.service.SiteSafety``);
anything that writes shows what it will do and asks first (``--yes`` / ``--auto-approve``
skip the question; without a terminal they are required).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from harmonizer.commands.common import app_from, handle_errors, render_plan_as, selectors_from, stderr
from harmonizer.commands.core import confirm_or_refuse, report_apply
from harmonizer.errors import ConfigError, HarmonizerError

if TYPE_CHECKING:
    from harmonizer.project import Harmonizer


def _one_site(app: Harmonizer, selector: str) -> str:
    names = app.select(selectors_from((selector,), (), ()))
    if len(names) != 1:
        raise ConfigError(f"name exactly one site (site=NAME), got {len(names)}: {', '.join(names)}")
    return names[0]


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise HarmonizerError("refusing without confirmation: stdin is not a terminal (pass --yes)")
    if not click.confirm(question, default=False):
        stderr("Cancelled: nothing was changed.")
        sys.exit(1)


def register(group: click.Group) -> None:
    @group.command()
    @click.argument("site")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.pass_context
    @handle_errors
    def unlock(ctx: click.Context, site: str, yes: bool) -> None:
        """Break the apply lock of a site's Odoo database (after a killed run)."""
        app = app_from(ctx)
        name = _one_site(app, site)
        held = app.safety.lock_status(name)
        if held is None:
            click.echo(f"Site {name}: not locked.")
            return
        state = "expired" if held.expired else "ACTIVE"
        click.echo(f"Site {name}: locked by {held.describe()} [{state}].")
        _confirm("Break this lock?", yes)
        app.safety.unlock(name)
        click.echo("Lock removed.")

    @group.command()
    @click.argument("site")
    @click.option("--limit", type=int, default=20, show_default=True)
    @click.pass_context
    @handle_errors
    def history(ctx: click.Context, site: str, limit: int) -> None:
        """List past applies of a site, as recorded in its Odoo (newest first)."""
        app = app_from(ctx)
        name = _one_site(app, site)
        records = app.safety.history(name)
        if not records:
            click.echo(f"Site {name}: no recorded apply.")
        for record in records[:limit]:
            counts: dict[str, int] = {}
            for change in record.applied:
                counts[change["action"]] = counts.get(change["action"], 0) + 1
            summary = ", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "nothing applied"
            status = "ok" if record.ok else f"FAILED ({record.error})"
            extra = f" reverts {', '.join(record.reverts)}" if record.reverts else ""
            click.echo(f"{record.id}  {record.when}  {record.kind:<8} {record.who}@{record.host}  "
                       f"{summary}  {status}{extra}")

    @group.command()
    @click.argument("site")
    @click.option("--to", "to", default=None, help="Undo every apply down to and including this APPLY_ID.")
    @click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
    @click.option("--allow-delete", is_flag=True, help="Allow deletions without a confirmation prompt.")
    @click.pass_context
    @handle_errors
    def rollback(ctx: click.Context, site: str, to: str | None, auto_approve: bool, allow_delete: bool) -> None:
        """Restore the before-values recorded for the last apply (or down to --to), as a plan."""
        app = app_from(ctx)
        name = _one_site(app, site)
        built = app.safety.rollback_plan(name, to)
        plan = app.safety.as_plan(built)
        stderr(f"Rolling back {', '.join(built.reverts)}.")
        click.echo(render_plan_as(plan, "text"), nl=False)
        for note in built.notes:
            stderr(f"Note: {note}")
        if not plan.has_changes:
            return
        confirm_or_refuse(plan, auto_approve=auto_approve, allow_delete=allow_delete)
        from harmonizer.project import SiteApply

        try:
            outcome = SiteApply(name, app.safety.apply_rollback(built))
        except HarmonizerError as exc:
            outcome = SiteApply(name, getattr(exc, "result", None), str(exc).splitlines()[0])
        report_apply([outcome])

    @group.command("export")
    @click.argument("site")
    @click.argument("kinds", nargs=-1)
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Template folder to write (default: site_templates/export-<site>).")
    @click.option("--bind", is_flag=True,
                  help="Also bind the exported records (create their harmonizer external IDs), so the "
                       "exported template plans without changes on this site.")
    @click.pass_context
    @handle_errors
    def export_command(ctx: click.Context, site: str, kinds: tuple[str, ...], out: Path | None,
                       bind: bool) -> None:
        """Write template YAML from the live records of a site (KIND...: only these kinds)."""
        app = app_from(ctx)
        name = _one_site(app, site)
        folder = out or app.root / "site_templates" / f"export-{name}"
        if folder.exists() and any(folder.iterdir()):
            raise ConfigError(f"{folder} exists and is not empty: choose another --out")
        exported = app.safety.export(name, list(kinds), folder.name)
        folder.mkdir(parents=True, exist_ok=True)
        for file, text in exported.files.items():
            (folder / file).write_text(text)
        for line in exported.skipped:
            stderr(f"Skipped {line}")
        click.echo(f"Wrote {len(exported.files)} file(s) to {folder}.")
        if bind:
            click.echo(f"Bound {app.safety.bind_exported(name, exported)} record(s) to their exported resources.")
        elif exported.unbound:
            click.echo(f"{len(exported.unbound)} exported record(s) are not managed by harmonizer yet: rerun with "
                       "--bind (or `harmonizer import` them) before planning the exported template here.")

    @group.command()
    @click.argument("site")
    @click.argument("address")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.pass_context
    @handle_errors
    def forget(ctx: click.Context, site: str, address: str, yes: bool) -> None:
        """Release a record from management (remove its external ID; the record stays)."""
        app = app_from(ctx)
        binding = app.safety.find_to_forget(_one_site(app, site), address)
        click.echo(f"Forget: {binding.describe()}")
        _confirm("Remove this external ID (the record itself is kept)?", yes)
        app.safety.unbind(binding)
        click.echo(f"{address} is no longer managed on site {binding.site}.")

    @group.command("import")
    @click.argument("site")
    @click.argument("address")
    @click.option("--match", "match", multiple=True, required=True, help="field=value identifying the record.")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.pass_context
    @handle_errors
    def import_command(ctx: click.Context, site: str, address: str, match: tuple[str, ...], yes: bool) -> None:
        """Bind an existing Odoo record to a declared resource (creates its external ID)."""
        from harmonizer.safety.adopt import parse_match

        app = app_from(ctx)
        binding = app.safety.find_to_import(_one_site(app, site), address, parse_match(match))
        click.echo(f"Import: {binding.describe()}")
        _confirm("Bind this record?", yes)
        app.safety.bind(binding)
        click.echo(f"Bound. `harmonizer plan site={binding.site}` now shows only real differences.")
