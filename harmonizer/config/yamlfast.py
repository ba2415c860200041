"""Reading YAML with libyaml's C parser into ruamel's round-trip objects (six times less CPU).

ruamel's round-trip loader scans and parses in pure Python: most of a start-up was reading a
large template. Here libyaml (PyYAML's C parser) makes the parse events; the nodes are
built with ruamel's own node classes and tag resolver (YAML 1.2, as ruamel resolves them),
and ruamel's round-trip constructor builds the document, so values, their types and their
positions (``lc``) are ruamel's. Rules:
- Only plain documents take this path: one document, no version or tag directive, no
  anchor, alias or explicit tag. Anything else, and any error (malformed YAML, a duplicate
  key...), returns ``NOT_FAST``: the caller reads the text with ruamel, which gives the
  standard result or error.
- Comments are not kept (nothing reads a configuration file's comments back; files that
  are rewritten, like pins, are read with ruamel directly).
"""

from __future__ import annotations

import functools
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

#: Returned when a document must be read by ruamel.
NOT_FAST: Any = object()


class _Unsupported(Exception):
    """A feature this reader leaves to ruamel."""


@functools.cache
def _libyaml() -> tuple[Any, Any] | None:
    """PyYAML and its libyaml loader, imported on first use (None: not installed)."""
    try:  # PyYAML with libyaml; without it every document is read by ruamel
        import yaml
        from yaml import CSafeLoader  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - depends on the installation
        return None
    return yaml, CSafeLoader


def load(text: str, yaml: YAML) -> Any:
    """The round-trip document of ``text`` (as ``yaml.load``), or ``NOT_FAST``."""
    libyaml = _libyaml()
    if libyaml is None:
        return NOT_FAST
    try:
        node = _compose(text, yaml.resolver, *libyaml)
        return None if node is None else yaml.constructor.construct_document(node)
    except Exception:  # any doubt: ruamel reads it and says what is wrong
        return NOT_FAST


def _compose(text: str, resolver: Any, pyyaml: Any, loader: Any) -> Any:
    stack: list[list[Any]] = []  # [container node, pending key node]
    root = None
    documents = 0
    empty = None  # an empty mapping value: ruamel places it where the next token starts
    for event in pyyaml.parse(text, Loader=loader):
        if empty is not None:
            empty.start_mark = empty.end_mark = event.start_mark
            empty = None
        kind = type(event)
        if kind is pyyaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Unsupported
            node = ScalarNode(resolver.resolve(ScalarNode, event.value, event.implicit), event.value,
                              event.start_mark, event.end_mark, style=event.style or None)  # plain: None
        elif kind is pyyaml.MappingStartEvent or kind is pyyaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Unsupported
            cls = MappingNode if kind is pyyaml.MappingStartEvent else SequenceNode
            stack.append([cls(resolver.resolve(cls, None, event.implicit), [], event.start_mark, None,
                              flow_style=event.flow_style), None])
            continue
        elif kind is pyyaml.MappingEndEvent or kind is pyyaml.SequenceEndEvent:
            node = stack.pop()[0]
            node.end_mark = event.end_mark
        elif kind is pyyaml.DocumentStartEvent:
            documents += 1
            if documents > 1 or event.version is not None or event.tags:
                raise _Unsupported
            continue
        elif kind is pyyaml.AliasEvent:
            raise _Unsupported
        else:  # stream start/end, document end
            continue
        if not stack:
            root = node
            continue
        top = stack[-1]
        if type(top[0]) is SequenceNode:
            top[0].value.append(node)
        elif top[1] is None:
            top[1] = node
        else:
            top[0].value.append((top[1], node))
            top[1] = None
            if type(node) is ScalarNode and node.value == "" and node.style is None:
                empty = node
    return root
