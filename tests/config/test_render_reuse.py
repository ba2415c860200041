"""Rendering once per distinct input: a resource rendered for one site is reused for every
other site whose values of the names it reads are the same (and only then)."""

from __future__ import annotations

from tests.config.conftest import TEMPLATE_DIR, ProjectDir

ENV = {"WH1_N8N_TOKEN": "token-of-wh1-0001", "HARMONIZER_N8N_TOKEN": "token-of-wh2-0002"}


def test_a_resource_whose_inputs_are_the_same_is_rendered_once(project: ProjectDir) -> None:
    loaded = project.load()
    wh1, wh2 = loaded.render("wh1", ENV), loaded.render("wh2", ENV)
    # reads only template.name/version: one render for both sites
    assert wh1.resources["system_parameter.site_label"] is wh2.resources["system_parameter.site_label"]
    # reads po_approval_amount, which wh1 overrides: rendered for each
    ours, theirs = (s.resources["company_settings.purchase_approvals"] for s in (wh1, wh2))
    assert ours is not theirs
    assert ours.body["po_double_validation_amount"] == 7500
    assert theirs.body["po_double_validation_amount"] == 5000
    # reads a secret each site takes from its own variable: each keeps its own value
    urls = [s.resources["server_action.notify_n8n_order_approved"].body["webhook_url"] for s in (wh1, wh2)]
    assert urls[0].endswith("token=token-of-wh1-0001") and urls[1].endswith("token=token-of-wh2-0002")


def test_the_same_secret_value_is_shared_and_stays_secret(project: ProjectDir) -> None:
    loaded = project.load()
    env = {"WH1_N8N_TOKEN": "one-token-for-all", "HARMONIZER_N8N_TOKEN": "one-token-for-all"}
    first, second = (loaded.render(name, env).resources["server_action.notify_n8n_order_approved"]
                     for name in ("wh1", "wh2"))
    assert first is second
    assert first.secret_keys == frozenset({"webhook_url"})
    assert "one-token-for-all" not in repr(first.body["webhook_url"])


def test_a_resource_reading_the_site_is_rendered_per_site(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/labels.yaml", """
        system_parameter:
          site_name:
            key: harmonizer.site_name
            value: "{{ site.name }} ({{ site.company }})"
    """)
    loaded = project.load()
    values = [loaded.render(name, ENV).resources["system_parameter.site_name"].body["value"] for name in ("wh1", "wh2")]
    assert values == ["wh1 (Harmonia Distribution West)", "wh2 (Harmonia Distribution East)"]


def test_standard_render_and_site_render_do_not_mix(project: ProjectDir) -> None:
    loaded = project.load()
    site = loaded.render("wh1", ENV).resources["company_settings.purchase_approvals"]
    standard = loaded.render("wh1", ENV, defaults_only=True).resources["company_settings.purchase_approvals"]
    assert (site.body["po_double_validation_amount"], standard.body["po_double_validation_amount"]) == (7500, 5000)


def test_reuse_does_not_depend_on_the_order_sites_are_rendered_in(project: ProjectDir) -> None:
    one, other = project.load(), project.load()
    forward = [one.render(name, ENV) for name in ("wh1", "wh2")]
    backward = [other.render(name, ENV) for name in ("wh2", "wh1")][::-1]
    for a, b in zip(forward, backward, strict=True):
        assert dict(a.resources) == dict(b.resources)


def test_render_errors_are_reported_for_every_site(project: ProjectDir) -> None:
    project.write(f"{TEMPLATE_DIR}/broken.yaml", """
        system_parameter:
          broken:
            key: harmonizer.broken
            value: "{{ no_such_variable }}"
    """)
    errors = project.validate(ENV)
    assert len([e for e in errors if "no_such_variable" in e]) == 2  # wh1 and wh2


def test_a_site_on_the_defaults_renders_its_standard_once(project: ProjectDir) -> None:
    loaded = project.load()
    # wh2 sets no variable: its desired state is its standard
    assert loaded.render("wh2", ENV) is loaded.render("wh2", ENV, defaults_only=True)
    # wh1 sets po_approval_amount: two renders, which share what does not read it
    site, standard = loaded.render("wh1", ENV), loaded.render("wh1", ENV, defaults_only=True)
    assert site is not standard
    assert site.resources["system_parameter.site_label"] is standard.resources["system_parameter.site_label"]
    # another environment (another secret value) is another render
    assert loaded.render("wh2", {**ENV, "HARMONIZER_N8N_TOKEN": "token-other-0003"}) is not loaded.render("wh2", ENV)
