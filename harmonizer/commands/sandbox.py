"""``harmonizer sandbox``: the embedded Odoo stand-in."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from harmonizer.commands.common import app_from, handle_errors, stderr
from harmonizer.errors import HarmonizerError


def _seed(ctx: click.Context, home: Path, version: str) -> list[str]:
    """Create the project's sandbox databases (fixtures of sandbox.yaml) that do not exist yet."""
    from harmonizer.project import find_root
    from harmonizer.sandbox.service import SandboxServer
    from harmonizer.sandboxes import database_fixtures

    try:
        fixtures = database_fixtures(find_root(ctx.find_root().params.get("project")))
    except HarmonizerError:
        fixtures = {"harmonizer_demo": "demo"}
    server = SandboxServer(home, version)
    try:
        for name, fixture in fixtures.items():
            server.ensure_database(name, fixture=fixture)
        return server.list_databases()
    finally:
        server.close()


def register(group: click.Group) -> None:
    @group.group()
    def sandbox() -> None:
        """The embedded Odoo stand-in."""


    @sandbox.command()
    @click.option("--port", type=int, default=8069, show_default=True)
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--odoo-version", type=click.Choice(["16.0", "17.0", "18.0", "19.0", "16", "17", "18", "19"]),
                  default="17.0", show_default=True)
    @click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Where the sandbox databases live (default: the project's .harmonizer/sandbox).")
    @click.pass_context
    @handle_errors
    def serve(ctx: click.Context, port: int, host: str, odoo_version: str, home: Path | None) -> None:
        """Serve the stand-in over HTTP (XML-RPC and JSON-RPC) until Ctrl-C."""
        from harmonizer.project import Harmonizer, find_root
        from harmonizer.sandbox.serve import serve as serve_http

        version = odoo_version if "." in odoo_version else f"{odoo_version}.0"
        if home is None:
            home = Harmonizer(find_root(ctx.find_root().params.get("project"))).sandbox_home / version
        home.mkdir(parents=True, exist_ok=True)
        names = _seed(ctx, home, version)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        stderr(f"Odoo {version} stand-in on http://{host}:{port}, databases {', '.join(names)} (in {home}); "
               "users admin/admin and clerk/clerk; Ctrl-C to stop.")
        serve_http(home=home, port=port, host=host, version=version)


    @sandbox.command()
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.pass_context
    @handle_errors
    def reset(ctx: click.Context, yes: bool) -> None:
        """Delete the sandbox databases; they are seeded again on next use."""
        import shutil

        app = app_from(ctx)
        if not yes and not click.confirm(f"Delete {app.sandbox_home}?", default=False):
            sys.exit(1)
        shutil.rmtree(app.sandbox_home, ignore_errors=True)
        click.echo("Sandbox reset.")
