"""The core commands: plan, apply, validate, render, sites, doctor."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from harmonizer.commands.common import (
    app_from,
    color_enabled,
    handle_errors,
    render_plan_as,
    selectors_from,
    stderr,
    with_selectors,
)
from harmonizer.commands.impact_options import apply_impact_options, with_impact_options
from harmonizer.errors import ConfigError, HarmonizerError

if TYPE_CHECKING:
    from harmonizer.plan.model import Plan
    from harmonizer.project import SiteApply


def confirm_or_refuse(plan: Plan, *, auto_approve: bool, allow_delete: bool) -> None:
    """Ask before applying; without a terminal (or with --auto-approve) deletions need --allow-delete."""
    from harmonizer.safety.protect import deletions

    deleting = deletions(plan)
    interactive = sys.stdin.isatty() and not auto_approve
    if deleting and not allow_delete and not interactive:
        more = f" (and {len(deleting) - 3} more)" if len(deleting) > 3 else ""
        raise HarmonizerError(f"refusing to delete without --allow-delete in a non-interactive run: "
                              f"{', '.join(deleting[:3])}{more}; nothing was changed")
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise HarmonizerError("refusing to apply without confirmation: stdin is not a terminal "
                              "(pass --auto-approve)")
    if not click.confirm("Apply these changes?", default=False):
        stderr("Apply cancelled: nothing was changed.")
        sys.exit(1)


def report_apply(outcomes: list[SiteApply], fmt: str = "text") -> None:
    from harmonizer.render import render_apply
    from harmonizer.render.apply_json import render_apply_json

    if fmt == "json":
        click.echo(render_apply_json(outcomes), nl=False)
    else:
        click.echo(render_apply(outcomes, color=color_enabled()), nl=False)
    for outcome in outcomes:
        for warning in outcome.result.warnings if outcome.result else []:
            stderr(f"Warning: {warning}")
    if not all(o.ok for o in outcomes):
        sys.exit(1)


def register(group: click.Group) -> None:
    @group.command()
    @with_selectors
    @click.option("--detailed-exitcode", is_flag=True, help="Exit 0: no changes, 2: changes, 1: error.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                  help="Also save the plan (JSON with fingerprints, no secret) here, for `apply FILE`.")
    @click.option("--target", "targets", multiple=True, help="Only this resource ADDRESS (and what it needs).")
    @with_impact_options
    @click.pass_context
    @handle_errors
    def plan(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
             detailed_exitcode: bool, fmt: str, out: Path | None, targets: tuple[str, ...], **impact: Any) -> None:
        """Show what apply would change, field by field, and what each changed rule would
        match on live data (the impact preview)."""
        app = app_from(ctx)
        apply_impact_options(app, impact)
        chosen = selectors_from(selectors, sites, tags)
        for warning in app.secret_warnings(chosen):
            stderr(f"Warning: {warning}")
        result = app.plan(chosen, targets=list(targets))
        click.echo(render_plan_as(result, fmt), nl=False)
        if out is not None:
            out.write_text(json.dumps(result.to_dict(), indent=2) + "\n")
            stderr(f"Saved the plan to {out}.")
        if result.failures:
            sys.exit(1)
        if detailed_exitcode and result.has_changes:
            sys.exit(2)


    @group.command()
    @with_selectors
    @click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
    @click.option("--target", "targets", multiple=True, help="Only this resource ADDRESS (and what it needs).")
    @click.option("--allow-delete", is_flag=True, help="Allow deletions without a confirmation prompt.")
    @click.option("--rollout", "rollout_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="Apply many sites in the waves of this rollout file (see `harmonizer rollout`).")
    @click.option("--wave", "waves", multiple=True,
                  help="Apply many sites in waves, one per option, in order (e.g. --wave tag=pilot --wave all).")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                  help="json: the plan is not shown; the apply's result (with verification) as JSON.")
    @with_impact_options
    @click.pass_context
    @handle_errors
    def apply(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
              auto_approve: bool, targets: tuple[str, ...], allow_delete: bool, rollout_file: Path | None,
              waves: tuple[str, ...], fmt: str, **impact: Any) -> None:
        """Plan, show, confirm, then apply exactly that plan (or apply a saved plan FILE).

        With --rollout FILE or --wave, sites are applied wave by wave (parallel within a wave,
        re-planned after it, stopping at the first failure): the same as `harmonizer rollout`.
        """
        if rollout_file is not None or waves:
            if selectors or sites or tags or targets:
                raise ConfigError("a rollout chooses its sites by waves: give no site selectors or --target")
            if not auto_approve:
                raise HarmonizerError("a rollout applies each wave's plan as it comes, without showing it first: "
                                      "review with `harmonizer plan`, then pass --auto-approve")
            rollout = ctx.find_root().command.commands["rollout"]  # type: ignore[attr-defined]
            ctx.invoke(rollout, file=rollout_file, waves=waves, to_version=None, parallelism=None, name=None,
                       restart=False, fmt="text", progress=None)
            return
        from harmonizer.plan.model import Plan
        from harmonizer.safety.protect import limit_to_targets

        app = app_from(ctx)
        apply_impact_options(app, impact)
        saved = [s for s in selectors if s.endswith(".json") and Path(s).is_file()]
        if saved:
            if len(saved) != len(selectors) or sites or tags:
                raise ConfigError("give either one saved plan file or site selectors, not both")
            result = Plan.from_dict(json.loads(Path(saved[0]).read_text()))
            if targets:
                result = replace(result, sites=tuple(limit_to_targets(s, list(targets)) for s in result.sites))
        else:
            result = app.plan(selectors_from(selectors, sites, tags), targets=list(targets))
        if fmt == "text" or result.failures:
            click.echo(render_plan_as(result, fmt), nl=False)
        if result.failures:
            stderr("Apply stopped before writing anything: the plan failed (see above); rerun once the cause is gone.")
            sys.exit(1)
        if not result.has_changes:
            from harmonizer.safety.lock import removed_note

            for site_plan in result.sites:  # a lock an earlier apply left behind, cut off after its last write
                removed = app.clear_left_lock(site_plan.site)
                if removed is not None:
                    stderr(f"{site_plan.site}: {removed_note(removed)}")
            if fmt == "json":
                report_apply([], fmt)
            return
        confirm_or_refuse(result, auto_approve=auto_approve, allow_delete=allow_delete)
        outcomes = app.apply(result, saved=bool(saved))
        report_apply(outcomes, fmt)


    @group.command()
    @click.pass_context
    @handle_errors
    def validate(ctx: click.Context) -> None:
        """Check every template and site offline."""
        app = app_from(ctx)
        errors = app.validate()
        if not errors:
            for warning in app.secret_warnings():
                stderr(f"Warning: {warning}")
        for error in errors:
            stderr(f"Error: {error}")
        if errors:
            sys.exit(1)
        names = app.select(["all"])
        click.echo(f"OK: {len(app.project.templates)} template(s), {len(names)} site(s) valid.")


    @group.command()
    @with_selectors
    @click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
    @click.pass_context
    @handle_errors
    def render(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...],
               fmt: str) -> None:
        """Print the rendered desired state of sites (secrets redacted), with a policies section:
        each policy block's rules and the resources they compile to."""
        from harmonizer.render.desired import render_desired

        app = app_from(ctx)
        states = [app.render(name) for name in app.select(selectors_from(selectors, sites, tags))]
        click.echo(render_desired(states, fmt), nl=False)


    @group.command("sites")
    @click.pass_context
    @handle_errors
    def sites_command(ctx: click.Context) -> None:
        """List the sites with their template, tags and Odoo."""
        from harmonizer.render.sites import render_sites

        app = app_from(ctx)
        click.echo(render_sites(app.project), nl=False)


    @group.command()
    @with_selectors
    @click.pass_context
    @handle_errors
    def doctor(ctx: click.Context, selectors: tuple[str, ...], sites: tuple[str, ...], tags: tuple[str, ...]) -> None:
        """Check reachability, login, version, modules and access rights of sites."""
        from harmonizer.doctor import run_doctor
        from harmonizer.render.doctor import render_doctor

        app = app_from(ctx)
        reports = [run_doctor(app, name) for name in app.select(selectors_from(selectors, sites, tags))]
        click.echo(render_doctor(reports), nl=False)
        if not all(r.ok for r in reports):
            sys.exit(1)
