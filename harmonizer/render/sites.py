"""``harmonizer sites``: one line per site with its template, the version it is on, tags and Odoo.

``version`` is the template version the site follows (its pin, else the template's current
version); ``pinned`` says whether the site file pins it; ``current`` is the template's
current version, so a site still on an older version during a rollout stands out.
``excluded`` counts the site's exclusions (``exclude:`` entries) and ``local`` its own
resources and policy blocks (``sites/<site>/``).
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table


def render_sites(project: Any, *, color: bool = False) -> str:
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("site", "template", "version", "pinned", "current", "tags", "odoo", "database", "scope",
                   "excluded", "local"):
        table.add_column(column)
    for name in sorted(project.sites):
        site = project.sites[name]
        template = project.templates.get(site.template)
        current = template.version if template is not None else "?"
        version = site.template_version or current
        scope = " / ".join(x for x in (site.scope.company, site.scope.warehouse) if x)
        table.add_row(name, site.template, version, "yes" if site.template_version else "-",
                      current if version != current else "=", ",".join(site.tags) or "-",
                      site.odoo.url, site.odoo.database, scope or "-", str(len(site.exclusions)),
                      str(len(site.local) + len(site.local_blocks)))
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=color, no_color=not color, width=200).print(table)
    return buffer.getvalue()
