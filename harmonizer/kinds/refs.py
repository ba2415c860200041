"""Reference value types: many2one and many2many fields that point at other records.

A template never names an Odoo id. It names either another harmonizer resource (by its
name within a kind: ``actions: [sale_credit_check]``) or an existing Odoo record by a
natural key (a model's technical name, a user's login, a country's code, a product's
internal reference). The planner prefetches every natural key in one bulk read per model
(see ``lookups``) and the resolver answers from that cache.

A record Odoo provides is best named by its external ID, ``{xmlid: module.name}``
wherever a name is accepted (``OdooName``): names change between versions
("Partners/Customers" on 17.0 is "Customers" on 19.0) and with the language, external IDs
do not. Every external ID of a plan is read in the same ``ir.model.data`` search_read as
harmonizer's own; names stay the fallback, matched in English (see ``harmonizer.odoo.reader``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import PlainValidator

from harmonizer.kinds.values import Lookup, ValueType, ref
from harmonizer.model import address_of

if TYPE_CHECKING:
    from harmonizer.plan.resolve import Resolver


class UnresolvedReference(Exception):
    """A reference names something that does not exist; the planner adds site and address."""


#: ``module.name`` as Odoo writes external IDs.
XMLID_PATTERN = r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_.\-]+$"


def parse_odoo_name(value: Any) -> str | dict[str, str]:
    """A template value naming an Odoo record: a name, or ``{xmlid: module.name}`` (checked)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and set(value) == {"xmlid"}:
        xmlid = value["xmlid"]
        if isinstance(xmlid, str) and re.match(XMLID_PATTERN, xmlid):
            return {"xmlid": xmlid}
        raise ValueError(f"xmlid {xmlid!r} is not an external ID: write it module.name "
                         "(e.g. {xmlid: stock.stock_location_customers})")
    raise ValueError("expected a name or {xmlid: module.name}")


#: A body value naming an existing Odoo record: its natural key, or its external ID (kept as
#: the plain ``{"xmlid": "module.name"}`` a template writes).
OdooName = Annotated[str | dict[str, str], PlainValidator(parse_odoo_name)]


def xmlid_of(value: Any) -> str | None:
    """The external ID a template value gives (``{xmlid: m.n}``), or None for a plain name."""
    if isinstance(value, Mapping) and "xmlid" in value:
        return str(value["xmlid"])
    return None


def xmlid_lookup(xmlid: str) -> Lookup:
    return Lookup("ir.model.data", "xmlid", xmlid)


def resolve_xmlid(model: str, xmlid: str, resolver: Resolver) -> dict[str, Any]:
    """The canonical reference to the ``model`` record behind ``xmlid`` (read in bulk)."""
    found = resolver.lookup(model, "xmlid", xmlid)
    if found is not None:
        return ref(model, found[0], xmlid)
    other = resolver.xmlid_model(xmlid)
    if other is not None:
        raise UnresolvedReference(f"external ID {xmlid!r} names a {other} record, not a {model}")
    raise UnresolvedReference(f"no {model} with external ID {xmlid!r} in this Odoo")


def _raw_id(raw: Any) -> tuple[int, str] | None:
    if raw in (None, False):
        return None
    if isinstance(raw, list | tuple):
        return int(raw[0]), str(raw[1]) if len(raw) > 1 else f"#{raw[0]}"
    return int(raw), f"#{raw}"


def _as_list(value: Any) -> list[Any]:
    if value in (None, False):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class _Many2one:
    """How a many2one reference is written (its id) and shown (its natural key)."""

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        return after["id"] if after else False

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        return "/.id", str(after["id"]) if after else ""

    def display(self, canonical: Any) -> str:
        return "(empty)" if canonical is None else str(canonical["label"])


class RecordRef(_Many2one, ValueType):
    """many2one to an existing record found by ``key`` (e.g. res.users by login)."""

    def __init__(self, model: str, key: str) -> None:
        self.model = model
        self.key = key

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        out = []
        for item in _as_list(value):
            xmlid = xmlid_of(item)
            out.append(xmlid_lookup(xmlid) if xmlid is not None else Lookup(self.model, self.key, item))
        return out

    def resolve_one(self, value: Any, resolver: Resolver) -> dict[str, Any]:
        xmlid = xmlid_of(value)
        if xmlid is not None:
            return resolve_xmlid(self.model, xmlid, resolver)
        found = resolver.lookup(self.model, self.key, value)
        if found is None:
            raise UnresolvedReference(f"no {self.model} with {self.key} = {value!r} in this Odoo")
        return ref(self.model, found[0], str(value))

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return None if value in (None, False, "") else self.resolve_one(value, resolver)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        found = _raw_id(raw)
        if found is None:
            return None
        key = resolver.key_of(self.model, self.key, found[0])
        return ref(self.model, found[0], str(key) if key is not None else found[1])



