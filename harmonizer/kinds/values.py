"""Value types: how one template value maps to one Odoo field, and how both compare.

Every value type turns a template value (``desired``) and an Odoo read value (``live``)
into the same *canonical* form: plain JSON data that compares with ``==`` and goes into
plans and saved plan files unchanged. ``to_odoo`` turns a canonical value back into what
Odoo's ``write``/``create`` expects. References to other records are canonicalised as
``{"model", "id", "label"}`` dicts where only model and id take part in comparison (see
``same``), so ``[7, "Sales Order"]`` read from Odoo equals the template's ``sale.order``.
"""

from __future__ import annotations

import html
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harmonizer.plan.resolve import Resolver


@dataclass(frozen=True)
class Lookup:
    """A natural-key lookup the planner prefetches in bulk: ``model`` rows where ``key`` is ``value``."""

    model: str
    key: str
    value: Any


def ref(model: str, record_id: int | None, label: str, address: str | None = None) -> dict[str, Any]:
    """A canonical reference. ``address`` is set when it points at a harmonizer resource."""
    out: dict[str, Any] = {"model": model, "id": record_id, "label": label}
    if address:
        out["address"] = address
    return out


def ref_key(value: Any) -> Any:
    """What a canonical value compares by: references by (model, id), lists as sorted keys."""
    if isinstance(value, dict) and "model" in value:
        if value.get("id") is None:
            return ("pending", value.get("address"))
        return (value["model"], value["id"])
    if isinstance(value, list):
        return sorted((ref_key(v) for v in value), key=repr)
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})


def same(a: Any, b: Any) -> bool:
    """Equality of canonical values (references compare by model and id only). A value type
    whose values compare otherwise says so in its own ``same``."""
    if type(a) in _PLAIN and type(b) in _PLAIN:  # the common case: no reference inside
        return bool(a == b)
    return bool(ref_key(a) == ref_key(b))


#: What a value type raises on a value of a shape it was not built for (a live value a newer or
#: older Odoo sends, a template value left unresolved because the field does not exist there).
UNREADABLE = (TypeError, KeyError, ValueError, AttributeError, IndexError)
RAW_NOTE = "shown raw: harmonizer cannot read this value"


def raw_text(value: Any) -> str:
    """A value shown as it came, with a note (``show`` and drift use it)."""
    return f"{value!r} ({RAW_NOTE})"


def show(vtype: ValueType, value: Any) -> str:
    """``vtype.display(value)``, or the value shown raw with a note when it has a shape the
    value type cannot display: a report never turns an unexpected value into an error."""
    try:
        return str(vtype.display(value))
    except UNREADABLE:
        return raw_text(value)


def read_live(vtype: ValueType, raw: Any, resolver: Resolver) -> tuple[bool, Any]:
    """(True, canonical value) of an Odoo read value, or (False, the value as read) when its
    shape is not one ``vtype`` reads (then it is shown raw and counts as different)."""
    try:
        return True, vtype.live(raw, resolver)
    except UNREADABLE:
        return False, raw


def same_or_not(vtype: ValueType, a: Any, b: Any) -> bool:
    """``vtype.same``, False for values that cannot be compared at all."""
    try:
        return vtype.same(a, b)
    except UNREADABLE:
        return False


class ValueType(ABC):
    """One kind of field value. Subclasses are stateless and cheap."""

    @abstractmethod
    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any: ...

    @abstractmethod
    def live(self, raw: Any, resolver: Resolver) -> Any: ...

    def same(self, a: Any, b: Any) -> bool:
        """Whether two canonical values of this type are equal (a live value satisfies a desired
        one); by default ``same``."""
        return same(a, b)

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        """The write value for ``after``; ``ids`` maps addresses created during apply to ids."""
        return after

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        """For Odoo's ``load`` (create with external ID in one transaction): (column suffix,
        text). None: not loadable, written by a ``write`` right after the load instead."""
        if after is None:
            return "", ""
        if isinstance(after, bool):
            return "", "True" if after else "False"
        return "", str(after)

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        return []

    def depends_on(self, value: Any) -> list[str]:
        """Addresses of other resources this value refers to."""
        return []

    def display(self, canonical: Any) -> str:
        if canonical is None:
            return "(empty)"
        if isinstance(canonical, bool):
            return "true" if canonical else "false"
        if isinstance(canonical, str):
            return canonical
        return repr(canonical)


