"""The root secrets scan (tests/conftest.py) finds a leaked secret wherever it is recorded."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SecretScan


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

