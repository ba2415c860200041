"""Fixtures for configuration tests: a copy of the ``basic`` project that a test may edit."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from harmonizer.config import Project, load_project
from harmonizer.errors import ConfigErrors

BASIC = Path(__file__).parent / "projects" / "basic"
TEMPLATE_DIR = "site_templates/distribution-standard"


class ProjectDir:
    """A writable project folder: ``write`` replaces one file, ``load`` and ``errors`` read it all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def remove(self, relative: str) -> None:
        (self.root / relative).unlink()

    def load(self) -> Project:
        return load_project(self.root)

    def load_errors(self) -> list[str]:
        """The messages ``load_project`` raises (fails the test if it loads cleanly)."""
        with pytest.raises(ConfigErrors) as info:
            load_project(self.root)
        return [str(error) for error in info.value.errors]

    def validate(self, env: dict[str, str] | None = None) -> list[str]:
        return [str(error) for error in self.load().validate(env or {})]


@pytest.fixture
def project(tmp_path: Path) -> ProjectDir:
    root = tmp_path / "project"
    shutil.copytree(BASIC, root)
    return ProjectDir(root)
