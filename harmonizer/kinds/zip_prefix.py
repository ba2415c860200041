"""Delivery zip prefixes (delivery.zip.prefix): the kind, and the carrier's prefix list.

Odoo stores a prefix in upper case and refuses a second one with the same text in the
whole database: a prefix is shared reference data. A carrier names its prefixes as text
(``ZipPrefixes``): existing ones are linked, missing ones created with the link, so sites
sharing a database never race to own one. The ``delivery_zip_prefix`` kind (owned,
database-wide) is for a template that wants to own prefixes outright; a prefix a carrier
of the same template also names would then be created twice on the first apply (the
second fails, a rerun converges): name a prefix in one place only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from harmonizer.kinds.base import Body, FieldMap, Kind
from harmonizer.kinds.values import Lookup, Text, ValueType, ref
from harmonizer.model import Level

if TYPE_CHECKING:
    from harmonizer.plan.resolve import Resolver


class UpperText(Text):
    """A char field Odoo upper-cases on create and write."""

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        text = super().desired(value, resolver, body)
        return None if text is None else text.upper()


class ZipPrefixBody(Body):
    prefix: str


class ZipPrefix(Kind):
    key: ClassVar[str] = "delivery_zip_prefix"
    model: ClassVar[str] = "delivery.zip.prefix"
    level: ClassVar[Level] = Level.DATABASE
    body_model = ZipPrefixBody
    area = "delivery"
    title = "Delivery zip prefix"

    def field_maps(self, major: int) -> list[FieldMap]:
        return [FieldMap("prefix", "name", UpperText())]


def _prefixes(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else [] if value in (None, False, "") else [value]
    return sorted({str(v).strip().upper() for v in items if str(v).strip()})


class ZipPrefixes(ValueType):
    """A carrier's zip prefixes as text: link existing ones, create the missing ones.

    Canonical form: references sorted by prefix; a missing prefix has no id yet (pending),
    so it always differs from what Odoo has. Written after the create as one many2many
    command list: ``(6, 0, existing)`` then ``(0, 0, {"name": ...})`` per missing prefix.
    """

    model = "delivery.zip.prefix"

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        return [Lookup(self.model, "name", p) for p in _prefixes(value)]

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        out = []
        for prefix in _prefixes(value):
            found = resolver.lookup(self.model, "name", prefix)
            out.append(ref(self.model, found[0] if found else None, prefix))
        return out

    def live(self, raw: Any, resolver: Resolver) -> Any:
        out = []
        for record_id in raw or []:
            name = resolver.key_of(self.model, "name", int(record_id))
            out.append(ref(self.model, int(record_id), str(name) if name is not None else f"#{record_id}"))
        return sorted(out, key=lambda r: r["label"])

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        existing = [r["id"] for r in after or [] if r.get("id") is not None]
        return [(6, 0, existing)] + [(0, 0, {"name": r["label"]}) for r in after or [] if r.get("id") is None]

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        return None  # missing prefixes cannot be created through load: written right after

    def display(self, canonical: Any) -> str:
        return "[" + ", ".join(str(r["label"]) + ("" if r.get("id") else " (new)") for r in canonical or []) + "]"
