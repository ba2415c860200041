"""Site selection syntax: names, comma lists, ``all``, ``tag=T``."""

from __future__ import annotations

import pytest

from harmonizer.errors import ConfigError
from tests.config.conftest import ProjectDir


@pytest.fixture
def three(project: ProjectDir) -> ProjectDir:
    project.write("sites/warehouse-3.yaml", """
        template: distribution-standard
        tags: [east, pilot]
        odoo: {url: sandbox://other}
        scope: {company: South}
    """)
    return project


def _names(project: ProjectDir, selectors: list[str]) -> list[str]:
    return [site.name for site in project.load().select(selectors)]


def test_one_name(three: ProjectDir) -> None:
    assert _names(three, ["warehouse-3"]) == ["warehouse-3"]


def test_comma_list_and_several_selectors_in_name_order_without_duplicates(three: ProjectDir) -> None:
    assert _names(three, ["wh2,warehouse-3"]) == ["warehouse-3", "wh2"]
    assert _names(three, ["wh2", "wh1, wh2"]) == ["wh1", "wh2"]


def test_all(three: ProjectDir) -> None:
    assert _names(three, ["all"]) == ["warehouse-3", "wh1", "wh2"]


def test_tag(three: ProjectDir) -> None:
    assert _names(three, ["tag=pilot"]) == ["warehouse-3", "wh1"]
    assert _names(three, ["tag=west,wh2"]) == ["wh1", "wh2"]


def test_unknown_site_lists_the_known_ones(three: ProjectDir) -> None:
    with pytest.raises(ConfigError) as info:
        three.load().select(["wh1,wh9"])
    assert str(info.value) == "unknown site 'wh9' (known sites: warehouse-3, wh1, wh2)"


def test_unknown_tag_lists_the_tags_in_use(three: ProjectDir) -> None:
    with pytest.raises(ConfigError) as info:
        three.load().select(["tag=north"])
    assert str(info.value) == "no site has tag 'north' (tags in use: east, pilot, west)"


def test_nothing_selected(three: ProjectDir) -> None:
    with pytest.raises(ConfigError, match="no site selected"):
        three.load().select([" , "])


def test_render_of_an_unknown_site(three: ProjectDir) -> None:
    with pytest.raises(ConfigError, match=r"unknown site 'nope' \(known sites: warehouse-3, wh1, wh2\)"):
        three.load().render("nope", {})


def test_site_names_that_clash_with_the_syntax_are_refused(project: ProjectDir) -> None:
    project.write("sites/all.yaml", "template: distribution-standard\nodoo: {url: sandbox://x}\n"
                  "scope: {company: X}\n")
    assert project.load_errors() == [
        "sites/all.yaml:1: site name 'all' (the file name) must match [A-Za-z0-9][A-Za-z0-9_.-]* and not be 'all'"]
