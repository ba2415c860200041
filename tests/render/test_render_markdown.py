"""Markdown for change tickets: title, sites table, one table per change, fences, escaping."""

from __future__ import annotations

import re

from render_plans import CODE_AFTER, create, fc, mixed_site, noop, plan, site, update

from harmonizer.plan.model import SiteFailure
from harmonizer.render.markdown import code_span, escape, fence, render_markdown


def _cells(row: str) -> list[str]:
    """Split a GFM table row on unescaped pipes."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_title_sites_table_and_sections() -> None:
    in_sync = site("warehouse-2", noop("system_parameter.a", "ir.config_parameter", 3))
    out = render_markdown(plan(mixed_site(), in_sync, failures=(SiteFailure("warehouse-3", "cannot connect"),)))
    lines = out.splitlines()
    assert lines[0] == "# Harmonizer plan"
    header = lines.index("| Site | Odoo | Template | Create | Update | Delete | Status |")
    assert [_cells(row) for row in lines[header + 2: header + 5]] == [
        ["warehouse-1", "17.0", "warehouse@1.2.0", "1", "2", "1", "changes"],
        ["warehouse-2", "17.0", "warehouse@1.2.0", "0", "0", "0", "in sync"],
        ["warehouse-3", "", "", "-", "-", "-", "failed"],
    ]
    assert "- **warehouse-3**: cannot connect" in lines
    assert lines.index("## warehouse-1") < lines.index("## warehouse-2")
    assert "No changes. warehouse-2 matches its desired state." in out
    assert "**Plan: 1 to create, 2 to update, 1 to delete.**" in lines
    assert "system\\_parameter.a" not in out and "`system_parameter.a`" not in out  # no-op not listed


def test_one_table_per_change() -> None:
    lines = render_markdown(plan(mixed_site())).splitlines()
    heading = lines.index("### ~ update `company_settings.purchase_approval` (res.company #1)")
    assert lines[heading + 2] == "*set by the site file*  "
    assert lines[heading + 3] == "Source: `sites/warehouse-1.yaml:4`"
    table = lines.index("| Field | Before | After |", heading)
    assert [_cells(row) for row in lines[table + 2: table + 4]] == [
        ["`po_double_validation`", '"one\\_step"', '"two\\_step"'],
        ["`po_double_validation_amount`", "5000.0", "10000.0"],
    ]
    deleted = lines.index("### - delete `system_parameter.legacy_flag` (ir.config\\_parameter #7)")
    table = lines.index("| Field | Before | After |", deleted)
    assert _cells(lines[table + 2]) == ["`value`", '"1"', "(deleted)"]


def test_code_update_is_a_diff_fence() -> None:
    out = render_markdown(plan(mixed_site()))
    assert "| `code` | (see diff below) | (see diff below) |" in out
    block = out.split("`code` (diff):\n\n```diff\n", 1)[1].split("\n```\n", 1)[0]
    assert block.splitlines() == ["@@ -1,3 +1,3 @@", " a = 1", "-b = 2", "+b = 20", " c = 3",
                                  "@@ -5,3 +5,3 @@", " e = 5", "-f = 6", "+f = 60", " g = 7"]


def test_code_create_is_a_plain_fence_longer_than_its_backticks() -> None:
    code = 'doc = """```python"""\n' + CODE_AFTER
    out = render_markdown(plan(site("s", create("server_action.a", "ir.actions.server", fc("code", None, code)))))
    assert "| `code` | (empty) | (see below) |" in out
    assert "`code` (after):\n\n````\n" + code + "````\n" in out


def test_pipes_and_markup_are_escaped_in_cells() -> None:
    value = "a | b *bold* _it_ [link](x) <b>&"
    out = render_markdown(plan(site("s", update("system_parameter.p", "ir.config_parameter", 1,
                                                fc("value", "x|y", value)))))
    row = next(line for line in out.splitlines() if line.startswith("| `value`"))
    assert len(_cells(row)) == 3
    assert _cells(row)[2] == '"a \\| b \\*bold\\* \\_it\\_ \\[link\\](x) \\<b\\>&amp;"'


def test_escape_and_code_span_helpers() -> None:
    assert escape("line 1\nline 2") == "line 1<br>line 2"
    assert escape("# not a heading") == "\\# not a heading"
    assert escape("a#b") == "a#b"
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"
    assert code_span("a|b", in_table=True) == "`a\\|b`"
    assert code_span("a|b") == "`a|b`"
    assert fence(["x ````` y"], "diff") == ["``````diff", "x ````` y", "``````"]


def test_empty_plan_and_metadata() -> None:
    out = render_markdown(plan())
    assert "No sites were planned." in out
    assert "Planned at 2026-03-01T10:00:00Z by harmonizer 0.1.0." in out


def test_control_characters_are_made_visible() -> None:
    out = render_markdown(plan(site("s", update("system_parameter.p", "ir.config_parameter", 1,
                                                fc("value", "a\x1b[2Jb", "c")))))
    assert "\x1b" not in out
    assert "a\\\\x1b\\[2Jb" in out  # the backslash of \x1b is itself escaped for Markdown
