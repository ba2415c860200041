"""Coupled fields on the stand-in, as on a real Odoo 17.

The shipped template used to give the ground and regional carriers one service product at
different prices. Odoo computes ``delivery.carrier.fixed_price`` from the product's list
price (and writes it back), so each apply undid the other carrier's price and the plan never
emptied. These tests show that flapping on the stand-in, what verification after apply says
about it, and that ``plan`` and ``validate`` now refuse such a template before writing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from versions_helpers import ENV

from harmonizer.cli import main
from harmonizer.plan.model import Action, Plan
from harmonizer.project import Harmonizer
from harmonizer.safety.audit import read_local
from harmonizer.sandbox.service import SandboxServer

CARRIERS = Path("site_templates") / "distribution-standard" / "carriers.yaml"


def _old_template(root: Path) -> Path:
    """The template as shipped before: regional invoices the ground carrier's product."""
    path = root / CARRIERS
    text = path.read_text(encoding="utf-8")
    old, new = 'product: "{{ regional_service_product }}"', 'product: "{{ ground_service_product }}"'
    assert old in text, "the regional carrier no longer names its product this way: update this test"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def _line(root: Path, carrier: str, key: str) -> int:
    """The line of ``key`` inside carrier ``carrier`` of carriers.yaml."""
    lines = (root / CARRIERS).read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  {carrier}:")
    return next(i for i, text in enumerate(lines[start:], start) if text.strip().startswith(f"{key}:")) + 1


def _pending(plan: Plan) -> list[tuple[str, str, str, str]]:
    return [(c.address, f.key, f.before_text, f.after_text) for s in plan.sites for c in s.changes
            if c.action is Action.UPDATE for f in c.fields]


def _carriers(app: Harmonizer) -> list[str]:
    server = SandboxServer(app.sandbox_home / "17.0", "17.0")
    rows = server.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", "ir.model.data", "search_read",
                                                    [[["module", "=", "__harmonizer__"]]], {"fields": ["name"]}])
    return sorted(r["name"] for r in rows if r["name"].startswith("delivery_carrier__"))


def _set_rate(root: Path, rate: int) -> None:
    path = root / "sites" / "warehouse-1.yaml"
    path.write_text(re.sub(r"(?m)^  ground_rate: .*$", f"  ground_rate: {rate}", path.read_text(encoding="utf-8")),
                    encoding="utf-8")


def test_old_template_flaps_on_the_stand_in_as_on_real_17(make_project: Callable[..., Path]) -> None:
    """The sequence a real 17.0 showed (issue 11): carriers created together keep their prices
    (one batch create), then a site that sets ground_rate 22 never converges."""
    root = _old_template(make_project("17.0"))
    _set_rate(root, 25)
    app = Harmonizer(root, env=ENV)
    app.check_coupling = False  # what the template did before plan refused it
    [first] = app.apply(app.plan(["warehouse-1"]))
    assert first.error is None and first.result.converged
    assert _pending(app.plan(["warehouse-1"])) == []
    _set_rate(root, 22)
    app = Harmonizer(root, env=ENV)
    app.check_coupling = False
    seen, applies = [], []
    for _ in range(3):
        plan = app.plan(["warehouse-1"])
        seen.append(_pending(plan))
        [result] = app.apply(plan)
        applies.append(result)
        assert result.error is not None and result.error.startswith("applied but not converged")
        assert all(o.status == "applied" for o in result.result.outcomes)
    # ground 22 and regional 15 share product SHIP-GROUND: each apply undoes the other
    assert seen == [[("delivery_carrier.ground", "fixed_price", "25", "22")],
                    [("delivery_carrier.regional", "fixed_price", "22", "15")],
                    [("delivery_carrier.ground", "fixed_price", "15", "22")]]
    # verification after the apply that wrote ground 22: regional changed as a consequence
    [finding] = applies[0].result.unconverged
    assert (finding.address, finding.key, finding.written, finding.held, finding.was_written) == \
        ("delivery_carrier.regional", "fixed_price", 15.0, 22.0, False)
    assert finding.cause == ("fixed_price depends on product_id.list_price, product_id.product_tmpl_id.list_price; "
                             "delivery_carrier.ground and delivery_carrier.regional share product SHIP-GROUND")
    assert applies[0].error == ("applied but not converged: delivery_carrier.regional fixed_price: expected 15, "
                                f"Odoo holds 22 ({finding.cause})")
    [finding] = applies[1].result.unconverged
    assert (finding.address, finding.written, finding.held) == ("delivery_carrier.ground", 22.0, 15.0)
    # the audit record of that apply carries the finding
    record = [r for r in read_local(app.state_dir) if r.site == "warehouse-1"][1]
    assert record.ok is False and record.error.startswith("applied but not converged")
    assert [(u["address"], u["written"], u["held"], u["was_written"], u["cause"]) for u in record.unconverged] == \
        [("delivery_carrier.regional", 15.0, 22.0, False, finding.cause)]


