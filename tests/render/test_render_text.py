"""Terminal text: exact lines per action, no-op hidden, code diffs, multi-site summary, colour."""

from __future__ import annotations

import io
import re

import pytest
from render_plans import CODE_AFTER, create, delete, fc, mixed_site, noop, plan, site, update

from harmonizer.plan.model import SiteFailure
from harmonizer.render.text import render_text, should_color

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_single_site_full_output() -> None:
    out = render_text(plan(mixed_site()))
    assert lines_of(out) == [
        "warehouse-1: https://erp.example.com, database warehouse_1, Odoo 17.0, template warehouse@1.2.0",
        "",
        "  + automation.order_approved_event (base.automation)",
        "      # source: site_templates/warehouse/automations.yaml:12",
        '      name: "Order approved"',
        "      active: true",
        "",
        "  ~ company_settings.purchase_approval (res.company #1)",
        "      # set by the site file",
        "      # source: sites/warehouse-1.yaml:4",
        '      po_double_validation: "one_step" → "two_step"',
        "      po_double_validation_amount: 5000.0 → 10000.0",
        "",
        "  ~ server_action.notify (ir.actions.server #9)",
        "      # source: site_templates/warehouse/actions.yaml:30",
        "      code:",
        "          @@ -1,3 +1,3 @@",
        "           a = 1",
        "          -b = 2",
        "          +b = 20",
        "           c = 3",
        "          @@ -5,3 +5,3 @@",
        "           e = 5",
        "          -f = 6",
        "          +f = 60",
        "           g = 7",
        "",
        "  - system_parameter.legacy_flag (ir.config_parameter #7)",
        "      # no template declares it any more",
        '      value: "1"',
        "",
        "Plan: 1 to create, 2 to update, 1 to delete.",
    ]
    assert not ANSI.search(out)


def test_noop_changes_are_not_listed() -> None:
    out = render_text(plan(mixed_site()))
    assert "web_base_url" not in out


def test_site_in_sync_says_so() -> None:
    out = render_text(plan(site("warehouse-2", noop("system_parameter.a", "ir.config_parameter", 3))))
    assert lines_of(out)[-1] == "No changes. warehouse-2 matches its desired state."
    assert "system_parameter.a" not in out
    assert "Plan:" not in out


def test_multiline_create_and_delete_show_blocks() -> None:
    code = "x = 1\nif x:\n    y = 2\n"
    out = render_text(plan(site("s",
                                create("server_action.a", "ir.actions.server", fc("code", None, code)),
                                delete("server_action.b", "ir.actions.server", 4, fc("code", code, None,
                                                                                      deleted=True)))))
    lines = lines_of(out)
    created = lines.index("  + server_action.a (ir.actions.server)")
    assert lines[created + 1: created + 5] == ["      code:", "          x = 1", "          if x:",
                                               "              y = 2"]
    deleted = lines.index("  - server_action.b (ir.actions.server #4)")
    assert lines[deleted + 2: deleted + 6] == ["      code:", "          x = 1", "          if x:",
                                               "              y = 2"]
    # the repr form of the display text is not shown for a block
    assert "\\n" not in out


def test_update_from_empty_to_multiline_is_all_additions() -> None:
    out = render_text(plan(site("s", update("server_action.a", "ir.actions.server", 2,
                                            fc("code", None, CODE_AFTER)))))
    diff = [line.strip() for line in lines_of(out) if line.startswith("          ")]
    assert diff[0].startswith("@@")
    assert diff[1:] == ["+" + line for line in CODE_AFTER.splitlines()]


def test_several_sites_print_a_summary_table_first() -> None:
    in_sync = site("warehouse-2", noop("system_parameter.a", "ir.config_parameter", 3))
    out = render_text(plan(mixed_site(), in_sync, failures=(SiteFailure("warehouse-3", "cannot connect"),)))
    lines = lines_of(out)
    rows = {line.split()[0]: line.split()[1:] for line in lines[:6] if line.startswith("warehouse-")}
    assert rows == {
        "warehouse-1": ["1", "2", "1", "changes"],
        "warehouse-2": ["0", "0", "0", "in", "sync"],
        "warehouse-3": ["-", "-", "-", "failed"],
    }
    assert lines[0].split() == ["site", "create", "update", "delete", "status"]
    first_detail = next(i for i, line in enumerate(lines) if line.startswith("warehouse-1: https://"))
    assert first_detail > max(i for i, line in enumerate(lines) if line.startswith("warehouse-3"))
    assert "✗ warehouse-3: cannot connect" in lines
    assert lines[-1] == "Total over 3 sites, 1 failed to plan: 1 to create, 2 to update, 1 to delete."


def test_one_site_has_no_summary_table() -> None:
    out = render_text(plan(mixed_site()))
    assert not any(line.split()[:2] == ["site", "create"] for line in lines_of(out) if line.strip())
    assert "Total over" not in out


def test_failure_only_plan() -> None:
    out = render_text(plan(failures=(SiteFailure("warehouse-9", "login refused"),)))
    assert lines_of(out) == ["✗ warehouse-9: login refused"]


def test_empty_plan() -> None:
    assert render_text(plan()) == "No sites were planned.\n"


def test_long_values_do_not_wrap_and_markup_is_literal() -> None:
    value = "[bold]not markup[/bold] " + "x" * 200
    out = render_text(plan(site("s", update("system_parameter.p", "ir.config_parameter", 1,
                                            fc("value", "old", value)))), width=40)
    assert f'      value: "old" → "{value}"' in lines_of(out)


def test_colour_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = render_text(plan(mixed_site()), color=True)
    plain = render_text(plan(mixed_site()), color=False)
    assert "\x1b[32m" in coloured  # green for a create
    assert "\x1b[31m" in coloured  # red for removed values
    assert not ANSI.search(plain)
    assert ANSI.sub("", coloured) == plain


def test_no_color_env_drops_colours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = render_text(plan(mixed_site()), color=True)
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", out)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_should_color() -> None:
    assert should_color(_Tty(), {}) is True
    assert should_color(io.StringIO(), {}) is False
    assert should_color(_Tty(), {"NO_COLOR": "1"}) is False
    assert should_color(_Tty(), {"TERM": "dumb"}) is False
    assert should_color(_Broken(), {}) is False


class _Broken(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


def test_control_characters_from_odoo_are_never_sent_raw() -> None:
    out = render_text(plan(site("s", update("system_parameter.p", "ir.config_parameter", 1,
                                            fc("value", "a\x1b[2J\rb", "c")),
                                     update("server_action.a", "ir.actions.server", 2,
                                            fc("code", "x = 1\ny = '\x1b]0;t\x07'\n", "x = 1\n")))))
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out
    assert '      value: "a\\x1b[2J\\x0db" → "c"' in lines_of(out)
    assert "          -y = '\\x1b]0;t\\x07'" in lines_of(out)
