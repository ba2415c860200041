"""fields_get of the stand-in equals the captured reference for every model and version."""

from __future__ import annotations

import json

import pytest

from harmonizer.sandbox.schema import available_versions
from harmonizer.sandbox.service import SandboxServer
from tests.sandbox.conftest import REFERENCE

COMPARED = ("type", "relation", "required", "readonly", "store")


def _cases() -> list[tuple[str, str]]:
    cases = []
    for version in available_versions():
        folder = REFERENCE / version / "fields"
        if folder.is_dir():
            cases.extend((version, p.stem) for p in sorted(folder.glob("*.json")))
    return cases


class Servers(dict[str, SandboxServer]):
    """One seeded server per version, made on first use."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, version: str) -> SandboxServer:
        srv = SandboxServer(self.factory.mktemp(version.replace(".", "_")), version)
        srv.ensure_database("fields", fixture="minimal")
        self[version] = srv
        return srv


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Servers:
    return Servers(tmp_path_factory)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/odoo-reference is not available")
@pytest.mark.parametrize(("version", "model"), _cases())
def test_fields_get_matches_reference(servers: Servers, version: str, model: str) -> None:
    reference = json.loads((REFERENCE / version / "fields" / f"{model}.json").read_text())
    got = servers[version].dispatch("object", "execute_kw", ["fields", 2, "admin", model, "fields_get", [],
                                                              {"attributes": [*COMPARED, "selection", "string"]}])
    assert sorted(got) == sorted(reference)
    for name, spec in reference.items():
        for attribute in COMPARED:
            assert got[name].get(attribute, False) == spec.get(attribute, False), (name, attribute)
        if spec["type"] == "selection" and isinstance(spec.get("selection"), list):
            assert [k for k, _ in got[name]["selection"]] == [k for k, _ in spec["selection"]], name
        assert got[name]["string"] == spec["string"]


def test_fields_get_filters_attributes_and_fields(servers: Servers) -> None:
    got = servers["17.0"].dispatch("object", "execute_kw", [
        "fields", 2, "admin", "stock.warehouse", "fields_get", [["reception_steps", "company_id", "nope"]],
        {"attributes": ["type", "relation"]}])
    assert got == {"reception_steps": {"type": "selection"},
                   "company_id": {"type": "many2one", "relation": "res.company"}}
