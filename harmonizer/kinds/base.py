"""What a resource kind is: its Odoo model, level, identity, template schema and fields.

A kind is declarative: a pydantic ``Body`` (what a template may write, unknown keys
rejected), a list of ``FieldMap`` (template key -> Odoo field -> value type) per Odoo
version, and an identity rule (owned through an external ID, or bound to the site's
company or warehouse). The planner and executor are generic over kinds; a kind overrides
a hook only where Odoo needs something special (e.g. extra values on create).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from harmonizer.kinds.refs import UnresolvedReference
from harmonizer.kinds.values import Lookup, Selection, ValueType
from harmonizer.memo import beside
from harmonizer.model import Level, Resource

if TYPE_CHECKING:
    from harmonizer.plan.resolve import Resolver


#: Natural keys per kind key (see ``Kind.natural_key``); a kind may override the hook instead.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "system_parameter": ("key",),
    "server_action": ("name", "model"),
    "automation": ("name", "model"),
    "scheduled_action": ("name", "model"),
}


class Body(BaseModel):
    """Base of every kind's template schema: strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


@dataclass(frozen=True)
class FieldMap:
    """One managed field: template ``key``, Odoo ``field``, its value type."""

    key: str
    field: str
    vtype: ValueType
    #: Only sent on create (Odoo computes or owns it afterwards); never compared.
    create_only: bool = False
    #: May hold a secret (a token in a URL, a parameter value): live values are redacted
    #: wherever no template says otherwise (orphans, drift of undeclared values).
    sensitive: bool = False


@dataclass(frozen=True)
class Reference:
    """Resource ``address`` refers to ``target`` through template ``key``."""

    key: str
    target: str


def _memo_field_maps(method: Callable[[Kind, int], list[FieldMap]]) -> Callable[[Kind, int], list[FieldMap]]:
    """``field_maps`` built once per kind instance and version (they are stateless declarations);
    each call gets its own list, so a caller (or a subclass extending ``super()``'s) may change it."""

    @functools.wraps(method)
    def field_maps(self: Kind, major: int) -> list[FieldMap]:
        memo = self.__dict__.setdefault("_field_maps_memo", {})
        key = (method, major)
        found = memo.get(key)
        if found is None:
            found = memo[key] = tuple(method(self, major))
        return list(found)

    field_maps.__memoized__ = True  # type: ignore[attr-defined]
    return field_maps


#: Where a resource keeps the effective bodies computed from it (see ``_memo_effective_body``).
_EFFECTIVE = "_effective_bodies"


def _memo_effective_body(method: Callable[[Kind, Resource], dict[str, Any]]
                         ) -> Callable[[Kind, Resource], dict[str, Any]]:
    """``effective_body`` validated once per resource: the live reader, the planner, drift and
    the fingerprints all ask for it. Resources are frozen, so the result is kept beside the
    resource's fields (not one of them: equality and ``replace`` ignore it). Each call gets a
    fresh top-level dict (subclasses adjust ``super()``'s result in place)."""

    @functools.wraps(method)
    def effective_body(self: Kind, resource: Resource) -> dict[str, Any]:
        return dict(beside(resource, _EFFECTIVE, (method, type(self)), lambda: method(self, resource)))

    effective_body.__memoized__ = True  # type: ignore[attr-defined]
    return effective_body


def site_marker(site: str) -> str:
    """The last part of a site-local record's external ID name: ``s`` + the site's name,
    lower-cased, every character but a-z, 0-9 and ``-`` written ``-`` (never ``__``)."""
    return "s" + re.sub(r"[^a-z0-9-]", "-", site.lower())