class RecordRefs(RecordRef):
    """many2many to existing records found by ``key``; compared as a set."""

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        return sorted((self.resolve_one(v, resolver) for v in _as_list(value)), key=lambda r: r["id"])

    def live(self, raw: Any, resolver: Resolver) -> Any:
        out = []
        for record_id in _as_list(raw):
            key = resolver.key_of(self.model, self.key, int(record_id))
            out.append(ref(self.model, int(record_id), str(key) if key is not None else f"#{record_id}"))
        return sorted(out, key=lambda r: r["id"])

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        return [(6, 0, [r["id"] for r in after or []])]

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        # ``load`` takes database ids of a many2many as one comma-separated ".id" column.
        return "/.id", ",".join(str(r["id"]) for r in after or [])

    def display(self, canonical: Any) -> str:
        return "[" + ", ".join(str(r["label"]) for r in canonical or []) + "]"


class ModelRef(RecordRef):
    """many2one to ir.model, written in templates as the model's technical name."""

    def __init__(self) -> None:
        super().__init__("ir.model", "model")


class FieldRefs(RecordRefs):
    """many2many to ir.model.fields, written as field names of the model in ``model_key``."""

    def __init__(self, model_key: str = "model") -> None:
        super().__init__("ir.model.fields", "name")
        self.model_key = model_key

    def _key(self, name: str, body: Mapping[str, Any]) -> str:
        return f"{body.get(self.model_key)}.{name}"

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        return [Lookup("ir.model.fields", "model.name", self._key(v, body)) for v in _as_list(value)]

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        out = []
        for name in _as_list(value):
            found = resolver.lookup("ir.model.fields", "model.name", self._key(name, body))
            if found is None:
                raise UnresolvedReference(f"model {body.get(self.model_key)} has no field {name!r}")
            out.append(ref("ir.model.fields", found[0], str(name)))
        return sorted(out, key=lambda r: r["id"])

    def live(self, raw: Any, resolver: Resolver) -> Any:
        out = []
        for record_id in _as_list(raw):
            key = resolver.key_of("ir.model.fields", "model.name", int(record_id))
            label = str(key).rpartition(".")[2] if key is not None else f"#{record_id}"
            out.append(ref("ir.model.fields", int(record_id), label))
        return sorted(out, key=lambda r: r["id"])


class FieldRef(FieldRefs):
    """many2one to ir.model.fields (e.g. an automation's date field)."""

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        if value in (None, False, ""):
            return None
        return super().desired([value], resolver, body)[0]

    def live(self, raw: Any, resolver: Resolver) -> Any:
        found = _raw_id(raw)
        if found is None:
            return None
        return super().live([found[0]], resolver)[0]

    # A single field: written and shown as a many2one, though looked up like the set above.
    to_odoo = _Many2one.to_odoo
    to_load = _Many2one.to_load
    display = _Many2one.display


class ResourceRefs(ValueType):
    """Links to other harmonizer resources of one kind (e.g. an automation's server actions).

    Written as link/unlink commands for exactly the difference, never ``(6, 0, ids)``:
    on a one2many that command deletes every line left out, including lines harmonizer
    does not own.
    """

    def __init__(self, kind: str, model: str) -> None:
        self.kind = kind
        self.model = model

    def depends_on(self, value: Any) -> list[str]:
        return [address_of(self.kind, name) for name in _as_list(value)]

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        # On create, linking existing lines by database id (one2many ".id") is exact: the new
        # record has no other line that a set could remove.
        resolved = [r["id"] if r["id"] is not None else ids[r["address"]] for r in after or []]
        return "/.id", ",".join(str(i) for i in resolved)

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        out = []
        for name in _as_list(value):
            address = address_of(self.kind, name)
            out.append(ref(self.model, resolver.owned_id(address), address, address))
        return sorted(out, key=lambda r: (r["id"] is None, r["id"] or 0, r["label"]))

    def live(self, raw: Any, resolver: Resolver) -> Any:
        out = []
        for record_id in _as_list(raw):
            address = resolver.address_for(self.model, int(record_id))
            out.append(ref(self.model, int(record_id), address or f"{self.model}#{record_id} (unmanaged)",
                           address))
        return sorted(out, key=lambda r: (r["id"] is None, r["id"] or 0, r["label"]))

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        def resolved(items: Any) -> set[int]:
            return {r["id"] if r["id"] is not None else ids[r["address"]] for r in items or []}

        wanted, present = resolved(after), resolved(before)
        return [(4, i) for i in sorted(wanted - present)] + [(3, i) for i in sorted(present - wanted)]

    def display(self, canonical: Any) -> str:
        return "[" + ", ".join(str(r["label"]) for r in canonical or []) + "]"


