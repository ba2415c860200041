"""File-level rules: malformed YAML, duplicate keys, wrong types, unknown and missing keys."""

from __future__ import annotations

from tests.config.conftest import TEMPLATE_DIR, ProjectDir


def test_basic_project_loads_cleanly(project: ProjectDir) -> None:
    loaded = project.load()
    assert sorted(loaded.sites) == ["wh1", "wh2"]
    assert list(loaded.templates) == ["distribution-standard"]
    assert project.validate() == []


def test_malformed_yaml_is_located_at_ruamels_mark(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://harmonizer_demo
        tags: [east
        scope: {company: East}
    """)
    errors = project.load_errors()
    assert len(errors) == 1
    assert errors[0].startswith("sites/wh2.yaml:5:")
    assert "invalid YAML" in errors[0]


def test_duplicate_key_is_located_at_the_second_occurrence(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://harmonizer_demo
        scope:
          company: East
          company: West
    """)
    [error] = project.load_errors()
    assert error.startswith("sites/wh2.yaml:6:")
    assert 'duplicate key "company"' in error


def test_top_level_must_be_a_mapping(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", "- just\n- a list\n")
    assert project.load_errors() == ["sites/wh2.yaml:1: expected a mapping at the top of the file, found a list"]


def test_unknown_key_in_site_is_refused_with_allowed_keys(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://harmonizer_demo
          pasword_env: X
        scope: {company: East}
    """)
    [error] = project.load_errors()
    assert error.startswith("sites/wh2.yaml:4: odoo: unknown key 'pasword_env' (allowed: database, insecure,")


def test_unknown_top_level_key_in_site(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        odoo:
          url: sandbox://harmonizer_demo
        scope: {company: East}
        colour: blue
    """)
    [error] = project.load_errors()
    assert error.startswith("sites/wh2.yaml:5: unknown key 'colour' (allowed: access_exceptions, description, "
                            "exclude, odoo, scope,")


def test_missing_required_key_is_located_at_its_parent(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        scope:
          company: East
        odoo:
          login: admin
    """)
    assert project.load_errors() == ["sites/wh2.yaml:4: odoo: missing required key 'url'"]


def test_wrong_type_in_site(project: ProjectDir) -> None:
    project.write("sites/wh2.yaml", """
        template: distribution-standard
        tags: east
        odoo:
          url: sandbox://harmonizer_demo
          timeout: soon
        scope: {company: East}
    """)
    assert project.load_errors() == [
        "sites/wh2.yaml:2: tags: Input should be a valid list (got string)",
        "sites/wh2.yaml:5: odoo.timeout: Input should be a valid number (got string)",
    ]


def test_unknown_key_in_template_header_and_variable(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/template.yaml", """
        name: distribution-standard
        version: "1.0.0"
        owner: ops
        variables:
          approval_mode:
            type: string
            default: two_step
            overridable: true
            choises: [one_step, two_step]
    """)
    errors = project.load_errors()
    assert errors[0].startswith(f"{TEMPLATE_DIR}/template.yaml:3: unknown key 'owner' (allowed: description,")
    assert errors[1].startswith(f"{TEMPLATE_DIR}/template.yaml:9: variables.approval_mode: unknown key "
                                "'choises' (allowed: choices, default,")


def test_template_version_must_be_a_string(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/template.yaml", """
        name: distribution-standard
        version: 1.0
    """)
    errors = project.load_errors()
    assert errors[0] == f"{TEMPLATE_DIR}/template.yaml:2: version: Input should be a valid string (got float)"


def test_yml_files_are_not_silently_ignored(project: ProjectDir) -> None:
    project.write("sites/wh3.yml", "template: distribution-standard\n")
    assert project.load_errors() == ["sites/wh3.yml: site files end in .yaml: rename this file"]


def test_errors_from_several_files_are_collected(project: ProjectDir) -> None:
    project.write("sites/wh1.yaml", "template: [\n")
    project.write("sites/wh2.yaml", "template: distribution-standard\n")
    errors = project.load_errors()
    assert [e.split(":")[0] for e in errors] == ["sites/wh1.yaml", "sites/wh2.yaml"]
    assert errors[1] == "sites/wh2.yaml:1: missing required key 'odoo'"


def test_not_a_project(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from harmonizer.config import load_project
    from harmonizer.errors import ConfigErrors

    try:
        load_project(tmp_path)
    except ConfigErrors as exc:
        assert "not a harmonizer project" in str(exc)
    else:
        raise AssertionError("an empty folder must not load as a project")
