"""Checks of what a template deploys into Odoo, before anything is written.

Domains (parsed as Odoo parses them, operators of the site's version, field paths through
every relation) and server-side Python (compiles, no construct Odoo's safe_eval refuses,
only names its evaluation context offers), per resource kind (``checks.resources``),
against the offline field index of 16.0-19.0 (``checks.fieldindex``).

``check_resources`` runs on one site's rendered resources for the Odoo versions it may run:
a problem that does not depend on the version is reported once; one that does (an unknown
field, an operator or a name of another version) only when it holds on every candidate
version (``validate`` of a site whose version is not declared checks 16.0-19.0 and reports
what no version accepts; ``plan`` checks the version the server reports).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from harmonizer.checks.domains import Finding
from harmonizer.checks.fieldindex import MAJORS, field_index
from harmonizer.checks.resources import CHECKERS
from harmonizer.errors import ConfigError, Location
from harmonizer.memo import beside
from harmonizer.model import Resource

#: Where a finding goes: (resource, body key, 1-based line within the value) -> location.
Locate = Callable[[Resource, str, int], Location]


def check_resources(resources: Mapping[str, Resource], majors: Sequence[int] = MAJORS,
                    locate: Locate | None = None) -> list[ConfigError]:
    """Every problem of ``resources`` on the Odoo versions ``majors`` (see the module rules)."""
    where = locate or (lambda resource, key, _line: resource.location_of(key))
    errors: list[ConfigError] = []
    for resource in resources.values():
        checker = CHECKERS.get(resource.kind)
        if checker is None:
            continue
        candidates = [m for m in majors if resource.on_version(m)]
        if not candidates:
            continue
        per_major = [_checked(resource, checker, m) for m in candidates]
        for key, finding in _common(per_major):
            suffix = f" (Odoo {_versions(candidates)})" if finding.versioned else ""
            errors.append(ConfigError(f"{resource.address}: {key}: {finding.message}{suffix}{finding.detail}",
                                      where(resource, key, finding.line)))
    return errors


#: Where a rendered resource keeps its findings per checker and version (``memo.beside``).
_FOUND = "_check_findings"


def _checked(resource: Resource, checker: Callable[..., list[tuple[str, Finding]]], major: int
             ) -> list[tuple[str, Finding]]:
    """The checker's findings on ``resource`` for ``major``: once per rendered resource (sites
    of a template share most of theirs), a fresh list each time."""
    found = beside(resource, _FOUND, (checker, major), lambda: tuple(checker(resource.body, field_index(major))))
    return list(found)


def _common(per_major: list[list[tuple[str, Finding]]]) -> list[tuple[str, Finding]]:
    """Findings of the first version that every other version has too (version-free ones always)."""
    first, others = per_major[0], per_major[1:]
    return [item for item in first if not item[1].versioned or all(item in other for other in others)]


def _versions(majors: Sequence[int]) -> str:
    if len(majors) == 1:
        return f"{majors[0]}.0"
    return f"{majors[0]}.0-{majors[-1]}.0"