class Kind:
    """Base class. Subclasses set the class attributes and, rarely, override hooks.

    ``field_maps`` and ``effective_body`` are pure: every class's own definition of them is
    memoized (``__init_subclass__``), so the hot path of a plan calls them freely.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, wrap in (("field_maps", _memo_field_maps), ("effective_body", _memo_effective_body)):
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__memoized__", False):
                setattr(cls, name, wrap(method))

    key: ClassVar[str]
    model: ClassVar[str]
    level: ClassVar[Level]
    owned: ClassVar[bool] = True
    body_model: ClassVar[type[Body]]
    #: Drift-report area this kind belongs to.
    area: ClassVar[str] = "other"
    #: Human title for docs and plan headings.
    title: ClassVar[str] = ""
    #: Template keys Odoo recomputes from each other: when one is written, all are written
    #: (a write protects only the fields it names from Odoo's recomputation).
    write_together: ClassVar[tuple[frozenset[str], ...]] = ()

    def field_maps(self, major: int) -> list[FieldMap]:
        """The managed fields on Odoo ``major`` (16..19): the one place version differences live."""
        raise NotImplementedError

    # -- template side -------------------------------------------------------------

    def effective_body(self, resource: Resource) -> dict[str, Any]:
        """The body with defaults: owned records manage every key, bound ones only what is written."""
        if self.owned:
            return self.body_model.model_validate(dict(resource.body)).model_dump(mode="json")
        return dict(resource.body)

    def references(self, body: Mapping[str, Any], major: int = 17) -> list[Reference]:
        out = []
        for fmap in self._maps_overriding(major, "depends_on"):
            if fmap.key in body:
                out.extend(Reference(fmap.key, target) for target in fmap.vtype.depends_on(body[fmap.key]))
        return out

    def lookups(self, body: Mapping[str, Any], major: int) -> list[Lookup]:
        out: list[Lookup] = []
        for fmap in self._maps_overriding(major, "lookups"):
            if fmap.key in body:
                out.extend(fmap.vtype.lookups(body[fmap.key], body))
        return out

    def may_look_up(self, major: int) -> bool:
        """Can a resource of this kind need any lookup on Odoo ``major`` (``lookups`` not empty)?
        False only for a kind with the base ``lookups``, ``for_body`` and no field whose value type
        looks anything up: the live reader then skips its resources."""
        return (self.dynamic or type(self).lookups is not Kind.lookups or type(self).for_body is not Kind.for_body
                or bool(self._maps_overriding(major, "lookups")))

    def _maps_overriding(self, major: int, method: str) -> tuple[FieldMap, ...]:
        """The field maps (in order) whose value type overrides ``ValueType.<method>``: the
        others answer ``[]`` (no reference, no lookup), so they are skipped. Built once."""
        try:
            return self.__dict__["_overriding_memo"][(major, method)]  # type: ignore[no-any-return]
        except KeyError:
            base = getattr(ValueType, method)
            found = tuple(f for f in self.field_maps(major) if getattr(type(f.vtype), method) is not base)
            self.__dict__.setdefault("_overriding_memo", {})[(major, method)] = found
            return found

    # -- Odoo side ------------------------------------------------------------------

    def read_fields(self, major: int) -> list[str]:
        fields = {fmap.field for fmap in self.field_maps(major) if not fmap.create_only}
        extra = set(self.bound_fields(major)) if not self.owned else set()
        return sorted(fields | extra | {"display_name", "write_uid", "write_date"})

    def bound_domain(self, company_id: int | None, warehouse_id: int | None) -> list[Any]:
        """For bound kinds: the domain of every candidate record in this site's scope (one read)."""
        raise NotImplementedError(f"{self.key} is not a bound kind")

    def bound_match(self, row: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
        """For bound kinds: is ``row`` (a candidate from ``bound_domain``) the record ``body`` means?"""
        return True

    def bound_fields(self, major: int) -> list[str]:
        """Extra fields ``bound_match`` needs."""
        return []

    def create_extras(self, body: Mapping[str, Any], major: int) -> dict[str, Any]:
        """Odoo values sent on create besides the managed fields (e.g. usage, a company)."""
        return {}

    def companions(self, client: Any, ids: list[int]) -> list[tuple[str, list[int]]]:
        """Records Odoo leaves behind when these are unlinked, to unlink right after."""
        return []

    #: The models ``companions`` may name (their unlink right is needed to delete this kind).
    companion_models: ClassVar[tuple[str, ...]] = ()

    #: True for kinds whose model and fields come from each resource (generic records).
    dynamic: ClassVar[bool] = False

    def for_body(self, body: Mapping[str, Any]) -> Kind:
        """The kind as it applies to one resource (generic records: its model and fields)."""
        return self

    def accepts_model(self, model: str) -> bool:
        """May an external ID of this kind point at a record of ``model``?"""
        return model == self.model

    def field_map(self, key: str, major: int) -> FieldMap:
        """The managed field behind template key ``key`` (one dict per version, built once)."""
        memo = self.__dict__.setdefault("_field_map_memo", {})
        by_key = memo.get(major)
        if by_key is None:
            by_key = memo[major] = {}
            for fmap in self.field_maps(major):
                by_key.setdefault(fmap.key, fmap)
        try:
            return by_key[key]
        except KeyError:
            raise KeyError(f"{self.key} has no field {key!r}") from None

    def change_note(self, field_changes: Sequence[Any]) -> str | None:
        """A sentence the plan shows on an update of these ``FieldChange``s, e.g. what Odoo
        does by itself as a consequence (None: nothing to say). Called by the planner."""
        return None

    def natural_key(self) -> tuple[str, ...]:
        """Template keys that identify a record of this kind in Odoo apart from its external ID
        (e.g. a system parameter's ``key``). An unowned record matching a declared resource on
        them is a lookalike: the planner refuses to create a duplicate and hints at importing it.
        The first key must be a plain text field (it is searched in bulk). Empty: no detection."""
        return NATURAL_KEYS.get(self.key, ())

    def xmlid_name(self, name: str, company_id: int | None, warehouse_id: int | None,
                   site: str | None = None) -> str:
        """``<kind>__<name>`` (+ ``__c<company>``/``__w<warehouse>``), + ``__s<site>`` for a
        site-local resource (``site_marker``), so sites sharing a database never collide."""
        base = f"{self.key}__{name}"
        if self.level is Level.COMPANY:
            base = f"{base}__c{company_id}"
        elif self.level is Level.WAREHOUSE:
            base = f"{base}__w{warehouse_id}"
        return base if site is None else f"{base}__{site_marker(site)}"


Kind.effective_body = _memo_effective_body(Kind.effective_body)  # type: ignore[method-assign]


# -- per-version helpers (additive) -----------------------------------------------------------


class Unsupported(UnresolvedReference):
    """A template value the site's Odoo version cannot hold (the planner reports it with its
    file and line, like an unresolved reference, before anything is written)."""


class SelectionIn(Selection):
    """A selection whose keys differ between Odoo versions: keys outside ``allowed`` are refused
    at plan time with ``why`` (e.g. "needs Odoo 17 or later") instead of failing in Odoo."""

    def __init__(self, allowed: frozenset[str], what: str, why: str) -> None:
        self.allowed = allowed
        self.what = what
        self.why = why

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        out = super().desired(value, resolver, body)
        if out is not None and out not in self.allowed:
            raise Unsupported(f"{self.what} {out!r} {self.why}")
        return out
