"""Template variables: their declaration, the checks on a value, and a site's overrides.

Rules (controlled variation):
- A template declares every variable a resource may use; a site may set only declared,
  ``overridable`` variables, and each value must pass the variable's type, ``min``/``max``
  (inclusive, numbers), ``choices`` and ``pattern`` (``re.fullmatch``, strings) checks.
- Every non-secret variable has a ``default`` that passes the same checks.
- A ``secret`` never has a literal value anywhere: the template names a default environment
  variable (``env``) and a site may name another one as ``{env: NAME}`` if overridable.
  A missing environment variable is an error only when the secret is ``required``.
- ``float`` accepts integers (converted to float); ``int`` and ``float`` never accept booleans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from harmonizer.config.validation import validate_model
from harmonizer.config.yamlio import line_of, plain, type_name, value_line
from harmonizer.errors import ConfigError, Location

#: Secrets shorter than this are accepted but never searched for in text (a short value
#: would match ordinary words): they are redacted only where they are rendered, and
#: ``validate`` warns about them.
MIN_SECRET_LENGTH = 8

VarType = Literal["string", "int", "float", "bool", "secret", "list"]
VARIABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Names the render context uses for itself; a variable may not shadow them.
RESERVED_NAMES = frozenset({"site", "template"})


class VariableSpec(BaseModel):
    """One variable as written under ``variables:`` in template.yaml."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    type: VarType
    description: str | None = None
    default: Any = None
    min: int | float | None = None
    max: int | float | None = None
    choices: list[Any] | None = None
    pattern: str | None = None
    overridable: bool = False
    env: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Variable:
    """A checked variable declaration. ``default`` is ``None`` for secrets."""

    name: str
    type: str
    location: Location
    description: str | None = None
    default: Any = None
    min: int | float | None = None
    max: int | float | None = None
    choices: tuple[Any, ...] | None = None
    pattern: str | None = None
    overridable: bool = False
    env: str | None = None
    required: bool = True

    @property
    def is_secret(self) -> bool:
        return self.type == "secret"


@dataclass(frozen=True)
class SecretSource:
    """Where a secret's value comes from: an environment variable, named at ``location``."""

    variable: str
    env: str
    required: bool
    location: Location


def parse_variables(raw: Any, file: str) -> tuple[dict[str, Variable], list[ConfigError]]:
    """The ``variables:`` mapping of a template file (``raw`` is its round-trip node)."""
    out: dict[str, Variable] = {}
    errors: list[ConfigError] = []
    for name, node in raw.items():
        where = Location(file, line_of(raw, (name,)))
        if not isinstance(name, str) or not VARIABLE_NAME.match(name) or name in RESERVED_NAMES:
            why = "is reserved" if name in RESERVED_NAMES else "must match [a-z_][a-z0-9_]*"
            errors.append(ConfigError(f"variables: name {name!r} {why}", where))
            continue
        spec, found = validate_model(VariableSpec, node, file, label=f"variables.{name}", base=where.line)
        errors.extend(found)
        if spec is not None:
            problems = _check_declaration(name, spec, node, file, where)
            errors.extend(problems)
            if not problems:
                out[name] = _variable(name, spec, where)
    return out, errors


def _variable(name: str, spec: VariableSpec, where: Location) -> Variable:
    default = spec.default
    if spec.type == "float" and isinstance(default, int) and not isinstance(default, bool):
        default = float(default)
    return Variable(name=name, type=spec.type, location=where, description=spec.description,
                    default=default, min=spec.min, max=spec.max,
                    choices=tuple(spec.choices) if spec.choices is not None else None,
                    pattern=spec.pattern, overridable=spec.overridable, env=spec.env,
                    required=spec.required)


