"""Moving a site's template pin: rewriting ``template_version`` in its site file, comments kept.

Rules:
- Only the ``template_version`` line changes; everything else in the file (comments, order,
  quoting of other values) stays as written (ruamel round trip).
- A pin that is absent is inserted right after the ``template`` key; the version is always
  written as a double-quoted string (versions are strings: ``"1.10"`` is not ``1.1``).
- The file is replaced atomically (written beside it, then renamed), so an interrupted
  rollout never leaves half a site file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from harmonizer.errors import ConfigError, Location

PIN_KEY = "template_version"


def write_pin(path: Path, version: str) -> bool:
    """Set ``template_version: "<version>"`` in the site file at ``path``; False if already so."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    text = path.read_text(encoding="utf-8")
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap):
        raise ConfigError("a site file is a mapping", Location(path.name, 1))
    if doc.get(PIN_KEY) == version:
        return False
    value = DoubleQuotedScalarString(version)
    if PIN_KEY in doc:
        doc[PIN_KEY] = value
    else:
        keys = list(doc)
        at = keys.index("template") + 1 if "template" in keys else 0
        doc.insert(at, PIN_KEY, value)
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, path)
    return True