class Text(ValueType):
    """char, text and html: empty strings and Odoo's ``false`` are both "no value"."""

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return None if value in (None, "", False) else str(value)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        return None if raw in (None, "", False) else str(raw)

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        return after if after is not None else False

    def display(self, canonical: Any) -> str:
        if canonical is None:
            return "(empty)"
        text = str(canonical)
        return repr(text) if "\n" in text or text.strip() != text else f'"{text}"'


class Integer(ValueType):
    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return None if value is None else int(value)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        # Odoo reads an unset integer as 0 (or false on some fields).
        return 0 if raw in (None, False) else int(raw)

    def display(self, canonical: Any) -> str:
        return "(empty)" if canonical is None else str(canonical)


class Float(ValueType):
    """float and monetary; compared at ``digits`` decimals like Odoo stores them."""

    def __init__(self, digits: int = 2) -> None:
        self.digits = digits

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return None if value is None else round(float(value), self.digits)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        return round(float(raw or 0.0), self.digits)

    def display(self, canonical: Any) -> str:
        return "(empty)" if canonical is None else f"{canonical:g}"


class Boolean(ValueType):
    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return bool(value)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        return bool(raw)


class Selection(ValueType):
    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return None if value in (None, False, "") else str(value)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        return None if raw in (None, False, "") else str(raw)

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        return after if after is not None else False


class Html(Text):
    """html fields: Odoo sanitizes what it stores, wrapping plain text in a paragraph.

    A template may give plain text or HTML; plain text is compared (and written) as the
    ``<p>escaped text</p>`` Odoo would store, so a converged field shows no difference.
    """

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        text = super().desired(value, resolver, body)
        if text is None or text.lstrip().startswith("<"):
            return text
        return "<p>" + html.escape(text, quote=False) + "</p>"


class Raw(ValueType):
    """Untyped values of generic records, normalised the way Odoo reads them back.

    ``false``, ``None`` and ``""`` are one "unset"; numbers compare as numbers (6 decimals);
    ``{"xmlid": "module.name"}`` is a reference resolved through ``ir.model.data``, compared
    by id with the ``[id, name]`` Odoo reads; a list of those is a many2many set.
    """

    def _ref(self, value: Any, resolver: Resolver) -> dict[str, Any]:
        from harmonizer.kinds.refs import UnresolvedReference

        found = resolver.lookup("ir.model.data", "xmlid", value["xmlid"])
        if found is None:
            raise UnresolvedReference(f"no record with external ID {value['xmlid']!r} in this Odoo")
        return {"model": "", "id": found[0], "label": str(value["xmlid"])}

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        if isinstance(value, dict) and "xmlid" in value:
            return self._ref(value, resolver)
        if isinstance(value, list) and all(isinstance(v, dict) and "xmlid" in v for v in value):
            return sorted((self._ref(v, resolver) for v in value), key=lambda r: r["id"])
        return self._scalar(value)

    @staticmethod
    def _scalar(value: Any) -> Any:
        if value in (None, False, ""):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return round(float(value), 6)
        return value

    def live(self, raw: Any, resolver: Resolver) -> Any:
        if isinstance(raw, list) and len(raw) == 2 and isinstance(raw[0], int) and isinstance(raw[1], str):
            return {"model": "", "id": raw[0], "label": raw[1]}
        if isinstance(raw, list):
            return sorted(({"model": "", "id": int(i), "label": f"#{i}"} for i in raw), key=lambda r: r["id"])
        return self._scalar(raw)

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        items = value if isinstance(value, list) else [value]
        return [Lookup("ir.model.data", "xmlid", v["xmlid"]) for v in items if isinstance(v, dict) and "xmlid" in v]

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        if isinstance(after, dict) and "id" in after:
            return after["id"]
        if isinstance(after, list):
            return [(6, 0, [r["id"] for r in after])]
        return False if after is None else after

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        if isinstance(after, dict) and "id" in after:
            return "/.id", str(after["id"])
        if isinstance(after, list):
            return "/.id", ",".join(str(r["id"]) for r in after)
        if isinstance(after, float) and after.is_integer():
            return "", str(int(after))
        return super().to_load(after, ids)

    def display(self, canonical: Any) -> str:
        if isinstance(canonical, dict) and "label" in canonical:
            return str(canonical["label"])
        if isinstance(canonical, list):
            return "[" + ", ".join(str(r.get("label")) for r in canonical) + "]"
        if isinstance(canonical, float) and canonical.is_integer():
            return str(int(canonical))
        return super().display(canonical)
