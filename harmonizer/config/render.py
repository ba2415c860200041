"""Jinja2 rendering of template bodies for one site, and their validation into ``Resource`` objects.

Rules:
- Only string scalars are rendered; mapping keys never are. Undefined names are errors
  (``StrictUndefined``), located at the scalar's line. The environment is sandboxed.
- A scalar that is exactly one ``{{ expression }}`` keeps the native type of its result
  (a float stays a float, a list stays a list); any other string renders to a string.
- The context is every template variable by name, ``site`` (name, tags, company, warehouse)
  and ``template`` (name, version).
- ``Resource.variables[key]`` lists (sorted) the template variables a top-level body key used;
  a key that used a secret variable is in ``Resource.secret_keys`` and its string values are
  ``SecretText``, whose ``repr`` is redacted (the real value stays usable in memory).
- Rendered bodies are validated with the kind's ``body_model``; the body kept is
  ``model_dump(mode="json", exclude_unset=True)``: only what the template wrote.
- A scalar of plain text and ``{{ name.key }}`` lookups renders without Jinja, exactly as
  Jinja would (``config.scalars``); Jinja (``config.jinjatext``) is imported for the others.
- Rendering is pure, so it is done once per distinct input: every scalar is parsed and
  compiled once per process (one shared sandboxed environment), and a resource rendered for
  one site is reused for every other site whose values of the names it reads are the same
  (kept on the template version's ``RawResource``: see ``_memo_key``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harmonizer.config.scalars import JINJA_MARKERS, MISSING, Parts, ScalarError, lookups, names_of, render_lookups
from harmonizer.config.template import MANDATORY, RawBlock, RawResource, Template
from harmonizer.config.validation import dotted, validate_model
from harmonizer.config.yamlio import PathKey, line_of, scalar, value_line
from harmonizer.errors import ConfigError, Location
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Resource, parse_versions

#: Meta key of a resource (carried on ``Resource``), stripped before body validation.
PREVENT_DESTROY = "prevent_destroy"
#: Meta key: the Odoo versions a resource exists on (``harmonizer.model.parse_versions``).
ODOO_VERSIONS = "odoo_versions"


class SecretText(str):
    """A string rendered from a secret: equal to its value, but ``repr`` never shows it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


@dataclass(frozen=True)
class RenderContext:
    """What Jinja sees for one site: variable values plus ``site`` and ``template``."""

    values: Mapping[str, Any]
    site: Mapping[str, Any]
    template: Mapping[str, Any]
    secret_names: frozenset[str] = frozenset()
    #: Secrets rendered from a placeholder (offline validation): their keys are not comparable.
    placeholder_names: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        return {**self.values, "site": dict(self.site), "template": dict(self.template)}


@dataclass
class RenderedResource:
    """A rendered resource plus the keys whose value came from a placeholder secret."""

    resource: Resource
    placeholder_keys: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class _Scalar:
    """What rendering one scalar needs: the names it reads, and its lookups or its Jinja."""

    names: frozenset[str]
    #: Text and lookups (``config.scalars``), rendered without Jinja when every lookup is found.
    parts: Parts | None = None
    #: ``config.jinjatext.Compiled`` for anything else.
    jinja: Any = None


_SCALARS: dict[str, _Scalar] = {}
#: Where a ``RawResource`` keeps what was learnt about it (frozen dataclass: kept beside its fields).
_NAMES = "_jinja_names"
_RENDERS = "_renders"


def _compile(text: str) -> _Scalar:
    """``text`` made ready to render, once per process (raises ``ScalarError``)."""
    found = _SCALARS.get(text)
    if found is not None:
        return found
    parts = lookups(text)
    if parts is not None:
        found = _Scalar(names_of(parts), parts=parts)
    else:
        from harmonizer.config import jinjatext

        compiled = jinjatext.compile_scalar(text)
        found = _Scalar(compiled.names, jinja=compiled)
    _SCALARS[text] = found
    return found


