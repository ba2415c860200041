"""Stored fields that copy a value through a relation, driven by Odoo's own ``depends``.

The schema carries each computed field's ``depends`` and ``related`` as a real server
answers them (``depends-<version>.json``). A stored, writable field is a *copy* when it is
``related`` (``company_id`` = ``product_id.company_id``), or when every one of its
dependencies reaches the same leaf through the same many2one (``fixed_price`` depends on
``product_id.list_price`` and ``product_id.product_tmpl_id.list_price``). Odoo keeps such a
field in step both ways, and so does the stand-in:

- writing it (create or write) writes the leaf on the related record (Odoo's inverse),
  which every record sharing that related record then shows;
- writing the leaf on the related record (or changing which record the many2one points at)
  recomputes it.

So two carriers sharing one service product show the same fixed price, the last written, as
on a real Odoo 17 -- except right after one batch create (``load``, ``create([...])``): Odoo
protects the fields a create writes on every record of the batch until it ends, so records
created together keep the values they were created with even where the related record ends
with another (checked on a real 17.0: ground 22 and regional 15 created by one ``load`` on one
product read back 22 and 15, the product 15; the next write to either brings them in step).
``batch`` marks such a call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harmonizer.sandbox.orm.fields import to_column

if TYPE_CHECKING:
    from harmonizer.sandbox.orm.model import Model
    from harmonizer.sandbox.schema import FieldSpec, ModelSpec, Schema


@dataclass(frozen=True)
class Copy:
    """``model.field`` copies ``path`` (``("product_id", "list_price")``)."""

    model: str
    field: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class Trigger:
    """A write of ``leaf`` on ``model`` recomputes ``copy`` for records reaching it by ``chain``."""

    model: str
    leaf: str
    chain: tuple[str, ...]
    copy: Copy


def _hops(schema: Schema, model: str, path: list[str]) -> list[str] | None:
    """The models along ``path``'s many2ones (``[delivery.carrier, product.product, ...]``)."""
    models = [model]
    for name in path[:-1]:
        spec = schema.get(models[-1])
        field = spec.fields.get(name) if spec is not None else None
        if field is None or field.type != "many2one" or not field.relation or schema.get(field.relation) is None:
            return None
        models.append(field.relation)
    last = schema.get(models[-1])
    return models if last is not None and path[-1] in last.fields else None


#: Computed (not related) fields whose compute copies a value through a relation and whose
#: inverse writes it back: the reference's ``depends`` says what they are computed from, not
#: that they have an inverse, so those are named here. ``delivery.carrier.fixed_price``: the
#: reference README (second capture) and a real 17.0 (writing it sets the service product's
#: list price).
INVERSES = frozenset({("delivery.carrier", "fixed_price")})


def _copy_path(model: str, field: FieldSpec) -> tuple[str, ...] | None:
    if not field.store or field.readonly or field.is_x2many:
        return None
    if field.related:
        return tuple(field.related.split("."))
    if (model, field.name) not in INVERSES:
        return None
    paths = [tuple(p.split(".")) for p in field.depends]
    if not paths or any(len(p) < 2 for p in paths):
        return None
    if len({p[0] for p in paths}) != 1 or len({p[-1] for p in paths}) != 1:
        return None
    return min(paths, key=len)


