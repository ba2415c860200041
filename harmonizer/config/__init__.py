"""Configuration: site templates and site files (YAML) -> validated, rendered desired state.

``load_project(root)`` reads ``site_templates/`` and ``sites/`` with line numbers and checks
every file; ``Project.render(site)`` renders one site's template with Jinja2 into a
``harmonizer.model.DesiredState``; ``Project.validate()`` does everything offline, including
the checks across sites. Every problem is a ``ConfigError`` located by file and line.
The formats are documented in ``docs/configuration.md``.
"""

from harmonizer.config.project import Project, load_project
from harmonizer.config.render import SecretText
from harmonizer.config.site import OdooSettings, Site, Waiver
from harmonizer.config.template import RawResource, Template
from harmonizer.config.variables import SecretSource, Variable

__all__ = [
    "OdooSettings",
    "Project",
    "RawResource",
    "SecretSource",
    "SecretText",
    "Site",
    "Template",
    "Variable",
    "Waiver",
    "load_project",
]