def test_plan_and_validate_refuse_the_old_template_naming_both_lines(make_project: Callable[..., Path]) -> None:
    root = _old_template(make_project("17.0"))
    ground, regional = _line(root, "ground", "fixed_price"), _line(root, "regional", "fixed_price")
    runner = CliRunner()
    for args in (["plan", "warehouse-1"], ["validate"]):
        out = runner.invoke(main, ["--project", str(root), *args], env=ENV)
        assert out.exit_code == 1, out.output
        text = out.output
        assert f"delivery_carrier.ground ({CARRIERS}:{ground})" in text
        assert f"delivery_carrier.regional ({CARRIERS}:{regional})" in text
        assert "fixed_price = 22 and 15" in text and "product SHIP-GROUND" in text
        assert "Traceback" not in text
    assert _carriers(Harmonizer(root, env=ENV)) == []  # nothing was written


def test_two_sites_of_one_database_sharing_a_product_are_refused(make_project: Callable[..., Path]) -> None:
    """warehouse-1 (ground 22) and warehouse-2 (ground 25) share one database: with one ground
    product they would undo each other's price, site against site."""
    root = make_project("17.0")
    site = root / "sites" / "warehouse-2.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("SHIP-GROUND-C", "SHIP-GROUND"), encoding="utf-8")
    app = Harmonizer(root, env=ENV)
    errors = [str(e) for e in app.validate()]
    assert len(errors) == 1, errors
    assert "sites warehouse-1 and warehouse-2 (one database)" in errors[0]
    assert "delivery_carrier.ground of site warehouse-2" in errors[0] and "fixed_price = 22 and 25" in errors[0]
    plan = app.plan(["warehouse-2"])
    assert [f.site for f in plan.failures] == ["warehouse-2"] and "coupled fields" in plan.failures[0].error


