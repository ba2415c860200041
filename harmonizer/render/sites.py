"""``harmonizer sites``: one line per site with its template, tags and Odoo."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table


def render_sites(project: Any, *, color: bool = False) -> str:
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("site", "template", "pinned", "tags", "odoo", "database", "scope"):
        table.add_column(column)
    for name in sorted(project.sites):
        site = project.sites[name]
        template = project.templates.get(site.template)
        version = template.version if template is not None else "?"
        scope = " / ".join(x for x in (site.scope.company, site.scope.warehouse) if x)
        table.add_row(name, f"{site.template}@{version}", site.template_version or "-",
                      ",".join(site.tags) or "-", site.odoo.url, site.odoo.database, scope or "-")
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=color, no_color=not color, width=200).print(table)
    return buffer.getvalue()
