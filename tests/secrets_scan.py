"""The secrets scan over every output of the test suite (a plugin the root conftest loads).

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
- Under pytest-xdist each worker process scans what it recorded and the files of its own
  temporary directory (the tests that registered the secrets ran there), and hands the
  controller its findings and counts (``workeroutput``: never a secret, only a digest of each
  to count them once); the controller fails the session on any finding and prints the one
  line for all of them. The controller records nothing itself: every report it receives was
  recorded and scanned by the worker that ran the test.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

SECRET_NAME = re.compile(r"(TOKEN|PASSWORD|SECRET|API_KEY|APIKEY|_PW$)", re.IGNORECASE)
MIN_SECRET = 8
SKIPPED_SUFFIXES = (".sqlite3", ".sqlite3-journal", ".sqlite3-wal", ".sqlite3-shm", ".pyc")
#: The ``workeroutput`` entry a worker hands the controller.
WORKER_KEY = "secrets_scan"


class SecretScan:
    """Secrets registered by tests and the outputs to search for them."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.outputs: list[tuple[str, str]] = []
        self.current = "session"
        #: False in an xdist controller, which runs no test.
        self.recording = True

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

    def digests(self) -> list[str]:
        """One digest per registered secret (counts them across processes; no secret in it)."""
        return sorted(hashlib.sha256(secret.encode()).hexdigest() for secret in self.secrets)


SCAN = SecretScan()


class _LogRecorder(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # a line that cannot be formatted is no output
            SCAN.record(f"log {SCAN.current}", self.format(record))


_HANDLER = _LogRecorder(level=logging.DEBUG)


class _Totals:
    """What the session's line says: findings, secrets (by digest) and outputs searched."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.digests: set[str] = set()
        self.outputs = 0

    def add(self, found: list[str], digests: list[str], outputs: int) -> None:
        self.found += found
        self.digests.update(digests)
        self.outputs += outputs


_TOTALS = pytest.StashKey[_Totals]()


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _is_controller(config: pytest.Config) -> bool:
    """This process hands the tests to xdist workers and runs none itself (what xdist checks
    before it starts them: its ``dsession`` plugin is registered after this one's configure)."""
    if _is_worker(config) or config.getoption("collectonly", False):
        return False
    return config.getoption("dist", "no") != "no" and bool(config.getoption("tx", None))


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TOTALS] = _Totals()
    SCAN.recording = not _is_controller(config)
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


@pytest.hookimpl
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not SCAN.recording:  # an xdist controller: the worker that ran the test recorded it
        return
    for title, content in report.sections:
        SCAN.record(f"{title} of {report.nodeid}", content)
    if report.failed and report.longrepr is not None:
        SCAN.record(f"failure report of {report.nodeid}", str(report.longrepr))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    totals = config.stash[_TOTALS]
    if SCAN.recording:
        factory = getattr(config, "_tmp_path_factory", None)
        if factory is not None:  # a worker's: the folder of that worker's tests
            with contextlib.suppress(OSError, ValueError):
                SCAN.record_files(factory.getbasetemp())
        totals.add(SCAN.findings(), SCAN.digests(), len(SCAN.outputs))
    if _is_worker(config):
        config.workeroutput[WORKER_KEY] = {  # type: ignore[attr-defined]
            "found": totals.found, "digests": sorted(totals.digests), "outputs": totals.outputs}
    if totals.found and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker is done: its findings and counts join the controller's."""
    data = getattr(node, "workeroutput", {}).get(WORKER_KEY)
    if data is not None:
        node.config.stash[_TOTALS].add(list(data["found"]), list(data["digests"]), int(data["outputs"]))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    totals = config.stash[_TOTALS]
    if totals.found:
        terminalreporter.section("secrets scan: FAILED", red=True)
        for line in totals.found:
            terminalreporter.write_line(line)
    elif totals.digests:
        terminalreporter.write_line(f"secrets scan: {len(totals.digests)} secret(s) searched in "
                                    f"{totals.outputs} output(s): none found")


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
