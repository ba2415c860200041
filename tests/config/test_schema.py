"""The JSON Schemas of configuration files: generated from the validating models, shipped current,
and the shipped sites, templates and resource files validate against them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from harmonizer.cli import main
from harmonizer.config.schema import NAMES, SHIPPED, render, schema

REPO = Path(__file__).resolve().parents[2]
MODELINE = "# yaml-language-server: $schema="


def _plain(value: Any) -> Any:
    """YAML as an editor's language server sees it (YAML 1.2: a date is text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _errors(name: str, text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema(name))
    data = _plain(YAML(typ="safe").load(text))
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


def _shipped_files() -> list[tuple[str, Path]]:
    files = [("site", p) for p in sorted((REPO / "sites").glob("*.yaml"))]
    for folder in sorted((REPO / "site_templates").iterdir()):
        files.append(("template", folder / "template.yaml"))
        files += [("resources", p) for p in sorted(folder.glob("*.yaml")) if p.name != "template.yaml"]
    files += [("resources", p) for p in sorted((REPO / "sites").glob("*/*.yaml"))]
    return files


@pytest.mark.parametrize("name", NAMES)
def test_shipped_schemas_are_current(name: str) -> None:
    shipped = SHIPPED / f"{name}.schema.json"
    assert shipped.read_text(encoding="utf-8") == render(name), (
        f"{shipped} is stale: run python scripts/build_config_schemas.py")
    jsonschema.Draft202012Validator.check_schema(json.loads(render(name)))


def test_every_shipped_site_template_and_resource_file_validates() -> None:
    files = _shipped_files()
    assert {name for name, _ in files} == set(NAMES)
    assert any(p.parent.name == "warehouse-4" for _, p in files)  # a site folder's own resource file
    for name, path in files:
        assert _errors(name, path.read_text(encoding="utf-8")) == [], path


def test_the_schemas_flag_what_the_loader_refuses() -> None:
    assert _errors("site", "template: t\nodoo: {url: sandbox://x}\ncolour: blue\n") == [
        ": Additional properties are not allowed ('colour' was unexpected)"]
    assert _errors("site", "template: t\nodoo: {url: sandbox://x}\nexclude: [{address: a.b, owner: o}]\n") == [
        "exclude/0: 'reason' is a required property"]
    assert _errors("template", "name: t\nversion: '1'\nlocal_kinds: [colour]\n")[0].startswith(
        "local_kinds/0: 'colour' is not one of")
    assert _errors("template", "name: t\nversion: '1'\nvariables: {x: {type: colour}}\n")[0].startswith(
        "variables/x/type: 'colour' is not one of")
    assert _errors("resources", "colour: {}\n") == [
        ": Additional properties are not allowed ('colour' was unexpected)"]
    assert _errors("resources", "system_parameter: {x: {key: a, value: b, colour: c}}\n") == [
        "system_parameter/x: Additional properties are not allowed ('colour' was unexpected)"]
    # Jinja stands for a typed value; a plain string does not
    assert _errors("resources", "company_settings: {x: {po_double_validation_amount: '{{ amount }}'}}\n") == []
    assert _errors("resources", "company_settings: {x: {po_double_validation_amount: lots}}\n") != []
    assert _errors("resources", "approval_matrix: {rules: {r: {exception: order_value, threshold: 5, "
                                "action: approval, approver: admin, mandatory: true}}}\n") == []


def test_the_cli_prints_each_schema_and_the_script_writes_them(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        result = CliRunner().invoke(main, ["schema", name])
        assert result.exit_code == 0 and result.output == render(name)
    spec = importlib.util.spec_from_file_location("build_config_schemas", REPO / "scripts" / "build_config_schemas.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "SHIPPED", tmp_path / "harmonizer" / "config" / "schemas")
    monkeypatch.setattr(script, "REPO", tmp_path)
    script.main()
    for name in NAMES:
        assert (tmp_path / "harmonizer" / "config" / "schemas" / f"{name}.schema.json").read_text() == render(name)


def test_the_shipped_modelines_point_at_the_shipped_schemas() -> None:
    for _name, path in _shipped_files():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith(MODELINE):
            target = (path.parent / first[len(MODELINE):]).resolve()
            assert target.parent == SHIPPED.resolve() and target.is_file(), path
