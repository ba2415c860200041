"""The drift entry of a field whose live value is exactly the site's: built once per resource.

Most fields of most sites are where the template puts them. When a field's live value is
``exact``-ly its site value (``kinds.canonical``), its ``FieldDrift`` depends on the resource
and its standard only: class ``standard`` or ``sanctioned``, the standard and site texts, the
live text equal to the site's. So it is built once per (resource, standard, Odoo version) and
shared by every site holding those resources; ``classify`` checks the live value and takes it.
Anything else (a pure value missing, a field that is not pure) has no entry: the general path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harmonizer.kinds.base import FieldMap, Kind
from harmonizer.kinds.canonical import NOT_KEPT, exact, plain_text, pure_values
from harmonizer.kinds.values import UNREADABLE, same_or_not, show
from harmonizer.memo import beside
from harmonizer.model import Resource
from harmonizer.plan.model import REDACTED
from harmonizer.plan.resolve import Resolver

from .model import DriftClass, FieldDrift, worst

EMPTY = "(empty)"
#: Beside the resource: (kind class, major, id(standard)) -> (standard, entries).
_MEMO = "_clean_field_drifts"

#: Per field map: (the site's canonical value, its drift entry when live is exactly that).
Entry = tuple[Any, FieldDrift]


@dataclass(frozen=True)
class CleanFields:
    """Per field map of ``kind.field_maps(major)`` (same order), the entry above or None; and
    ``fields``, every compared field's entry when each has one (else None): the resource's
    fields, one shared tuple, when all of them are exactly the site's."""

    entries: tuple[Entry | None, ...]
    fields: tuple[FieldDrift, ...] | None
    #: The worst class of ``fields`` (the resource's class when they are its fields).
    cls: DriftClass = DriftClass.STANDARD
    #: With ``fields``: each compared field's map and site value, and whether a live ``str``
    #: compares with it by ``==`` (``kinds.canonical.plain_text``), in the same order.
    compared: tuple[tuple[FieldMap, Any, bool], ...] = ()

    def holds(self, row: dict[str, Any], resolver: Resolver) -> bool:
        """Are all compared fields of live ``row`` exactly the site's (``fields`` is then the
        resource's classification)? False when there is no ``fields``."""
        if self.fields is None:
            return False
        for fmap, value, plain in self.compared:
            raw = row.get(fmap.field)
            if plain and type(raw) is str:
                if raw != value:
                    return False
                continue
            try:
                held = fmap.vtype.live(raw, resolver)
            except UNREADABLE:
                return False
            if not exact(held, value):
                return False
        return True


def clean_entries(kind: Kind, resource: Resource, std: Resource | None, major: int) -> CleanFields | None:
    """The resource's ``CleanFields`` against ``std`` (its standard) on Odoo ``major``; None
    when nothing is kept (see ``kinds.canonical.pure_values``)."""
    memo = getattr(resource, "__dict__", None)
    if memo is None:
        return None
    # the entry holds ``std``, so no other object can take its id while the entry is kept
    key = (type(kind), major, id(std))
    table = memo.get(_MEMO)  # what ``beside`` gives, without its call: once per resource and site
    found = table.get(key) if table is not None else None
    if found is None:
        found = beside(resource, _MEMO, key, lambda: (std, _build(kind, resource, std, major)))
    return found[1]  # type: ignore[no-any-return]


def _build(kind: Kind, resource: Resource, std: Resource | None, major: int) -> CleanFields | None:
    entries = _entries(kind, resource, std, major)
    if entries is None:
        return None
    body = kind.effective_body(resource)
    compared = [i for i, f in enumerate(kind.field_maps(major)) if f.key in body and not f.create_only]
    found = [entries[i] for i in compared]
    if not all(e is not None for e in found):
        return CleanFields(entries, None)
    maps = kind.field_maps(major)
    fields = tuple(e[1] for e in found if e is not None)
    return CleanFields(entries, fields, worst([f.cls for f in fields]),
                       tuple((maps[i], e[0], plain_text(maps[i].vtype, e[0]))
                             for i, e in zip(compared, found, strict=True) if e is not None))


def _entries(kind: Kind, resource: Resource, std: Resource | None, major: int) -> tuple[Entry | None, ...] | None:
    site = pure_values(kind, resource, major)
    if site is None:
        return None
    if std is resource:
        standard: tuple[Any, ...] | None = site
        std_body: dict[str, Any] = {}
    elif std is not None:
        standard = pure_values(kind, std, major)
        std_body = kind.effective_body(std)
    else:
        standard, std_body = None, {}
    out: list[Entry | None] = []
    for index, fmap in enumerate(kind.field_maps(major)):
        value = site[index]
        if value is NOT_KEPT or fmap.create_only:
            out.append(None)
            continue
        secret = fmap.key in resource.secret_keys
        site_text = field_text(fmap, value, secret)
        if std is resource:
            std_value, std_text = value, site_text
        elif std is not None and fmap.key in std_body:
            std_value = standard[index] if standard is not None else NOT_KEPT
            if std_value is NOT_KEPT:
                out.append(None)
                continue
            std_text = field_text(fmap, std_value, secret)
        else:
            std_value, std_text = None, EMPTY
        cls = DriftClass.STANDARD if same_or_not(fmap.vtype, value, std_value) else DriftClass.SANCTIONED
        variables = tuple(resource.variables.get(fmap.key, ())) if cls is DriftClass.SANCTIONED else ()
        out.append((value, FieldDrift(fmap.key, fmap.field, cls, std_text, site_text, site_text, variables, secret)))
    return tuple(out)


def field_text(fmap: FieldMap, value: Any, secret: bool) -> str:
    """A field's value as a drift entry shows it (empty, redacted, or the value type's text)."""
    if value is None:
        return EMPTY
    if secret:
        return REDACTED
    return show(fmap.vtype, value)
