"""``harmonizer export`` round-trips on the 17.0 and 19.0 stand-ins: export a site (some of its
records managed by the shipped template, one made by hand), bind what it exported, plan the
exported template against the same site: nothing to change but the secrets export never
writes. Odoo's own and warehouse-generated records are never exported; Odoo's records are
referred to by external ID."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from versions_helpers import ENV

from harmonizer.cli import main
from harmonizer.plan.model import Action
from harmonizer.project import Harmonizer

SITE = "warehouse-1"


def _export_site(root: Path) -> None:
    """The site now follows the exported template (no variables); the other sites are gone."""
    for path in (root / "sites").iterdir():
        if path.stem != SITE:  # other site files, and their folders of site-local resources
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    text = (root / "sites" / f"{SITE}.yaml").read_text()
    text = text.replace("template: distribution-standard", f"template: export-{SITE}")
    text = text.replace('template_version: "1.0.0"\n', "")
    cut = min(text.index(key) for key in ("access_exceptions:", "variables:") if key in text)
    (root / "sites" / f"{SITE}.yaml").write_text(text[:cut])


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_an_exported_site_plans_without_changes(make_project: Callable[..., Path], version: str) -> None:
    root = make_project(version)
    app = Harmonizer(root, env=ENV)
    assert all(r.ok for r in app.apply(app.plan([SITE])))
    with app.session(SITE) as session:  # made by hand: a route, an operation type into an archived location
        reader, writer = session.reader(), session.writer()
        [company] = reader.search("res.company", [("name", "=", "Harmonia Distribution West")])
        [warehouse] = reader.search("stock.warehouse", [("code", "=", "WH1")])
        [packing] = reader.search("stock.location", [("complete_name", "=", "WH1/Packing Zone"),
                                                     ("active", "=", False)])
        writer.create("stock.route", {"name": "Hand-made return route", "company_id": company,
                                      "product_selectable": True})
        writer.create("stock.picking.type", {"name": "Quality hold", "code": "internal", "sequence_code": "QH",
                                             "warehouse_id": warehouse, "company_id": company,
                                             "default_location_src_id": packing,
                                             "default_location_dest_id": packing})
    runner = CliRunner()
    done = runner.invoke(main, ["--project", str(root), "export", SITE, "--bind"], env=ENV)
    assert done.exit_code == 0, done.output
    # the hand-made route and operation type, and the zip prefixes the carriers created (894, 895)
    assert "Skipped" not in done.output and "Bound 4 record(s)" in done.output, done.output
    folder = root / "site_templates" / f"export-{SITE}"
    text = "".join(p.read_text() for p in sorted(folder.glob("*.yaml")))
    assert "xmlid: stock.stock_location_customers" in text and "xmlid: mail.mail_activity_data_todo" in text
    assert "hand_made_return_route:" in text and "default_value:" in text
    assert "quality_hold:" in text and "default_destination: WH1/Packing Zone" in text
    for odoo_own in ("Receive in", "Deliver in", "The Poste", "Local Delivery", "WH2", "Dallas", "name: Pick",
                     "name: Pack", "Cross-Dock"):
        assert odoo_own not in text, odoo_own
    _export_site(root)
    plan = Harmonizer(root, env=ENV).plan([SITE])
    assert not plan.failures, plan.failures
    changes = [c for c in plan.sites[0].changes if c.action is not Action.NOOP]
    # only the webhook tokens differ: export writes CHANGE_ME instead of the secret
    assert changes and all(c.action is Action.UPDATE for c in changes), [(c.address, c.action) for c in changes]
    # (a webhook URL is written with the fields Odoo computes the action's name from: "carried", unchanged)
    assert all([f.key for f in c.fields if not f.carried] == ["webhook_url"]
               and "token=CHANGE_ME" in str(c.fields[0].after)
               for c in changes), [(c.address, [f.key for f in c.fields if not f.carried]) for c in changes]
