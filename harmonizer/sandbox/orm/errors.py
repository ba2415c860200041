"""Builders for the exact messages of Odoo's ORM errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harmonizer.sandbox.exceptions import MissingError, ValidationError, value_error

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env
    from harmonizer.sandbox.exceptions import PythonError

MANDATORY = ("The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
             "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
             "Model: {model_desc} ({model})\nField: {field_desc} ({field})\n")

MANDATORY_19 = ("The operation cannot be completed: Missing required value for the field '{field_desc}' ({field}).\n"
                "Model: '{model_desc}' ({model})\n- create/update: a mandatory field is not set\n"
                "- delete: another model requires the record being deleted, you can archive it instead\n")


def ids_repr(ids: list[int]) -> str:
    """Odoo's recordset repr of ids: ``(5,)`` or ``(1, 2)``."""
    return repr(tuple(ids))


def missing_error(env: Env, model: str, ids: list[int]) -> MissingError:
    return MissingError(f"Record does not exist or has been deleted.\n(Record: {model}{ids_repr(ids)}, "
                        f"User: {env.uid})")


def mandatory_error(env: Env, model: str, field: str) -> ValidationError:
    spec = env.spec(model)
    label = spec.fields[field].string if field in spec.fields else field
    return ValidationError(env.profile.mandatory_message.format(model_desc=spec.description, model=model,
                                            field_desc=label, field=field))


def constraint_error(message: str) -> ValidationError:
    """An SQL constraint violation, as Odoo reports it."""
    return ValidationError(f"The operation cannot be completed: {message}")


def invalid_field(model: str, field: str, template: str = "Invalid field {field!r} on model {model!r}") -> PythonError:
    """Unknown field in create/write values; ``template`` is the version's wording (profile)."""
    return value_error(template.format(model=model, field=field))
