"""libyaml-parsed documents are ruamel's documents: same values, types and positions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from harmonizer.config import yamlfast
from harmonizer.config.yamlio import parse_yaml
from harmonizer.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
FILES = sorted({REPO / "sandbox.yaml", *(p for folder in ("site_templates", "sites", "tests", "docs")
                                         for p in (REPO / folder).rglob("*.y*ml"))})

TRICKY = """
plain: text
quoted: "12"
single: 'yes'
yes_no: [yes, no, on, off, y, n]
booleans: [true, True, TRUE, false]
nulls: [~, null, Null, ]
empty:
ints: [0, -7, +3, 0o17, 0x1F, 012, 1_000]
floats: [1.5, -0.0, 1e3, .inf, -.Inf, .nan, 6.02e+23, 1.]
dates: [2026-12-31, 2026-12-31T10:00:00Z, 2026-12-31 10:00:00]
literal: |
  first line
    indented {{ jinja }}
folded: >-
  folded
  text
flow: {a: 1, b: [x, "y z"], c: {}}
nested:
  - name: one
    values: {x: 1}
  -
    - deep
  - "{{ site.name }}"
unicode: "é€ – 漢"
"key with spaces": value
inner:
  last_empty:
after: 1
list_of_empty:
  -
  - x
1: integer key
? complex
: plain key written the long way
ends_empty:
"""


def shape(node: Any) -> Any:
    """Values with their exact types and every position ruamel records."""
    if isinstance(node, CommentedMap):
        return ("map", node.lc.line, node.lc.col,
                [(shape(k), node.lc.key(k), node.lc.value(k), shape(v)) for k, v in node.items()])
    if isinstance(node, CommentedSeq):
        return ("seq", node.lc.line, node.lc.col, [(node.lc.item(i), shape(v)) for i, v in enumerate(node)])
    if isinstance(node, float) and node != node:
        return (type(node).__name__, "nan")
    if isinstance(node, dt.date):
        return (type(node).__name__, node.isoformat())
    return (type(node).__name__, node, str(node))


def both(text: str) -> tuple[Any, Any]:
    return yamlfast.load(text, YAML(typ="rt")), YAML(typ="rt").load(text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_of_the_repository_reads_the_same(path: Path) -> None:
    fast, slow = both(path.read_text(encoding="utf-8"))
    if fast is not yamlfast.NOT_FAST:
        assert shape(fast) == shape(slow)


def test_scalars_types_and_positions_are_ruamels() -> None:
    fast, slow = both(TRICKY)
    assert fast is not yamlfast.NOT_FAST
    assert shape(fast) == shape(slow)
    assert fast["yes_no"] == ["yes", "no", "on", "off", "y", "n"]  # YAML 1.2: strings


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",                     # anchors and aliases
    "base: &b {x: 1}\nmore:\n  <<: *b\n",    # merge keys
    "a: !!str 12\n",                         # explicit tags
    "%YAML 1.1\n---\na: yes\n",              # a version directive
    "a: 1\n---\nb: 2\n",                     # two documents
])
def test_what_it_leaves_to_ruamel(text: str) -> None:
    assert yamlfast.load(text, YAML(typ="rt")) is yamlfast.NOT_FAST


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: [1, 2\n", "a:\n\t- tab\n", "key: value: other\n", ""])
def test_errors_and_empty_documents_are_ruamels(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARMONIZER_CACHE_DIR", "")  # each read parses (no document kept between runs)

    def outcome(read: Any) -> Any:
        try:
            return ("ok", read())
        except ConfigError as exc:
            return ("error", str(exc))

    fast = outcome(lambda: parse_yaml(text, "f.yaml"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlfast, "load", lambda _text, _yaml: yamlfast.NOT_FAST)
        slow = outcome(lambda: parse_yaml(text, "f.yaml"))
    assert fast == slow


RUAMELS = [  # documents only ruamel reads (anchors, merges, tags, comments, several styles)
    "# head\na: &x {b: 1, c: [1, 2.50, 0x1F, 1_000]}  # tail\nd: *x\nmerged:\n  <<: *x\n  e: 2\n",
    "a: !!str 12\nb: !!float 3\nwhen: !!timestamp 2026-01-02\n",
    "%YAML 1.2\n---\nlist:\n- &i one\n- *i\n- 'quoted'\n- \"double\"\n",
]


@pytest.mark.parametrize("text", [TRICKY, *RUAMELS, *(p.read_text(encoding="utf-8") for p in FILES[:40])])
def test_a_document_kept_between_runs_is_the_one_read(text: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARMONIZER_CACHE_DIR", str(tmp_path))
    first = parse_yaml(text, "f.yaml")   # read and kept
    monkeypatch.setattr(yamlfast, "load", lambda _text, _yaml: pytest.fail("read again"))
    monkeypatch.setattr(YAML, "load", lambda _self, _text: pytest.fail("read again"))
    kept = parse_yaml(text, "f.yaml")
    assert kept is not first
    assert deep(kept) == deep(first)
    assert list(tmp_path.glob("yaml-*.pickle"))


def deep(node: Any, path: frozenset[int] = frozenset()) -> Any:
    """Everything an object holds: its type, its items or value, and every attribute (ruamel
    keeps positions, comments, tags, anchors and merges in attributes)."""
    if node is None or type(node) in (bool, int, float, str):
        return (type(node).__name__, repr(node))
    if id(node) in path:
        return ("cycle", type(node).__name__)
    inner = path | {id(node)}
    parts: list[Any] = [type(node).__name__]
    if isinstance(node, dict):
        parts.append([(deep(k, inner), deep(v, inner)) for k, v in dict.items(node)])
    elif isinstance(node, list | tuple):
        parts.append([deep(v, inner) for v in node])
    elif isinstance(node, set | frozenset):  # no order
        parts.append(sorted((deep(v, inner) for v in node), key=repr))
    elif isinstance(node, int | float | str | dt.date):
        parts.append(repr(node))
    attributes: dict[str, Any] = {}
    for klass in type(node).__mro__:
        slots = getattr(klass, "__slots__", ())
        for slot in (slots,) if isinstance(slots, str) else slots:
            if slot not in ("__weakref__", "__dict__") and hasattr(node, slot):
                attributes[slot] = deep(getattr(node, slot), inner)
    if hasattr(node, "__dict__"):
        attributes.update({k: deep(v, inner) for k, v in vars(node).items()})
    parts.append(sorted(attributes.items()))
    return parts


def test_a_kept_document_cannot_run_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    monkeypatch.setenv("HARMONIZER_CACHE_DIR", str(tmp_path))
    text = "a: 1\n"
    parse_yaml(text, "f.yaml")
    (entry,) = tmp_path.glob("yaml-*.pickle")
    key = pickle.loads(entry.read_bytes())[0]
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> Any:
            return (Path.touch, (marker,))

    entry.write_bytes(pickle.dumps((key, Evil())))
    assert parse_yaml(text, "f.yaml") == {"a": 1}  # refused: read again
    assert not marker.exists()
