"""Every external ID of Odoo's own records in ``odoo-reference/<version>/xmlids/odoo-provided.json``
exists in a fresh stand-in database of that version, on a record of the right model, and the
version's location tree and names are those of ``records/stock.location.all.json``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harmonizer.sandbox.service import SandboxServer
from tests.sandbox.conftest import REFERENCE

VERSIONS = ("16.0", "17.0", "18.0", "19.0")


def _reference(version: str, name: str) -> Any:
    path = REFERENCE / version / name
    if not path.exists():
        pytest.skip(f"no {path}")
    return json.loads(path.read_text())


def _read(server: SandboxServer, model: str, domain: list[Any], fields: list[str]) -> list[dict[str, Any]]:
    return server.dispatch("object", "execute_kw", ["harmonizer_demo", 2, "admin", model, "search_read", [domain],
                                                    {"fields": fields, "context": {"active_test": False}}])


@pytest.fixture(scope="module", params=VERSIONS)
def fresh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = SandboxServer(tmp_path_factory.mktemp("provided") / "home", request.param)
    server.ensure_database("harmonizer_demo")
    yield request.param, server
    server.close()


def test_every_odoo_provided_external_id_exists(fresh: tuple[str, SandboxServer]) -> None:
    version, server = fresh
    provided = _reference(version, "xmlids/odoo-provided.json")
    rows = _read(server, "ir.model.data", [("module", "not like", "harmonia")], ["module", "name", "model"])
    have = {f"{r['module']}.{r['name']}": r["model"] for r in rows}
    wanted = {row["xmlid"]: model for model, entries in provided.items() for row in entries}
    missing = sorted(x for x in wanted if x not in have)
    wrong = sorted(x for x, model in wanted.items() if x in have and have[x] != model)
    assert (missing, wrong) == ([], []), f"{version}: {len(missing)} missing, {len(wrong)} on another model"


def test_names_of_activity_types_and_states_are_the_versions(fresh: tuple[str, SandboxServer]) -> None:
    version, server = fresh
    provided = _reference(version, "xmlids/odoo-provided.json")
    for model in ("mail.activity.type", "res.country.state", "res.partner.category"):
        rows = _read(server, "ir.model.data", [("model", "=", model)], ["module", "name", "res_id"])
        ids = {f"{r['module']}.{r['name']}": r["res_id"] for r in rows}
        names = {r["id"]: r["name"] for r in _read(server, model, [], ["name"])}
        for entry in provided[model]:
            assert names[ids[entry["xmlid"]]] == entry["name"], (version, entry)


def test_odoo_locations_have_the_versions_complete_names(fresh: tuple[str, SandboxServer]) -> None:
    version, server = fresh
    reference = {r["xmlid"]: r for r in _reference(version, "records/stock.location.all.json")
                 if r["xmlid"] and r["company_id"] is False}
    rows = _read(server, "ir.model.data", [("model", "=", "stock.location"), ("module", "=", "stock")],
                 ["name", "res_id"])
    ours = {f"stock.{r['name']}": r["res_id"] for r in rows}
    locations = {r["id"]: r for r in _read(server, "stock.location", [], ["complete_name", "usage", "active"])}
    assert set(reference) <= set(ours), sorted(set(reference) - set(ours))
    for xmlid, ref in reference.items():
        mine = locations[ours[xmlid]]
        assert (mine["complete_name"], mine["usage"], mine["active"]) == (
            ref["complete_name"], ref["usage"], ref["active"]), (version, xmlid)
    # no view location the version does not have
    views = {r["complete_name"] for r in locations.values() if r["usage"] == "view" and not r.get("company_id")}
    assert views <= {r["complete_name"] for r in reference.values()} | {"WH1", "WH2"}