class ResourceRef(ValueType):
    """many2one to another harmonizer resource of one kind (e.g. a rule's route), by name.

    Pending while the target is not created yet: ``load`` then gets the id the apply just
    created (the planner orders the target first, see ``depends_on``).
    """

    def __init__(self, kind: str, model: str) -> None:
        self.kind = kind
        self.model = model

    def depends_on(self, value: Any) -> list[str]:
        return [] if value in (None, False, "") else [address_of(self.kind, str(value))]

    def desired(self, value: Any, resolver: Resolver, body: Mapping[str, Any]) -> Any:
        if value in (None, False, ""):
            return None
        address = address_of(self.kind, str(value))
        return ref(self.model, resolver.owned_id(address), address, address)

    def live(self, raw: Any, resolver: Resolver) -> Any:
        found = _raw_id(raw)
        if found is None:
            return None
        address = resolver.address_for(self.model, found[0])
        return ref(self.model, found[0], address or f"{found[1]} (unmanaged)", address)

    def _id(self, after: Any, ids: dict[str, int]) -> int | bool:
        if not after:
            return False
        return int(after["id"]) if after.get("id") is not None else ids[after["address"]]

    def to_odoo(self, after: Any, before: Any, ids: dict[str, int]) -> Any:
        return self._id(after, ids)

    def to_load(self, after: Any, ids: dict[str, int]) -> tuple[str, str] | None:
        found = self._id(after, ids)
        return "/.id", str(found) if found else ""

    def display(self, canonical: Any) -> str:
        return "(empty)" if canonical is None else str(canonical["label"])


def split_picking_type(value: str) -> tuple[str, str]:
    """``"WH1: Receipts"`` -> ("WH1", "Receipts"): a warehouse short name and a type name."""
    code, sep, name = str(value).partition(":")
    if not sep or not code.strip() or not name.strip():
        raise UnresolvedReference(f"operation type {value!r} is not written as 'WAREHOUSE: Type name' "
                                  "(e.g. 'WH1: Receipts')")
    return code.strip(), name.strip()


class PickingTypeRef(RecordRef):
    """many2one to stock.picking.type written ``"WH1: Receipts"`` (warehouse short name: type name).

    Odoo shows an operation type as "<warehouse name>: <type name>" and searches it by
    name or warehouse name, so two bulk lookups answer it: warehouses by short name, and
    operation types by name (keyed by their display name). Archived types are found too (an
    active one wins over an archived one of the same name).
    """

    def __init__(self) -> None:
        super().__init__("stock.picking.type", "display_name")

    def lookups(self, value: Any, body: Mapping[str, Any]) -> list[Lookup]:
        out: list[Lookup] = []
        for item in _as_list(value):
            xmlid = xmlid_of(item)
            if xmlid is not None:
                out.append(xmlid_lookup(xmlid))
                continue
            try:
                code, name = split_picking_type(item)
            except UnresolvedReference:
                continue  # reported by ``desired``
            out += [Lookup("stock.warehouse", "code", code), Lookup(self.model, "display_name", name)]
        return out

    def resolve_one(self, value: Any, resolver: Resolver) -> dict[str, Any]:
        xmlid = xmlid_of(value)
        if xmlid is not None:
            return resolve_xmlid(self.model, xmlid, resolver)
        code, name = split_picking_type(value)
        warehouse = resolver.lookup("stock.warehouse", "code", code)
        if warehouse is None:
            raise UnresolvedReference(f"no stock.warehouse with code = {code!r} in this Odoo")
        found = resolver.lookup(self.model, "display_name", f"{warehouse[1]}: {name}")
        if found is None:
            raise UnresolvedReference(f"warehouse {code} has no operation type named {name!r}")
        return ref(self.model, found[0], f"{code}: {name}")

    def live(self, raw: Any, resolver: Resolver) -> Any:
        found = _raw_id(raw)
        if found is None:
            return None
        return ref(self.model, found[0], found[1])


class StateRefs(RecordRefs):
    """many2many to res.country.state written as Odoo shows a state: ``"Nevada (US)"``.

    A state code alone is not unique across countries ("CA" is a US state and a Spanish
    province), and Odoo cannot search a state by country and code in one field; its display
    name "<name> (<country code>)" is unique, so states are read once and keyed by it.
    """

    def __init__(self) -> None:
        super().__init__("res.country.state", "display_name")
