"""Root fixtures: the secrets scan over every output of the test suite.

Rules:
- ``secret_value(label)`` hands a test a distinctive secret and registers it; environment
  variables a test sets whose names look secret (``*TOKEN*``, ``*PASSWORD*``, ``*SECRET*``,
  ``*API_KEY*``, ``*_PW``) with values of 8+ characters are registered too.
- Recorded outputs: pytest's captured stdout/stderr/log of every test phase, failure reports,
  every click ``CliRunner`` result (stdout and stderr), harmonizer's debug log while a test
  holds a registered secret, and at the end every file under the session's temporary
  directory, except the stand-in's databases (``*.sqlite3``: Odoo's own data legitimately
  holds the secret a template configured).
- At the end of the session every registered secret is looked for in every recorded output;
  a find fails the session, naming where (never the secret). See ``tests/safety/test_secrets_scan.py``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

SECRET_NAME = re.compile(r"(TOKEN|PASSWORD|SECRET|API_KEY|APIKEY|_PW$)", re.IGNORECASE)
MIN_SECRET = 8
SKIPPED_SUFFIXES = (".sqlite3", ".sqlite3-journal", ".sqlite3-wal", ".sqlite3-shm", ".pyc")


class SecretScan:
    """Secrets registered by tests and the outputs to search for them."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.outputs: list[tuple[str, str]] = []
        self.current = "session"

    def register(self, value: str) -> None:
        if len(value) >= MIN_SECRET:
            self.secrets.add(value)

    def record(self, where: str, text: str | bytes | None) -> None:
        if text:
            self.outputs.append((where, text.decode("utf-8", "replace") if isinstance(text, bytes) else text))

    def record_files(self, root: Path) -> int:
        count = 0
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.endswith(SKIPPED_SUFFIXES):
                self.record(f"file {path}", path.read_bytes())
                count += 1
        return count

    def findings(self) -> list[str]:
        """Where a registered secret appears (one line each, never the secret itself)."""
        out = []
        for where, text in self.outputs:
            hits = sum(1 for secret in self.secrets if secret in text)
            if hits:
                out.append(f"{where}: {hits} secret(s) found")
        return out


SCAN = SecretScan()


class _LogRecorder(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # a line that cannot be formatted is no output
            SCAN.record(f"log {SCAN.current}", self.format(record))


_HANDLER = _LogRecorder(level=logging.DEBUG)


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger("harmonizer").addHandler(_HANDLER)
    original = CliRunner.invoke
    if getattr(original, "_scanned", False):
        return

    def invoke(self: CliRunner, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        SCAN.record(f"cli output of {SCAN.current}", result.output)
        with contextlib.suppress(ValueError):  # stderr not captured separately
            SCAN.record(f"cli stderr of {SCAN.current}", result.stderr)
        return result

    invoke._scanned = True  # type: ignore[attr-defined]
    CliRunner.invoke = invoke  # type: ignore[method-assign]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    SCAN.current = item.nodeid
    yield
    SCAN.current = "session"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield
    for name, value in os.environ.items():  # still set: monkeypatch undoes at teardown
        if SECRET_NAME.search(name):
            SCAN.register(value)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for title, content in report.sections:
        SCAN.record(f"{title} of {report.nodeid}", content)
    if report.failed and report.longrepr is not None:
        SCAN.record(f"failure report of {report.nodeid}", str(report.longrepr))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None:
        with contextlib.suppress(OSError, ValueError):
            SCAN.record_files(factory.getbasetemp())
    found = SCAN.findings()
    session.config.stash[_FOUND] = found
    if found and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_FOUND = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    found = config.stash.get(_FOUND, [])
    if found:
        terminalreporter.section("secrets scan: FAILED", red=True)
        for line in found:
            terminalreporter.write_line(line)
    elif SCAN.secrets:
        terminalreporter.write_line(f"secrets scan: {len(SCAN.secrets)} secret(s) searched in "
                                    f"{len(SCAN.outputs)} output(s): none found")


@pytest.fixture()
def secret_value() -> Iterator[Callable[[str], str]]:
    """``secret_value("label")`` -> a fresh, registered secret; harmonizer logs at DEBUG meanwhile."""
    logger = logging.getLogger("harmonizer")
    level = logger.level
    logger.setLevel(logging.DEBUG)

    def make(label: str) -> str:
        value = f"{label}-{secrets.token_hex(12)}"
        SCAN.register(value)
        return value

    yield make
    logger.setLevel(level)


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def shipped_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the repository's own project (templates, sites, sandbox.yaml) on the sandbox."""
    from harmonizer.odoo import sandbox_link

    monkeypatch.delenv("HARMONIZER_PROJECT", raising=False)
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "sites", root / "sites")
    shutil.copy(REPO / "sandbox.yaml", root / "sandbox.yaml")
    yield root
    # In-process stand-ins are cached per (name, home, version): forget this project's.
    for name in ("harmonizer_demo", "harmonizer_east"):
        sandbox_link.unregister_sandbox(name)
