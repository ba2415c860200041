"""A short secret never corrupts output: it is redacted where it is rendered (never searched
for in text), and ``plan``/``validate`` warn about it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from harmonizer.cli import main


def _run(project: Path, *args: str, token: str = "x"):
    return CliRunner().invoke(main, ["--project", str(project), *args], env={"HARMONIZER_N8N_TOKEN": token},
                              catch_exceptions=False)


def test_plan_with_a_one_character_token_works_and_shows_no_token(shipped_project: Path) -> None:
    result = _run(shipped_project, "plan", "site=all")
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    assert "token=x" not in result.output and "token=" not in result.stdout
    # the webhooks carrying the token are shown redacted, event names are intact
    assert "webhook_url: (sensitive value)" in result.stdout
    assert "name: \"[Harmonizer] Event: stock_exception_raised\"" in result.stdout
    assert "shorter than 8 characters" in result.stderr
    assert "template.yaml:" in result.stderr.splitlines()[0]


def test_render_hides_the_token_setting_and_keeps_the_event_names(shipped_project: Path) -> None:
    result = _run(shipped_project, "render", "site=warehouse-3")
    assert result.exit_code == 0, result.output
    assert "token: (sensitive value)" in result.stdout
    assert "stock_exception_raised:" in result.stdout
    assert "token=x" not in result.stdout


def test_a_long_token_gives_no_warning(shipped_project: Path) -> None:
    result = _run(shipped_project, "validate", token="a-long-enough-token")
    assert result.exit_code == 0
    assert "Warning" not in result.output
    short = _run(shipped_project, "validate")
    assert short.exit_code == 0 and "Warning: " in short.stderr