def _scalar_names(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _scalar_names(value, out)
    elif isinstance(node, list):
        for value in node:
            _scalar_names(value, out)
    elif isinstance(node, str) and any(marker in node for marker in JINJA_MARKERS):
        try:
            out.update(_compile(str(node)).names)
        except ScalarError:
            out.add("\0unparsable")  # never cached: rendering reports the error with its line


def _raw_names(raw: RawResource) -> frozenset[str]:
    """Every name the resource's scalars read (parsed once per template version)."""
    memo = raw.__dict__
    found = memo.get(_NAMES)
    if found is None:
        names: set[str] = set()
        _scalar_names(raw.body, names)
        found = memo[_NAMES] = frozenset(names)
    return found


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a context value (type-exact: 1, 1.0 and True differ)."""
    if isinstance(value, Mapping):
        return ("map", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("repr", type(value).__name__, repr(value))
    return (type(value), value)


def value_key(value: Any) -> Any:
    """A hashable stand-in for rendered data: equal keys, equal values of the same types."""
    return _frozen(value)


def context_key(context: RenderContext) -> tuple[Any, ...]:
    """Everything a render reads from its context, hashable (equal keys: equal renders)."""
    return (_frozen(context.values), _frozen(context.site), _frozen(context.template), context.secret_names,
            context.placeholder_names)


class BodyRenderer:
    """Renders string scalars of bodies with one context; collects the names each one used."""

    def __init__(self, context: RenderContext, *, local: bool = False) -> None:
        self.context = context
        #: Rendering a site's own resources (``Resource.local``) rather than the template's.
        self.local = local
        self.names = context.as_dict()
        self._variables = frozenset(context.values)

    def _memo_key(self, raw: RawResource) -> tuple[Any, ...] | None:
        """What a resource's render depends on: the values (and secrecy) of the names it reads.
        None: not reusable (a scalar that does not parse: its error is reported each time)."""
        names = _raw_names(raw)
        if not names:
            return (self._variables, ())  # what the general case gives for a resource reading no name
        if "\0unparsable" in names:
            return None
        context = self.context
        return (self._variables, tuple(
            (name, _frozen(self.names[name]) if name in self.names else ("undefined",),
             name in context.secret_names, name in context.placeholder_names)
            for name in sorted(names)))

    def render_resource(self, raw: RawResource) -> tuple[RenderedResource | None, list[ConfigError]]:
        """``raw`` rendered for this context (reused from an earlier site when nothing it reads differs)."""
        key = self._memo_key(raw)
        if key is None:
            return self._render_resource(raw)
        renders = raw.__dict__.get(_RENDERS)
        if renders is None:
            renders = raw.__dict__.setdefault(_RENDERS, {})
        found = renders.get(key)
        if found is None:
            rendered, errors = self._render_resource(raw)
            found = renders[key] = (rendered, tuple(errors))
        return found[0], list(found[1])

    def _render_resource(self, raw: RawResource) -> tuple[RenderedResource | None, list[ConfigError]]:
        kind = KINDS[raw.kind]
        errors: list[ConfigError] = []
        rendered: dict[str, Any] = {}
        used: dict[str, set[str]] = {}
        for key in raw.body:
            names: set[str] = set()
            rendered[key] = self._render_node(raw.body[key], raw.body, key, raw, names, errors)
            used[key] = names & set(self.context.values)
        if errors:
            return None, errors
        # ``prevent_destroy`` is a meta key of the resource, never a field of the kind's body.
        protect = rendered.pop(PREVENT_DESTROY, False)
        used.pop(PREVENT_DESTROY, None)
        if not isinstance(protect, bool):
            where = Location(raw.file, value_line(raw.body, PREVENT_DESTROY))
            return None, [ConfigError(f"{raw.address}: {PREVENT_DESTROY} must be true or false", where)]
        # ``mandatory`` (sites may not exclude it) is a meta key checked on the raw body at load.
        mandatory = rendered.pop(MANDATORY, False)
        used.pop(MANDATORY, None)
        if not isinstance(mandatory, bool):
            where = Location(raw.file, value_line(raw.body, MANDATORY))
            return None, [ConfigError(f"{raw.address}: {MANDATORY} must be true or false", where)]
        # ``odoo_versions`` is a meta key too: which Odoo versions the resource exists on.
        versions = rendered.pop(ODOO_VERSIONS, None)
        used.pop(ODOO_VERSIONS, None)
        if versions is not None:
            try:
                parse_versions(str(versions))
            except ValueError as exc:
                where = Location(raw.file, value_line(raw.body, ODOO_VERSIONS))
                return None, [ConfigError(f"{raw.address}: {ODOO_VERSIONS}: {exc}", where)]
            versions = str(versions)
        secret_keys = frozenset(k for k, names in used.items() if names & self.context.secret_names)
        model, errors = validate_model(kind.body_model, raw.body, raw.file, label=raw.address, data=rendered,
                                       redact=secret_keys, base=raw.location.line)
        if model is None:
            return None, errors
        body = model.model_dump(mode="json", exclude_unset=True)
        for key in secret_keys & set(body):
            body[key] = _redacted(body[key])
        resource = Resource(
            kind=raw.kind, name=raw.name, body=body, location=raw.location,
            locations={key: Location(raw.file, line_of(raw.body, (key,))) for key in raw.body},
            secret_keys=secret_keys & set(body),
            variables={key: tuple(sorted(names)) for key, names in used.items() if names},
            prevent_destroy=protect, odoo_versions=versions, local=self.local)
        placeholders = frozenset(k for k, names in used.items() if names & self.context.placeholder_names)
        return RenderedResource(resource, placeholders), []

    def render_block(self, raw: RawBlock) -> tuple[dict[str, Any], dict[tuple[str, ...], set[str]],
                                                   list[ConfigError]]:
        """A policy block's body rendered like a resource body (every string scalar).

        Also returns the template variables each part used: ``(key,)`` for a top-level key
        and ``("rules", name)`` for each rule of a ``rules`` mapping.
        """
        errors: list[ConfigError] = []
        rendered: dict[str, Any] = {}
        used: dict[tuple[str, ...], set[str]] = {}
        values = set(self.context.values)
        for key, value in raw.body.items():
            if key == "rules" and isinstance(value, dict):
                rules: dict[str, Any] = {}
                for rule, body in value.items():
                    names: set[str] = set()
                    rules[rule] = self._render_node(body, value, rule, raw, names, errors)
                    if isinstance(rules[rule], dict):  # a meta key (see checks), never part of the rule
                        rules[rule].pop(MANDATORY, None)
                    used[("rules", str(rule))] = names & values
                rendered[key] = rules
                continue
            names = set()
            rendered[key] = self._render_node(value, raw.body, key, raw, names, errors)
            used[(str(key),)] = names & values
        return rendered, used, errors

    def _render_node(self, node: Any, parent: Any, key: PathKey, raw: RawResource | RawBlock, names: set[str],
                     errors: list[ConfigError]) -> Any:
        if isinstance(node, dict):
            return {k: self._render_node(v, node, k, raw, names, errors) for k, v in node.items()}
        if isinstance(node, list):
            return [self._render_node(v, node, i, raw, names, errors) for i, v in enumerate(node)]
        if not isinstance(node, str):
            return scalar(node)
        try:
            return self.render_string(str(node), names)
        except ScalarError as exc:
            where = Location(raw.file, value_line(parent, key))
            path = _path_to(raw.body, parent, key)
            errors.append(ConfigError(f"{_label(raw)}: {path}: {exc.message}", where))
        except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
            where = Location(raw.file, value_line(parent, key))
            path = _path_to(raw.body, parent, key)
            errors.append(ConfigError(f"{_label(raw)}: {path}: cannot render: {exc}", where))
        return None

    def reads(self, text: str) -> set[str]:
        """The names a scalar's Jinja reads (empty for plain text or unparsable Jinja)."""
        if not any(marker in text for marker in JINJA_MARKERS):
            return set()
        found = _SCALARS.get(text)
        if found is not None:
            return set(found.names)
        parts = lookups(text)
        if parts is not None:
            return set(names_of(parts))
        from harmonizer.config import jinjatext

        try:
            return set(jinjatext.names(text))
        except ScalarError:
            return set()

    def render_string(self, text: str, names: set[str]) -> Any:
        """Render one scalar; adds the undeclared names it reads to ``names`` (``ScalarError``:
        Jinja cannot parse or render it)."""
        if not any(marker in text for marker in JINJA_MARKERS):
            return text
        scalar = _compile(text)
        names.update(scalar.names)
        compiled = scalar.jinja
        if scalar.parts is not None:
            found = render_lookups(scalar.parts, self.names)
            if found is not MISSING:
                return found
        from harmonizer.config import jinjatext

        if compiled is None:  # Jinja says what is wrong (or finds what a lookup could not)
            compiled = jinjatext.compile_scalar(text)
        return jinjatext.render(compiled, self.names)


def render_template(template: Template, context: RenderContext
                    ) -> tuple[dict[str, RenderedResource], list[ConfigError]]:
    """Every resource of ``template`` rendered with ``context``, keyed by address, in declaration order."""
    return render_raws(template.resources, context)


def render_raws(raws: Iterable[RawResource], context: RenderContext, *, local: bool = False
                ) -> tuple[dict[str, RenderedResource], list[ConfigError]]:
    """``raws`` rendered with ``context`` (``local``: a site's own resources), keyed by address."""
    renderer = BodyRenderer(context, local=local)
    out: dict[str, RenderedResource] = {}
    errors: list[ConfigError] = []
    for raw in raws:
        rendered, found = renderer.render_resource(raw)
        errors.extend(found)
        if rendered is not None:
            out[raw.address] = rendered
    return out, errors


def _label(raw: RawResource | RawBlock) -> str:
    return raw.address if isinstance(raw, RawResource) else raw.key


def redacted(value: Any) -> Any:
    """``value`` with every string made a ``SecretText`` (for keys rendered from a secret)."""
    return _redacted(value)


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return SecretText(value)
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


def _path_to(body: Any, parent: Any, key: PathKey) -> str:
    """The dotted path of ``parent[key]`` inside ``body`` (found by identity)."""
    found = _find(body, parent, ())
    return dotted((*found, key)) if found is not None else str(key)


def _find(node: Any, target: Any, path: tuple[PathKey, ...]) -> tuple[PathKey, ...] | None:
    if node is target:
        return path
    items: Any = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        if isinstance(v, dict | list):
            found = _find(v, target, (*path, k))
            if found is not None:
                return found
    return None
