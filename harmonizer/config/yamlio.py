"""YAML reading with positions: ruamel round-trip nodes, plain copies, and key -> line lookup.

Rules:
- Every configuration file is read into ruamel's round-trip objects, which keep 0-based
  positions on mappings (``lc.key(k)``, ``lc.value(k)``) and sequences (``lc.item(i)``)
  (parsed by libyaml when the document allows, ``config.yamlfast``; else by ruamel).
  ``Location`` lines are 1-based: always add one.
- Duplicate keys and malformed YAML become a ``ConfigError`` at ruamel's problem mark.
- Validation and rendering work on ``plain`` copies (dict/list/str/int/float/bool/date) so
  that ruamel's scalar subclasses never leak into pydantic or Jinja; the round-trip nodes
  are kept alongside only to locate errors.
- A path into a document is a tuple of keys and list indexes (the shape of a pydantic
  error's ``loc``); ``line_of`` walks it as deep as the document allows, so a missing key
  is reported at its parent's line.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import __version__ as ruamel_version
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

from harmonizer import diskcache
from harmonizer.config import yamlfast
from harmonizer.errors import ConfigError, Location

PathKey = str | int


def relative(path: Path, root: Path) -> str:
    """``path`` as written in messages: relative to the project root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_yaml(path: Path, shown: str) -> Any:
    """The round-trip document in ``path`` (``None`` for an empty file); ``shown`` names it in errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read file: {exc}", Location(shown)) from exc
    return parse_yaml(text, shown)


def parse_yaml(text: str, shown: str) -> Any:
    """The round-trip document in ``text``; a document read before is taken from the cache
    (``harmonizer.diskcache``: keyed by the text, this reader's code and the parsers' versions)."""
    return diskcache.parsed("yaml", text, _READER_CODE, _parsers(), lambda: _parse(text, shown),
                            modules=("ruamel.yaml.",))


#: The code that reads a document (a kept document was read by the same code).
_READER_CODE = (Path(__file__), Path(yamlfast.__file__))


@functools.cache
def _parsers() -> str:
    """ruamel's version and which PyYAML (its file's size and time) parse documents."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("yaml")
        origin = spec.origin if spec is not None else None
        info = os.stat(origin) if origin else None
        pyyaml = f"{origin} {info.st_size} {info.st_mtime_ns}" if info else "none"
    except (ImportError, ValueError, OSError):
        pyyaml = "unknown"
    return f"ruamel.yaml {ruamel_version}; pyyaml {pyyaml}"


def _parse(text: str, shown: str) -> Any:
    yaml = YAML(typ="rt")
    fast = yamlfast.load(text, yaml)  # libyaml's parser when it can (``config.yamlfast``)
    if fast is not yamlfast.NOT_FAST:
        return fast
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.context and exc.problem and "duplicate key" not in exc.problem:
            problem = f"{problem} ({exc.context})"
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise ConfigError(f"invalid YAML: {_one_line(problem)}", Location(shown, line, column)) from exc
    except YAMLError as exc:
        raise ConfigError(f"invalid YAML: {_one_line(str(exc))}", Location(shown)) from exc


def load_mapping(path: Path, shown: str, *, allow_empty: bool = False) -> CommentedMap:
    """A file whose top level must be a mapping (an empty file gives an empty one if allowed)."""
    doc = load_yaml(path, shown)
    if doc is None and allow_empty:
        return CommentedMap()
    if not isinstance(doc, CommentedMap):
        what = "empty" if doc is None else f"a {type_name(doc)}"
        raise ConfigError(f"expected a mapping at the top of the file, found {what}", Location(shown, 1))
    return doc


def plain(node: Any) -> Any:
    """A copy of ``node`` made only of builtin types (ruamel's subclasses removed)."""
    if isinstance(node, dict):
        return {scalar(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return scalar(node)


def scalar(value: Any) -> Any:
    """One scalar as a builtin (ruamel's ScalarFloat, ScalarInt, ScalarBoolean, TimeStamp...)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, bool | ScalarBoolean):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond, value.tzinfo)
    return value


def type_name(value: Any) -> str:
    """The YAML-ish name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


def line_of(node: Any, path: Sequence[PathKey] = (), base: int | None = None) -> int | None:
    """The 1-based line of the deepest element of ``path`` found in ``node`` (keys: the key's line).

    ``base`` is the line standing for ``node`` itself (e.g. the key that holds it); default:
    where the node starts.
    """
    line = base if base is not None else _own_line(node)
    current = node
    for step in path:
        if isinstance(current, CommentedMap) and step in current:
            line = current.lc.key(step)[0] + 1
            current = current[step]
        elif isinstance(current, CommentedSeq) and isinstance(step, int) and 0 <= step < len(current):
            line = current.lc.item(step)[0] + 1
            current = current[step]
        else:
            break
    return line


def value_line(parent: Any, key: PathKey) -> int | None:
    """The 1-based line where the value of ``parent[key]`` starts (block scalars: the indicator)."""
    if isinstance(parent, CommentedMap) and key in parent:
        return parent.lc.value(key)[0] + 1
    if isinstance(parent, CommentedSeq) and isinstance(key, int) and 0 <= key < len(parent):
        return parent.lc.item(key)[0] + 1
    return _own_line(parent)


def get_path(node: Any, path: Sequence[PathKey]) -> Any:
    """``node[path[0]][path[1]]...`` or ``None`` when the path leaves the document."""
    current = node
    for step in path:
        in_map = isinstance(current, dict) and step in current
        in_list = isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        if not (in_map or in_list):
            return None
        current = current[step]
    return current


def _own_line(node: Any) -> int | None:
    if isinstance(node, CommentedMap | CommentedSeq) and node.lc.line is not None:
        return node.lc.line + 1
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