def test_an_apply_odoo_does_not_keep_exits_1_naming_field_written_held_cause(
        make_project: Callable[..., Path]) -> None:
    """A value Odoo changes right after the write (here a display name Odoo computes and
    does not store): the apply exits 1, "applied but not converged", in text and JSON."""
    root = make_project("17.0")
    (root / "site_templates" / "distribution-standard" / "shown.yaml").write_text(
        "record:\n  shown_tag:\n    model: res.partner.category\n    values:\n"
        "      name: Harmonizer shown\n      display_name: Shown under another name\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["--project", str(root), "apply", "warehouse-1", "--auto-approve"], env=ENV)
    assert out.exit_code == 1, out.output
    assert "record.shown_tag values.display_name: wrote Shown under another name, Odoo holds Harmonizer shown " \
           "(Odoo computes res.partner.category.display_name depends on parent_id, name)" in out.output
    assert "Applied but not converged" in out.output
    out = runner.invoke(main, ["--project", str(root), "apply", "warehouse-1", "--auto-approve", "--format", "json"],
                        env=ENV)
    assert out.exit_code == 1, out.output
    data = json.loads(out.output[out.output.index("{"):])
    [site] = data["sites"]
    assert site["converged"] is False and site["error"].startswith("applied but not converged")
    assert [(u["key"], u["written"], u["held"]) for u in site["unconverged"]] == \
        [("values.display_name", "Shown under another name", "Harmonizer shown")]


@pytest.mark.parametrize("version", ["17.0"])
def test_the_shipped_project_converges_with_verification(make_project: Callable[..., Path], version: str) -> None:
    app = Harmonizer(make_project(version), env=ENV)
    results = app.apply(app.plan(["all"]))
    assert [(r.site, r.error) for r in results] == [(name, None) for name in app.select(["all"])]
    assert all(r.result is not None and r.result.converged for r in results)
    assert not re.search("unconverged\": \\[\\{", (app.state_dir / "audit.log").read_text())


def test_a_resource_writing_what_a_carrier_price_is_computed_from_is_refused(
        make_project: Callable[..., Path]) -> None:
    """A written field that depends on a field another resource writes: the carrier's fixed
    price is its product's list price, which a generic record also writes."""
    root = make_project("17.0")
    (root / "site_templates" / "distribution-standard" / "pricing.yaml").write_text(
        "record:\n  ground_price:\n    model: product.product\n    values:\n"
        "      default_code: SHIP-GROUND\n      list_price: 30\n", encoding="utf-8")
    errors = [str(e) for e in Harmonizer(root, env=ENV).validate()]
    assert any("delivery_carrier.ground (site_templates/distribution-standard/carriers.yaml:" in e
               and "record.ground_price (site_templates/distribution-standard/pricing.yaml:" in e
               and "writes list_price = 30 on that same product SHIP-GROUND" in e for e in errors), errors


def test_coupling_and_verification_cost_one_fields_get_per_model_and_one_plan(
        make_project: Callable[..., Path]) -> None:
    """Dependencies: one fields_get per written model, once per Odoo version in a run (a second
    site of the same version asks nothing). Verification: the reads of one plan, nothing more."""
    from harmonizer.coupling.analysis import models_written
    from harmonizer.plan.live import LiveReader

    app = Harmonizer(make_project("17.0"), env=ENV)
    with app.session("warehouse-1") as session:
        start = dict(session.stats.calls)
        app._plan_in(session, "warehouse-1")
        asked = {k: n - start.get(k, 0) for k, n in session.stats.calls.items() if k[1] == "fields_get"}
        written = models_written([app.render("warehouse-1"), *app.coupling.peers("warehouse-1")], 17)
        assert asked == {(model, "fields_get"): 1 for model in written}
        assert "delivery.carrier" in written
        plan = app._plan_in(session, "warehouse-2")
        again = {k: n for k, n in session.stats.calls.items() if k[1] == "fields_get"}
        assert again == {(model, "fields_get"): 1 for model in written}
        before = dict(session.stats.calls)
        LiveReader(session.reader(), "warehouse-2", 17).snapshot(app.render("warehouse-2"))
        one_plan = {k: n - before.get(k, 0) for k, n in session.stats.calls.items() if n - before.get(k, 0)}
        before = dict(session.stats.calls)
        found = app.coupling.verify(session, plan)  # (not applied: every change is still to come)
        assert found and found[0].key == "(record)"
        verify = {k: n - before.get(k, 0) for k, n in session.stats.calls.items() if n - before.get(k, 0)}
    assert verify == one_plan


def test_a_field_odoo_recomputes_from_a_changed_one_is_written_with_it(make_project: Callable[..., Path]) -> None:
    """Real 17.0 renames a server action ("Create activity: <summary>") when only its activity
    summary is written (``name`` depends on ``activity_summary``): the plan writes the name with
    it, marked carried, so the apply converges there too."""
    root = make_project("17.0")
    app = Harmonizer(root, env=ENV)
    assert all(r.ok for r in app.apply(app.plan(["warehouse-3"])))
    site = root / "sites" / "warehouse-3.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("approval_escalation_hours: 12",
                                                             "approval_escalation_hours: 30"), encoding="utf-8")
    plan = Harmonizer(root, env=ENV).plan(["warehouse-3"])
    summaries = [c for s in plan.sites for c in s.pending
                 if c.kind == "server_action" and any(f.key == "activity_summary" for f in c.fields)]
    assert summaries, "the escalation hours change no activity summary"
    for change in summaries:
        keys = {f.key: f.carried for f in change.fields}
        assert keys["activity_summary"] is False and keys.get("name") is True, (change.address, keys)
    assert all(r.ok for r in Harmonizer(root, env=ENV).apply(plan))
