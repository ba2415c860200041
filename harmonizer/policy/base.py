"""What every policy block shares: the compiled resource, the site context, domain helpers.

A policy block is a template building block (``approval_matrix``, ``escalation``,
``business_events``, ``finance_controls``) written next to kind keys in a template's
resource files. Compiling is pure: the block's rendered, validated body plus the site's
render context give ordinary resources of existing kinds (``CompiledResource``), which the
config layer validates with the kinds' own schemas like hand-written ones.

Invariants:
- Compiled names are ``<prefix>_<rule>`` (the block's short prefix, then the rule name the
  template wrote), so addresses stay stable as long as the template's rule names do.
- Domains are written as Python literal text, the form Odoo stores in ``filter_domain``;
  values are ``repr``-ed, never formatted by hand, so a tag or category name can hold quotes.
- A block never names an Odoo id: users by login, tags/categories/warehouses by name or code,
  activity types by name or external ID (``TODO_ACTIVITY`` by default).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from harmonizer.errors import Location
from harmonizer.kinds.refs import OdooName

#: The activity type of approval and escalation activities unless a rule names another: Odoo's
#: To-Do, by external ID (its name is "To-Do" from 17.0, "To Do" on 16.0, and translated).
TODO_ACTIVITY = {"xmlid": "mail.mail_activity_data_todo"}


def odoo_name(value: OdooName) -> Any:
    """A name or ``{xmlid: ...}`` as a plain body value (a copy: bodies are data)."""
    return dict(value) if isinstance(value, Mapping) else value


#: A rule name inside a block: the same pattern as resource names.
RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

Domain = list[Any]


class BlockBody(BaseModel):
    """Base of every block schema: unknown keys are refused, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


@dataclass(frozen=True)
class CompiledResource:
    """One ordinary resource a block compiles to (kind + name + body in that kind's vocabulary).

    ``block`` and ``rule`` say where it came from (for ``render`` and for errors);
    ``location`` is the line of the block (or of the rule) in the template file.
    """

    kind: str
    name: str
    body: Mapping[str, Any]
    block: str
    rule: str | None
    location: Location
    #: Body keys whose value depends on a secret (a token in a webhook URL): redact in output.
    secret_keys: frozenset[str] = frozenset()
    #: One line saying why this resource exists, for ``render``.
    purpose: str = ""
    #: The Odoo versions it exists on (``harmonizer.policy.versions``); None: every version.
    odoo_versions: str | None = None

    @property
    def address(self) -> str:
        return f"{self.kind}.{self.name}"


@dataclass(frozen=True)
class PolicyContext:
    """What compilation may depend on: the site (name, company, warehouse) and template.

    Built from the Jinja render context (``RenderContext.as_dict()``): ``site`` and
    ``template`` mappings.
    """

    site: str = ""
    company: str | None = None
    warehouse: str | None = None
    template: str = ""

    @classmethod
    def from_mapping(cls, context: Mapping[str, Any] | PolicyContext | None) -> PolicyContext:
        if isinstance(context, PolicyContext):
            return context
        context = context or {}
        site = context.get("site") or {}
        template = context.get("template") or {}
        return cls(site=str(site.get("name") or ""), company=site.get("company"),
                   warehouse=site.get("warehouse"), template=str(template.get("name") or ""))


class PolicyError(ValueError):
    """A block is valid on its own but cannot compile (e.g. an activity on a model without
    activities). ``path`` is the key path inside the block, for the error's line."""

    def __init__(self, message: str, path: Sequence[str | int] = ()) -> None:
        super().__init__(message)
        self.path = tuple(path)


# -- domains ------------------------------------------------------------------------------


def domain_text(domain: Domain) -> str:
    """A domain as the literal text Odoo stores (``[('state', '=', 'sale')]``)."""
    return "[" + ", ".join(_leaf_text(leaf) for leaf in domain) + "]"


def _leaf_text(leaf: Any) -> str:
    if isinstance(leaf, str):
        return repr(leaf)  # an operator: '&', '|', '!'
    path, op, value = leaf
    return f"({path!r}, {op!r}, {_value_text(value)})"


def _value_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return repr(int(value))  # 25000.0 -> 25000: what a person writes, same meaning
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    return repr(value)


def negate(domain: Domain) -> Domain:
    """``not (leaf1 and leaf2 and ...)``: the records that do not match ``domain`` (normal form)."""
    if not domain:
        return []
    leaves = [leaf for leaf in domain if not isinstance(leaf, str)]
    if len(leaves) != len(domain):
        raise ValueError("negate() takes a plain conjunction of leaves")
    return ["!"] + ["&"] * (len(leaves) - 1) + leaves


def join_lines(lines: Sequence[str]) -> str:
    return "\n".join(lines) + "\n"


def py_str(text: str) -> str:
    """``text`` as a Python string literal for generated server-action code."""
    return repr(str(text))


def compiled_name(prefix: str, rule: str, suffix: str = "") -> str:
    return f"{prefix}_{rule}" + (f"_{suffix}" if suffix else "")
