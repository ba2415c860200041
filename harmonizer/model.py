"""Desired state: what the configuration says a site should look like.

``config`` produces a ``DesiredState`` per site; ``plan`` compares it with the live Odoo.
Everything here is plain frozen data, free of any Odoo id: references between resources are
addresses (``kind.name``), resolved to ids only at plan time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from harmonizer.errors import Location

if TYPE_CHECKING:
    from harmonizer.access.spec import AccessSpec


class Level(StrEnum):
    """Where a resource lives: shared by a whole database, or per company/warehouse."""

    DATABASE = "database"
    COMPANY = "company"
    WAREHOUSE = "warehouse"


def address_of(kind: str, name: str) -> str:
    return f"{kind}.{name}"


@dataclass(frozen=True)
class Resource:
    """One declared resource, rendered for one site.

    ``body`` holds the validated field values in the kind's own vocabulary (plain JSON-like
    data). ``locations`` maps a top-level body key to where it was written, for errors.
    ``secret_keys`` are body keys whose value came from a secret variable: always redacted
    in output. ``variables`` maps a body key to the template variables its value used.
    ``prevent_destroy`` is a meta key of the resource, not a body field: a plan that would
    delete the resource's record fails (see ``harmonizer.safety.protect``).
    ``block``/``rule`` name the policy block (and its rule) a compiled resource came from
    (``None`` for a hand-written resource); compiled resources plan and apply like any other.
    """

    kind: str
    name: str
    body: Mapping[str, Any]
    location: Location
    locations: Mapping[str, Location] = field(default_factory=dict)
    secret_keys: frozenset[str] = frozenset()
    variables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prevent_destroy: bool = False
    block: str | None = None
    rule: str | None = None
    #: Meta key ``odoo_versions`` (e.g. ``">=17.0"``): the Odoo versions the resource exists on.
    #: ``None``: every version. On another version the planner leaves it out of the plan with
    #: a note (never creating, updating or deleting its record); see ``versions_match``.
    odoo_versions: str | None = None
    #: Declared in the site's own folder (``sites/<site>/``), not by the template: a site-local
    #: resource. Its owned record's external ID carries the site's name (``Kind.xmlid_name``).
    local: bool = False

    @functools.cached_property
    def address(self) -> str:  # kept in the instance's __dict__: not a field (equality ignores it)
        return address_of(self.kind, self.name)

    def on_version(self, major: int) -> bool:
        """Does the resource exist on Odoo ``major`` (its ``odoo_versions``, if any)?"""
        return self.odoo_versions is None or versions_match(self.odoo_versions, major)

    def location_of(self, key: str) -> Location:
        return self.locations.get(key, self.location)


_CONSTRAINT = re.compile(r"^\s*(>=|<=|==|!=|>|<)?\s*(\d+)(?:\.0)?\s*$")
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
}


def parse_versions(spec: str) -> list[tuple[str, int]]:
    """An ``odoo_versions`` spec as (operator, major) constraints, all of which must hold.

    The form: comma-separated constraints on Odoo's major version, each an operator
    (``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=``; none means ``==``) and a version written
    ``17`` or ``17.0`` (Odoo's minor is always 0): ``">=17.0"``, ``">=16.0, <18.0"``.
    Raises ``ValueError`` on anything else.
    """
    out: list[tuple[str, int]] = []
    for part in str(spec).split(","):
        found = _CONSTRAINT.match(part)
        if found is None:
            raise ValueError(f"{part.strip()!r} is not a version constraint (write e.g. '>=17.0' or "
                             "'>=16.0, <18.0')")
        out.append((found.group(1) or "==", int(found.group(2))))
    return out


def versions_match(spec: str, major: int) -> bool:
    """Does Odoo ``major`` satisfy every constraint of ``spec`` (see ``parse_versions``)?"""
    return all(_COMPARE[op](major, version) for op, version in parse_versions(spec))


def join_versions(*specs: str | None) -> str | None:
    """Constraints that all hold (``None`` parts ignored; ``None`` when none is left)."""
    parts = [s for s in specs if s]
    return ", ".join(dict.fromkeys(parts)) if parts else None


@dataclass(frozen=True)
class Scope:
    """The part of an Odoo database a site manages (by name, as written in the site file)."""

    company: str | None = None
    warehouse: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """A template resource (or policy block rule) a site leaves out: who decided it, why, until when.

    ``target`` is what the site file names (``kind.name`` or ``block.rule``); ``expires`` is an
    ISO date or ``None``; ``location`` is the entry's line in the site file.
    """

    target: str
    owner: str
    reason: str
    expires: str | None
    location: Location

    def expired(self, today: str) -> bool:
        """Expired the day after ``expires`` (``today`` is an ISO date)."""
        return self.expires is not None and today > self.expires

    def describe(self) -> str:
        until = f", until {self.expires}" if self.expires else ""
        return f"excluded by {self.location} ({self.reason}; owner {self.owner}{until})"


@dataclass(frozen=True)
class DesiredState:
    """All resources one site should have, keyed by address, in declaration order.

    ``policies`` describes the template's policy blocks for this site (plain JSON-like data,
    secrets redacted: each block's settings and rules and the addresses each compiles to),
    for ``harmonizer render`` only; the compiled resources themselves are in ``resources``
    (after the hand-written ones). ``access`` is the template's access policy with the
    site's accepted exceptions (``harmonizer.access``): checked against the live users by
    plan and drift, never deployed.
    """

    site: str
    template: str
    template_version: str
    scope: Scope
    resources: Mapping[str, Resource]
    policies: Mapping[str, Any] = field(default_factory=dict)
    access: AccessSpec | None = None
    #: Template addresses this site excludes (left out of ``resources``), each with the site
    #: file's exclusion entry (a block rule's entry covers every address it compiles to).
    excluded: Mapping[str, Exclusion] = field(default_factory=dict)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.resources.values())
