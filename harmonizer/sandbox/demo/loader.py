"""Load a demo fixture into a new database (see ``harmonizer.sandbox.demo``).

Values may hold ``"ref:<module.name>"`` (an id by xmlid) and ``"refs:<a>,<b>"`` (a
``(6, 0, ids)`` command); references are resolved at any depth. Every created record gets
its xmlid in ir.model.data; a product.product also names its template ``<xmlid>_template``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harmonizer.sandbox.demo.people import load_people
from harmonizer.sandbox.env import Env
from harmonizer.sandbox.seed import seed_users

HERE = Path(__file__).parent


def fixture_names() -> list[str]:
    parts = ("base", "company_records", "no_records", "people")  # data files, not fixtures
    return sorted(p.stem for p in HERE.glob("*.json") if p.stem not in parts)


def load_fixture(env: Env, name: str) -> None:
    path = HERE / f"{name}.json"
    if not path.exists():
        raise ValueError(f"unknown demo fixture {name!r} (known: {', '.join(fixture_names())})")
    fixture = json.loads(path.read_text())
    su = env.sudo()
    _load_records(su, json.loads((HERE / "base.json").read_text())["records"])
    company_ids = [_create_company(su, company) for company in fixture["companies"]]
    seed_users(env.store, env.profile, company_ids)
    admin = Env(env.store, env.profile, env.profile.users[0].uid, {"allowed_company_ids": company_ids}, su=True)
    records = json.loads((HERE / fixture["records"]).read_text())["records"]
    _load_records(admin, records)
    for company, company_id in zip(fixture["companies"], company_ids, strict=True):
        scoped = admin.with_context(allowed_company_ids=[company_id])
        warehouse = company.get("warehouse")
        if not warehouse:
            continue
        wh_id = scoped["stock.warehouse"]._create({"name": warehouse["name"], "code": warehouse["code"],
                                                    "company_id": company_id})
        _xmlid(admin, f"harmonia_demo.warehouse_{company['key']}", "stock.warehouse", wh_id)
    load_people(admin, name, {c["key"]: cid for c, cid in zip(fixture["companies"], company_ids, strict=True)})


def _create_company(env: Env, company: dict[str, Any]) -> int:
    values = {"name": company["name"], "currency_id": _ref(env, company["currency"])}
    company_id = env["res.company"]._create(values)
    row = env.store.rows(env.spec("res.company"), [company_id])[company_id]
    partner = {"street": company.get("street"), "city": company.get("city"), "zip": company.get("zip"),
               "state_id": _ref(env, company["state"]) if company.get("state") else False,
               "country_id": _ref(env, company["country"]) if company.get("country") else False,
               "company_id": company_id}
    env["res.partner"]._write([row["partner_id"]], partner)
    _xmlid(env, f"harmonia_demo.company_{company['key']}", "res.company", company_id)
    return company_id


def _load_records(env: Env, records: list[dict[str, Any]]) -> None:
    for record in records:
        model = record["model"]
        if model not in env or model in env.profile.demo_skip_models:
            continue  # a model this version does not have (or whose demo shape differs)
        fields = env.spec(model).fields
        # fields a version lacks are left out, so one data file serves every version
        values = {k: v for k, v in _resolve(env, record["values"]).items() if k in fields}
        rec_id = env[model]._create(values)
        if record.get("xmlid"):
            _xmlid(env, record["xmlid"], model, rec_id)
            if model == "product.product":
                template = env.store.rows(env.spec(model), [rec_id])[rec_id]["product_tmpl_id"]
                _xmlid(env, record["xmlid"] + "_template", "product.template", template)


def _resolve(env: Env, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("ref:"):
        return _ref(env, value[4:])
    if isinstance(value, str) and value.startswith("refs:"):
        return [(6, 0, [_ref(env, x) for x in value[5:].split(",") if x])]
    if isinstance(value, list):
        return [_resolve(env, v) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(env, v) for k, v in value.items()}
    return value


def _ref(env: Env, xmlid: str) -> int:
    module, _, name = xmlid.partition(".")
    data = env["ir.model.data"].sudo()
    found = data._read(data._search([("module", "=", module), ("name", "=", name)], limit=1), ["res_id"])
    if not found:
        raise ValueError(f"demo data refers to unknown xmlid {xmlid!r}")
    return int(found[0]["res_id"])


def _xmlid(env: Env, xmlid: str, model: str, res_id: int) -> None:
    module, _, name = xmlid.partition(".")
    env["ir.model.data"].sudo()._create({"module": module, "name": name, "model": model, "res_id": res_id,
                                         "noupdate": True})
