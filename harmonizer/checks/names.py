"""What Odoo lets a domain or a piece of Python see, per place and version.

Odoo evaluates server-side Python (server action and scheduled action code, automation
domains, field-update equations) with ``odoo.tools.safe_eval``: its builtins, plus the
evaluation context of the place:

- automation rules (``base.automation._get_eval_context``) evaluate ``filter_domain`` and
  ``filter_pre_domain`` with ``datetime``, ``dateutil``, ``time``, ``uid`` and ``user``;
  17.0 and later add ``model``. Nothing else: no ``context_today`` or ``relativedelta``
  (those belong to the web client) -- write ``dateutil.relativedelta.relativedelta``.
- server actions (``ir.actions.server._get_eval_context``, which scheduled actions run
  through as well) see ``env``, ``model``, ``record``, ``records``, ``uid``, ``user``,
  ``time``, ``datetime``, ``dateutil``, ``timezone``, ``float_compare``, ``b64encode``,
  ``b64decode``, ``Command``, ``log``, ``_logger`` and ``UserError`` on 16.0-19.0.

Forbidden everywhere (safe_eval refuses the code before running it): imports, any name or
attribute containing ``__``, the frame/code/generator attributes listed below, assigning or
deleting attributes, ``global``/``nonlocal``, class definitions, ``with``, ``assert``,
``match`` and ``async`` code.
"""

from __future__ import annotations

#: ``safe_eval``'s builtins (``True``/``False``/``None`` are constants in Python's grammar).
BUILTINS = frozenset({
    "bytes", "str", "unicode", "bool", "int", "float", "enumerate", "dict", "list", "tuple", "map", "abs",
    "min", "max", "sum", "reduce", "filter", "sorted", "round", "len", "repr", "set", "all", "any", "ord",
    "chr", "divmod", "isinstance", "range", "xrange", "zip", "Exception",
})

#: Attributes safe_eval refuses besides dunder names (frames, code objects, generators, mro).
UNSAFE_ATTRIBUTES = frozenset({
    "f_builtins", "f_code", "f_globals", "f_locals", "f_generator", "func_code", "func_globals", "co_code",
    "_co_code_adaptive", "mro", "tb_frame", "gi_code", "gi_frame", "gi_yieldfrom", "cr_await", "cr_code",
    "cr_frame", "ag_await", "ag_code", "ag_frame",
})

_AUTOMATION_DOMAIN = frozenset({"datetime", "dateutil", "time", "uid", "user"})
_SERVER_ACTION = frozenset({
    "env", "model", "record", "records", "uid", "user", "time", "datetime", "dateutil", "timezone",
    "float_compare", "b64encode", "b64decode", "Command", "log", "_logger", "UserError",
})


def automation_domain_names(major: int) -> frozenset[str]:
    """Names an automation rule's domains may use on Odoo ``major``."""
    return _AUTOMATION_DOMAIN | {"model"} if major >= 17 else _AUTOMATION_DOMAIN


def server_action_names(major: int) -> frozenset[str]:
    """Names server action (and scheduled action) code may use on Odoo ``major``."""
    return _SERVER_ACTION


def forbidden_name(name: str) -> bool:
    """Does safe_eval refuse this name or attribute outright?"""
    return "__" in name or name in UNSAFE_ATTRIBUTES