class Copies:
    """The copy fields of one schema and what triggers their recomputation."""

    def __init__(self, schema: Schema) -> None:
        self.by_model: dict[str, list[Copy]] = {}
        self.triggers: dict[tuple[str, str], list[Trigger]] = {}
        for model in schema.models.values():
            for field in model.fields.values():
                self._add(schema, model, field)

    def _add(self, schema: Schema, model: ModelSpec, field: FieldSpec) -> None:
        path = _copy_path(model.name, field)
        if path is None or _hops(schema, model.name, list(path)) is None:
            return
        leaf_type = schema.models[_hops(schema, model.name, list(path))[-1]].fields[path[-1]].type  # type: ignore[index]
        if leaf_type != field.type:
            return
        copy = Copy(model.name, field.name, path)
        self.by_model.setdefault(model.name, []).append(copy)
        for dep in [path, *(tuple(p.split(".")) for p in field.depends)]:
            hops = _hops(schema, model.name, list(dep))
            if hops is not None:
                self.triggers.setdefault((hops[-1], dep[-1]), []).append(Trigger(hops[-1], dep[-1], dep[:-1], copy))

    # -- the ORM's calls ------------------------------------------------------------------------
    def after_create(self, model: Model, rec_id: int, vals: dict[str, Any]) -> None:
        created = _batches(model).get(model.name)
        if created is not None:
            created.update({(rec_id, c.field) for c in self.by_model.get(model.name, []) if c.field in vals})
        self.after_write(model, [rec_id], vals)

    def after_write(self, model: Model, ids: list[int], vals: dict[str, Any]) -> None:
        for copy in self.by_model.get(model.name, []):
            if copy.field in vals:
                self._inverse(model, copy, ids, vals[copy.field])
            elif copy.path[0] in vals:
                self._recompute(model, copy, ids)
        for name in vals:
            for trigger in self.triggers.get((model.name, name), []):
                self._recompute_from(model, trigger, ids)

    def _inverse(self, model: Model, copy: Copy, ids: list[int], value: Any) -> None:
        """Odoo's inverse: the value goes to the related record (every sharer then shows it)."""
        rows = model.env.store.rows(model.spec, ids)
        targets = sorted({row[copy.path[0]] for row in rows.values() if row.get(copy.path[0])})
        if len(copy.path) == 2:
            if targets:  # without a related record Odoo's inverse has nowhere to write
                relation = model.spec.fields[copy.path[0]].relation or ""
                model.env[relation].sudo()._write(targets, {copy.path[1]: value})
            return
        self._recompute(model, copy, ids)

    def _recompute(self, model: Model, copy: Copy, ids: list[int]) -> None:
        field = model.spec.fields[copy.field]
        protected = _batches(model).get(model.name, set())
        for rec_id in ids:
            if (rec_id, copy.field) in protected:
                continue
            value = self._follow(model, rec_id, copy.path)
            model.env.store.update(model.spec, [rec_id], {copy.field: to_column(model.env, model.spec, field, value)})
        model.env.invalidate()

    def _follow(self, model: Model, rec_id: int, path: tuple[str, ...]) -> Any:
        current, ids = model, [rec_id]
        for name in path[:-1]:
            rows = current.env.store.rows(current.spec, ids)
            ids = [row[name] for row in rows.values() if row.get(name)]
            if not ids:
                return False
            current = current.env[current.spec.fields[name].relation or ""].sudo()
        read = current._read(ids[:1], [path[-1]])
        value = read[0][path[-1]] if read else False
        return value[0] if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) else value

    def _recompute_from(self, written: Model, trigger: Trigger, ids: list[int]) -> None:
        """Records of the copy's model whose ``chain`` reaches one of ``ids``."""
        env = written.env.sudo()
        hops = [trigger.copy.model]
        for name in trigger.chain[:-1]:
            hops.append(env.profile.schema.models[hops[-1]].fields[name].relation or "")
        reached = list(ids)
        for depth in range(len(trigger.chain) - 1, -1, -1):
            spec = env.profile.schema.models[hops[depth]]
            reached = [row["id"] for row in env.store.find(spec, trigger.chain[depth], reached)]
            if not reached:
                return
        self._recompute(env[trigger.copy.model], trigger.copy, reached)


def _batches(model: Model) -> dict[str, set[tuple[int, str]]]:
    """Batch creates running on this transaction: model -> (id, field) written by the create."""
    return model.env.store.copy_batches


@contextmanager
def batch(model: Model) -> Iterator[None]:
    """One batch create of ``model``: what each create writes stays protected until it ends."""
    batches = _batches(model)
    if model.name in batches:
        yield
        return
    batches[model.name] = set()
    try:
        yield
    finally:
        del batches[model.name]


_BY_SCHEMA: dict[int, Copies] = {}


def copies_of(schema: Schema) -> Copies:
    found = _BY_SCHEMA.get(id(schema))
    if found is None:
        found = _BY_SCHEMA[id(schema)] = Copies(schema)
    return found
