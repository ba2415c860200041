"""The example CI pipeline in the docs: valid YAML, a schedule, a drift run, the HTML as an artifact."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

PIPELINE = Path(__file__).resolve().parents[2] / "docs" / "ci" / "drift-check.yml"


def test_pipeline_schedules_drift_and_publishes_the_html_report() -> None:
    doc = YAML(typ="safe").load(PIPELINE.read_text())
    assert doc["on"]["schedule"][0]["cron"]
    steps = [step for job in doc["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "harmonizer drift --shard" in runs
    assert "harmonizer drift merge drift-*.json --format html --out drift-report.html" in runs
    uploads = [step["with"]["path"] for step in steps
               if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    assert "drift-report.html" in uploads
