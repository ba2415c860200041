"""The hook interface: per-model behaviour layered over the generic ORM.

A ``ModelHooks`` subclass describes one model's Odoo-specific rules (default order,
display name, defaults, computed fields, constraints, extra public methods and steps run
around create/write/unlink). The generic ORM calls these at fixed points; a model without
hooks gets ``ModelHooks`` itself. Hooks never touch SQL directly: they work through the
``Env`` they receive, so every hook write passes the same conversions and checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env

Vals = dict[str, Any]
Row = dict[str, Any]
#: An extra public method: (env, model name, *args, **kwargs) -> result.
Method = Callable[..., Any]


class ModelHooks:
    """Default behaviour; subclasses override what their model does differently."""

    model: ClassVar[str] = ""
    #: Odoo's ``_order`` (used when a search gives no order).
    order: ClassVar[str] = "id"
    #: Field holding the record's name (``_rec_name``); None: "model,id".
    rec_name: ClassVar[str | None] = "name"
    #: Field to the parent record (``_parent_name``), for child_of/parent_of.
    parent_name: ClassVar[str] = "parent_id"
    #: ``write`` on a missing id returns True instead of raising MissingError.
    write_missing_ok: ClassVar[bool] = False
    #: A record rule: users who are not administrators only see rows whose this many2one is
    #: themselves (None: no such rule).
    own_rows_field: ClassVar[str | None] = None
    #: Default ``company_id`` to the current company on create.
    company_default: ClassVar[bool] = False
    #: ``_inherits``: parent model -> many2one field on this model.
    inherits: ClassVar[dict[str, str]] = {}
    #: Fields whose values are stored on the record itself although they would be
    #: delegated by name (none by default).
    #: Uniqueness constraints: (fields, message). Checked after create/write.
    unique: ClassVar[list[tuple[tuple[str, ...], str]]] = []

    def defaults(self, env: Env) -> Vals:
        """Values for fields left out of ``create`` (Odoo's field defaults)."""
        return {}

    #: The columns a ``display_name`` override reads, declared beside it in the same class
    #: (None: it may read any column, and is given whole rows).
    display_columns: ClassVar[tuple[str, ...] | None] = None

    def name_columns(self) -> tuple[str, ...] | None:
        """The columns ``display_name`` reads (None: any): this class's own rule reads the
        ``rec_name``; an override reads what its class declares beside it."""
        owner = next(c for c in type(self).__mro__ if "display_name" in c.__dict__)
        if owner is ModelHooks:
            return (self.rec_name,) if self.rec_name else ()
        columns: tuple[str, ...] | None = owner.__dict__.get("display_columns")
        return columns

    def display_name(self, env: Env, row: Row) -> str:
        if self.rec_name and self.rec_name in row:
            value = row[self.rec_name]
            return value if isinstance(value, str) else ("" if value is None else str(value))
        return f"{self.model},{row['id']}"

    def compute(self, env: Env, field: str, rows: list[Row]) -> list[Any] | None:
        """Values of a non-stored field for ``rows`` (read form), or None if not computed here."""
        return None

    def search_field(self, env: Env, field: str, operator: str, value: Any) -> list[Any] | None:
        """A domain replacing a leaf on a non-stored field, or None (the leaf is dropped)."""
        return None

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        """Adjust ``vals`` before the record is inserted (may create related records)."""
        return vals

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        """Run after the row and its x2many values exist."""

    def check_write_access(self, env: Env, vals: Vals) -> None:
        """The access check of a public ``write`` (overridden where Odoo checks another model first)."""
        from harmonizer.sandbox import access

        access.check(env, self.model, "write")

    def prepare_write(self, env: Env, ids: list[int], vals: Vals) -> Vals:
        return vals

    def write_missing(self, env: Env, ids: list[int]) -> None:
        """Called with the ids of a ``write`` that do not exist, before the MissingError (a hook
        may raise its own error instead)."""

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        """Run after the rows were updated."""

    def before_unlink(self, env: Env, ids: list[int]) -> None:
        """Refuse (raise) or prepare the deletion of ``ids``."""

    def check(self, env: Env, ids: list[int]) -> None:
        """Python constraints (``@api.constrains``), after create and write."""

    def methods(self) -> dict[str, Method]:
        """Extra public methods of this model, by name."""
        return {}


class HookRegistry:
    """Hooks by model name; unknown models get the plain ``ModelHooks``."""

    def __init__(self, hooks: list[ModelHooks]) -> None:
        self._hooks = {h.model: h for h in hooks}
        self._default: dict[str, ModelHooks] = {}

    def get(self, model: str) -> ModelHooks:
        if model in self._hooks:
            return self._hooks[model]
        if model not in self._default:
            plain = type(f"Plain_{model.replace('.', '_')}", (ModelHooks,), {"model": model})
            self._default[model] = plain()
        return self._default[model]

    def models(self) -> list[str]:
        return list(self._hooks)
