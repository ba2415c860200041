"""Template versions side by side (``site_templates/<name>@<version>/``), pins, and moving a pin."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harmonizer.config import load_project
from harmonizer.config.pins import write_pin
from harmonizer.errors import ConfigErrors
from harmonizer.render.sites import render_sites

BASIC = Path(__file__).parents[1] / "config" / "projects" / "basic"
TEMPLATE = "site_templates/distribution-standard"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The basic config project with its template kept as 1.0.0 and a current 1.1.0."""
    root = tmp_path / "project"
    shutil.copytree(BASIC, root)
    shutil.copytree(root / TEMPLATE, root / f"{TEMPLATE}@1.0.0")
    header = root / TEMPLATE / "template.yaml"
    header.write_text(header.read_text().replace('version: "1.0.0"', 'version: "1.1.0"'))
    extra = root / TEMPLATE / "zz_new.yaml"
    extra.write_text("system_parameter:\n  new_in_one_one:\n"
                         "    key: harmonizer.new\n    value: \"yes\"\n")
    return root


def test_pinned_site_renders_its_kept_version(root: Path) -> None:
    project = load_project(root)
    assert project.versions("distribution-standard") == ["1.0.0", "1.1.0"]
    pinned = project.render("wh1", {})
    follows_current = project.render("wh2", {})
    assert pinned.template_version == "1.0.0"
    assert "system_parameter.new_in_one_one" not in pinned.resources
    assert follows_current.template_version == "1.1.0"
    assert "system_parameter.new_in_one_one" in follows_current.resources


def test_with_pins_moves_a_site_in_memory_only(root: Path) -> None:
    project = load_project(root)
    moved = project.with_pins({"wh1": "1.1.0"})
    assert "system_parameter.new_in_one_one" in moved.render("wh1", {}).resources
    assert project.sites["wh1"].template_version == "1.0.0"
    assert 'template_version: "1.0.0"' in (root / "sites/wh1.yaml").read_text()
    with pytest.raises(ConfigErrors) as info:
        project.with_pins({"wh1": "3.0.0"})
    assert "nor a kept version (1.0.0)" in str(info.value)


def test_unknown_pin_names_the_kept_versions(root: Path) -> None:
    site = root / "sites/wh1.yaml"
    site.write_text(site.read_text().replace('"1.0.0"', '"0.9.0"'))
    with pytest.raises(ConfigErrors) as info:
        load_project(root)
    assert [str(e) for e in info.value.errors] == [
        "sites/wh1.yaml:2: template_version '0.9.0' does not match template distribution-standard "
        "version '1.1.0' nor a kept version (1.0.0)"]


def test_kept_folder_must_agree_with_its_header(root: Path) -> None:
    header = root / f"{TEMPLATE}@1.0.0" / "template.yaml"
    header.write_text(header.read_text().replace('version: "1.0.0"', 'version: "1.0.1"'))
    with pytest.raises(ConfigErrors) as info:
        load_project(root)
    assert any("version '1.0.1' must equal the version in the folder name 'distribution-standard@1.0.0'"
               in str(e) for e in info.value.errors)


def test_kept_version_equal_to_current_is_refused(root: Path) -> None:
    shutil.copytree(root / TEMPLATE, root / f"{TEMPLATE}@1.1.0")
    with pytest.raises(ConfigErrors) as info:
        load_project(root)
    assert any("version '1.1.0' is also the current version" in str(e) for e in info.value.errors)


def test_kept_version_without_current_is_refused(root: Path) -> None:
    shutil.copytree(root / f"{TEMPLATE}@1.0.0", root / "site_templates/other@1.0.0")
    header = root / "site_templates/other@1.0.0/template.yaml"
    header.write_text(header.read_text().replace("name: distribution-standard", "name: other"))
    with pytest.raises(ConfigErrors) as info:
        load_project(root)
    assert any("has no current version beside it (site_templates/other/)" in str(e) for e in info.value.errors)


def test_write_pin_changes_only_the_pin(root: Path) -> None:
    site = root / "sites/wh1.yaml"
    before = site.read_text()
    assert write_pin(site, "1.1.0") is True
    assert site.read_text() == before.replace('template_version: "1.0.0"', 'template_version: "1.1.0"')
    assert write_pin(site, "1.1.0") is False
    other = root / "sites/wh2.yaml"
    write_pin(other, "1.0.0")
    assert other.read_text().splitlines()[:2] == ["template: distribution-standard", 'template_version: "1.0.0"']
    assert load_project(root).sites["wh2"].template_version == "1.0.0"


def test_sites_table_shows_version_and_pin(root: Path) -> None:
    lines = render_sites(load_project(root)).splitlines()
    header = lines[0].split()
    assert header[:5] == ["site", "template", "version", "pinned", "current"]
    assert lines[1].split()[:5] == ["wh1", "distribution-standard", "1.0.0", "yes", "1.1.0"]
    assert lines[2].split()[:5] == ["wh2", "distribution-standard", "1.1.0", "-", "="]
