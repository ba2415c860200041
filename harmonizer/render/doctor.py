"""``harmonizer doctor``: one line per check, per site."""

from __future__ import annotations

from harmonizer.doctor import DoctorReport


def render_doctor(reports: list[DoctorReport]) -> str:
    lines = []
    for report in reports:
        lines.append(f"{report.site}:")
        for check in report.checks:
            mark = "!" if check.warning else ("ok" if check.ok else "FAIL")
            lines.append(f"  [{mark}] {check.name}: {check.detail}")
        lines.append(f"  => {'ready' if report.ok else 'NOT ready'}")
    return "\n".join(lines) + "\n"
