"""Imports point one way: the façade (harmonizer/project.py) calls the engine; nothing of the
engine imports the façade back at run time (a type annotation under ``TYPE_CHECKING`` is
allowed: it names the type, it does not load the module). Only the CLI sits above the façade."""

from __future__ import annotations

import ast
from pathlib import Path

import harmonizer

PACKAGE = Path(harmonizer.__file__).resolve().parent
ABOVE_THE_FACADE = {"project.py", "cli.py", "commands"}


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def _runtime_imports_of_facade(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _type_checking_blocks(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            if node.module == "harmonizer.project" or (node.module == "harmonizer" and "project" in names):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
        elif isinstance(node, ast.Import) and any(a.name == "harmonizer.project" for a in node.names):
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_nothing_below_the_facade_imports_it_at_run_time() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in ABOVE_THE_FACADE]
    assert len(modules) > 100  # the whole engine is scanned, not an empty folder
    offenders = [where for path in modules for where in _runtime_imports_of_facade(path)]
    assert offenders == []


def test_the_scan_sees_a_runtime_import(tmp_path: Path) -> None:
    """The check itself: a lazy import inside a function counts, a TYPE_CHECKING one does not."""
    probe = tmp_path / "probe.py"
    probe.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from harmonizer.project import A\n"
                     "def f():\n    from harmonizer.project import B\n    from harmonizer import project\n",
                     encoding="utf-8")
    assert _runtime_imports_of_facade(probe, tmp_path) == ["probe.py:5", "probe.py:6"]