def _check_declaration(name: str, spec: VariableSpec, node: Any, file: str,
                       where: Location) -> list[ConfigError]:
    written = spec.model_fields_set

    def err(key: str, message: str) -> ConfigError:
        return ConfigError(f"variables.{name}: {message}", Location(file, line_of(node, (key,))))

    errors: list[ConfigError] = []
    if spec.type == "secret":
        errors += [err(k, f"a secret takes no {k!r}") for k in ("default", "choices", "min", "max", "pattern")
                   if k in written]
        if spec.env is None:
            errors.append(err("type", "a secret needs 'env': the environment variable holding its value"))
        elif not ENV_NAME.match(spec.env):
            errors.append(err("env", f"{spec.env!r} is not an environment variable name"))
        return errors
    errors += [err(k, f"only secrets take {k!r}") for k in ("env", "required") if k in written]
    if spec.type not in ("int", "float"):
        errors += [err(k, f"{k!r} applies to int and float variables only") for k in ("min", "max")
                   if k in written]
    if "pattern" in written and spec.type != "string":
        errors.append(err("pattern", "'pattern' applies to string variables only"))
    if spec.pattern is not None and not errors:
        try:
            re.compile(spec.pattern)
        except re.error as exc:
            errors.append(err("pattern", f"invalid regular expression: {exc}"))
    if spec.min is not None and spec.max is not None and spec.min > spec.max:
        errors.append(err("max", f"max {spec.max} is below min {spec.min}"))
    if errors:
        return errors
    if "default" not in written:
        return [ConfigError(f"variables.{name}: missing required key 'default' (only secrets may omit it)",
                            where)]
    probe = _variable(name, spec, where)
    for i, choice in enumerate(spec.choices or []):
        _, problem = check_value(probe, choice, check_choices=False)
        if problem:
            errors.append(ConfigError(f"variables.{name}.choices[{i}]: {problem}",
                                      Location(file, line_of(node, ("choices", i)))))
    _, problem = check_value(probe, spec.default)
    if problem:
        errors.append(ConfigError(f"variables.{name}.default: {problem}",
                                  Location(file, value_line(node, "default"))))
    return errors


def check_value(var: Variable, value: Any, *, check_choices: bool = True) -> tuple[Any, str | None]:
    """``(converted value, None)`` or ``(None, why it is refused)`` for a non-secret variable."""
    converted, problem = _typed(var.type, value)
    if problem:
        return None, problem
    if var.min is not None and converted < var.min:
        return None, f"{converted!r} is below the minimum {var.min!r}"
    if var.max is not None and converted > var.max:
        return None, f"{converted!r} is above the maximum {var.max!r}"
    if check_choices and var.choices is not None and converted not in var.choices:
        return None, f"{converted!r} is not one of the choices {list(var.choices)!r}"
    if var.pattern is not None and not re.fullmatch(var.pattern, converted):
        return None, f"{converted!r} does not match the pattern {var.pattern!r}"
    return converted, None


def _typed(vtype: str, value: Any) -> tuple[Any, str | None]:
    bad = f"expected a {vtype} value, got {type_name(value)}"
    if vtype == "string":
        return (value, None) if isinstance(value, str) else (None, bad)
    if vtype == "bool":
        return (value, None) if isinstance(value, bool) else (None, bad)
    if vtype == "list":
        return (list(value), None) if isinstance(value, list) else (None, bad)
    if isinstance(value, bool):
        return None, bad
    if vtype == "int":
        return (value, None) if isinstance(value, int) else (None, bad)
    if vtype == "float":
        return (float(value), None) if isinstance(value, int | float) else (None, bad)
    return None, f"unknown variable type {vtype!r}"


def site_overrides(variables: Mapping[str, Variable], raw: Any, file: str, template: str
                   ) -> tuple[dict[str, Any], dict[str, SecretSource], list[ConfigError]]:
    """Check a site's ``variables:`` node against its template's declarations.

    Returns the accepted values of non-secret variables, the secret sources the site names,
    and the errors, each at the line of the offending key or value.
    """
    values: dict[str, Any] = {}
    secrets: dict[str, SecretSource] = {}
    errors: list[ConfigError] = []
    for name in raw:
        key_at = Location(file, line_of(raw, (name,)))
        val_at = Location(file, value_line(raw, name))
        var = variables.get(name)
        if var is None:
            known = ", ".join(sorted(variables)) or "none"
            errors.append(ConfigError(
                f"variables.{name}: template {template} declares no such variable (declared: {known})", key_at))
            continue
        if not var.overridable:
            errors.append(ConfigError(
                f"variables.{name}: not overridable: template {template} fixes this variable", key_at))
            continue
        value = plain(raw[name])
        if var.is_secret:
            source, problem = _secret_source(var, value, val_at)
            if problem:
                errors.append(ConfigError(f"variables.{name}: {problem}", val_at))
            elif source is not None:
                secrets[name] = source
            continue
        converted, problem = check_value(var, value)
        if problem:
            errors.append(ConfigError(f"variables.{name}: {problem}", val_at))
        else:
            values[name] = converted
    return values, secrets, errors


def _secret_source(var: Variable, value: Any, where: Location) -> tuple[SecretSource | None, str | None]:
    if not isinstance(value, dict):
        return None, "a secret is never written literally: give {env: ENV_VAR_NAME}"
    if set(value) != {"env"}:
        return None, f"a secret takes exactly one key 'env', got {', '.join(map(str, value))}"
    env = value["env"]
    if not isinstance(env, str) or not ENV_NAME.match(env):
        return None, f"{env!r} is not an environment variable name"
    return SecretSource(var.name, env, var.required, where), None
