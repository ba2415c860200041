"""The drift page links each site to its section of the health and metrics pages, where present."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from harmonizer.cli import main

from .conftest import TOKEN, copy_demo


def test_drift_html_links_to_health_and_metrics_pages_beside_it(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "project")
    out = tmp_path / "reports"
    runner = CliRunner()
    env = {"HARMONIZER_N8N_TOKEN": TOKEN}
    base = ["--project", str(root)]
    alone = runner.invoke(main, [*base, "drift", "--format", "html", "--out", str(out / "drift.html"),
                                 "--no-progress"], env=env)
    assert alone.exit_code in (0, 2), alone.output
    assert "health.html" not in (out / "drift.html").read_text()  # no page beside it: no link
    # health for two sites only: the third gets no health link
    health = runner.invoke(main, [*base, "health", "warehouse-1", "warehouse-3", "--format", "html", "--out",
                                  str(out / "health.html"), "--no-progress"], env=env)
    assert health.exit_code == 2, health.output
    metrics = runner.invoke(main, [*base, "metrics", "--weeks", "4", "--format", "html", "--out",
                                   str(tmp_path / "elsewhere" / "m.html"), "--no-progress"], env=env)
    assert metrics.exit_code == 0, metrics.output
    linked = runner.invoke(main, [*base, "drift", "--format", "html", "--out", str(out / "drift.html"),
                                  "--metrics-page", str(tmp_path / "elsewhere" / "m.html"), "--no-progress"], env=env)
    assert linked.exit_code in (0, 2), linked.output
    page = (out / "drift.html").read_text()
    assert '<a href="health.html#site-warehouse-1">health</a>' in page
    assert '<a href="health.html#site-warehouse-3">health</a>' in page
    assert "health.html#site-warehouse-2" not in page
    for site in ("warehouse-1", "warehouse-2", "warehouse-3"):
        assert f'<a href="../elsewhere/m.html#site-{site}">metrics</a>' in page
