"""``harmonizer schema site|template|resources``: the JSON Schema of a configuration file, for editors."""

from __future__ import annotations

import click

from harmonizer.commands.common import handle_errors


def register(group: click.Group) -> None:
    @group.command()
    @click.argument("name", type=click.Choice(["site", "template", "resources"]))
    @handle_errors
    def schema(name: str) -> None:
        """Print the JSON Schema of site files, template headers (template.yaml) or resource files.

        Point an editor at it with a first line such as
        ``# yaml-language-server: $schema=../schemas/site.schema.json`` (see docs/configuration.md).
        """
        from harmonizer.project import json_schema

        click.echo(json_schema(name), nl=False)
