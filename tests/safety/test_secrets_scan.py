"""The secrets scan (tests/secrets_scan.py) finds a leaked secret wherever it is recorded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from secrets_scan import SecretScan


def test_the_scan_finds_a_secret_in_output_and_files_but_not_in_databases(tmp_path: Path) -> None:
    scan = SecretScan()
    scan.register("s3cret-value-123")
    scan.register("short")  # too short to search for without false alarms
    scan.record("cli output of t", "Error: login failed for admin")
    assert scan.findings() == []
    scan.record("stderr of t", "oops: s3cret-value-123")
    (tmp_path / "audit.log").write_text('{"after": "s3cret-value-123"}\n')
    (tmp_path / "odoo.sqlite3").write_text("s3cret-value-123")  # Odoo's own data holds it legitimately
    assert scan.record_files(tmp_path) == 1
    found = scan.findings()
    assert found == ["stderr of t: 1 secret(s) found", f"file {tmp_path / 'audit.log'}: 1 secret(s) found"]
    assert all("s3cret" not in line for line in found)



TESTS = Path(__file__).resolve().parents[1]

SESSION = '''
import pytest


def test_quiet(secret_value, monkeypatch):
    secret_value("quiet")
    monkeypatch.setenv("SUITE_API_TOKEN", "one-constant-token-value")  # the same in every worker
    print("nothing to hide")


def test_other():
    print("still nothing")
'''

LEAK = '''

def test_leaky(secret_value):
    print("the password is", secret_value("leaky"))
'''


def run_session(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str,
                *args: str) -> pytest.RunResult:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # where the plugin is, in the workers too
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # a quick start: only the plugins named
    pytester.makepyfile(test_session=source)
    return pytester.runpytest_subprocess("-p", "secrets_scan", "-p", "xdist.plugin", "-p", "no:cacheprovider",
                                         *args)


def test_under_xdist_a_secret_leaked_in_a_worker_fails_the_session(pytester: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_session(pytester, monkeypatch, SESSION + LEAK, "-n", "2")
    result.assert_outcomes(passed=3)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "secrets scan: FAILED" in out
    assert "Captured stdout call of test_session.py::test_leaky: 1 secret(s) found" in out
    assert "leaky-" not in out.split("secrets scan: FAILED")[1]  # the finding names where, never the secret


def test_under_xdist_the_controller_counts_every_workers_secrets_once(pytester: pytest.Pytester,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``--dist each``: both workers run every test; each registers its own ``quiet`` secret
    and the same token: 3 distinct secrets, searched in both workers' outputs."""
    result = run_session(pytester, monkeypatch, SESSION, "-n", "2", "--dist", "each")
    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.OK
    line = [line for line in result.outlines if line.startswith("secrets scan:")]
    assert len(line) == 1 and re.fullmatch(r"secrets scan: 3 secret\(s\) searched in \d+ output\(s\): none found",
                                           line[0])
    assert int(line[0].split(" in ")[1].split()[0]) >= 4  # at least each test's captured stdout, per worker
