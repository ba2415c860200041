"""The ORM's fast paths answer what the plain ones answer, on the demo database.

- ``_candidate_rows`` lets SQLite select the rows of a conjunction's id and text leaves, and
  of each side of an ``|`` (nested in any way, with ``!`` anywhere): a search finds exactly
  what evaluating the domain over every row finds.
- ``_sort_once`` (one sort of ascending terms) orders as ``_sort_passes`` (a pass per term).
- ``search_read`` reads the rows its search fetched: the same as ``read(search(...))``.
- A many2one column reads with its display names asked once: the same as ``to_read`` per value.
- A search selects only the columns it and the read after it need (``_columns_needed``), and
  reads what ``read`` of its result reads; a stored many2one equal to ids is selected by SQLite.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harmonizer.sandbox.orm import domain as dom
from harmonizer.sandbox.orm.fields import JSON_TYPES, to_read
from harmonizer.sandbox.service import SandboxServer

DB = "harmonizer_demo"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """One demo database for the module: these tests only read."""
    srv = SandboxServer(Path(tmp_path_factory.mktemp("fast-paths")) / "home", "17.0")
    srv.ensure_database(DB)
    yield srv
    srv.close()


MODELS = ["res.partner", "stock.location", "ir.model.data", "product.product", "res.users", "ir.model.fields",
          "stock.route", "res.company", "ir.config_parameter"]


def brute_search(model: Any, domain: list[Any]) -> list[int]:
    """What ``_search`` finds when every row is a candidate."""
    normal = dom.normalize(domain, model.env.profile.domain_words)
    rows = model._apply_rules(model.env.store.rows(model.spec), normal)
    ids = dom.evaluate(model, normal, rows) if normal else set(rows)
    return [row["id"] for row in model._sort_passes([rows[i] for i in ids], model._order_terms(None))]


def text_leaf(rng: random.Random, rows: list[dict[str, Any]], names: list[str]) -> tuple[str, str, Any]:
    name = rng.choice(names)
    present = [row[name] for row in rows if isinstance(row.get(name), str) and row[name]]
    pool = [*present, "no such value", "Ü"]
    if rng.random() < 0.5:
        return (name, "=", rng.choice(pool))
    return (name, "in", rng.sample(pool, min(len(pool), rng.randint(1, 4))))


def id_leaf(rng: random.Random, rows: list[dict[str, Any]]) -> tuple[str, str, Any]:
    ids = [row["id"] for row in rows] + [0, 10**6, -3]
    roll = rng.random()
    if roll < 0.2:
        return ("id", "=", rng.choice(ids))
    if roll < 0.3:
        return ("id", "in", [])
    if roll < 0.4:  # values SQLite is not asked about (strings, bools): evaluated over every row
        return ("id", "in", [str(rng.choice(ids)), True])
    return ("id", "in", rng.sample(ids, min(len(ids), rng.randint(1, 40))))


@pytest.mark.parametrize("model_name", MODELS)
def test_searches_find_what_every_row_would_give(server: SandboxServer, model_name: str) -> None:
    rng = random.Random(model_name)
    for uid in (1, 2):
        with server.env(DB, uid=uid) as env:
            model = env[model_name]
            rows = list(env.store.rows(model.spec).values())
            names = [f.name for f in model.spec.column_fields if f.type in ("char", "selection")
                     and model._delegation(f.name) is None]
            for _ in range(15 if len(rows) > 1000 else 60):
                domain: list[Any] = []
                for _leaf in range(rng.randint(1, 3)):
                    domain.append(id_leaf(rng, rows) if rng.random() < 0.4 or not names
                                  else text_leaf(rng, rows, names))
                if rng.random() < 0.15:
                    domain = ["|", *domain[:2]] if len(domain) >= 2 else domain
                expected = brute_search(model, domain)
                assert model._search(domain) == expected, domain
                assert model.with_env(active_test=False)._search(domain) == brute_search(
                    model.with_env(active_test=False), domain), domain


@pytest.mark.parametrize("model_name", MODELS)
def test_one_sort_orders_as_a_pass_per_term(server: SandboxServer, model_name: str) -> None:
    rng = random.Random(model_name)
    with server.env(DB) as env:
        model = env[model_name]
        rows = list(env.store.rows(model.spec).values())
        names = [f.name for f in model.spec.fields.values() if f.type not in JSON_TYPES and not f.is_x2many]
        for _ in range(40):
            terms = [(name, False) for name in rng.sample(names, min(len(names), rng.randint(1, 3)))]
            if not any(name == "id" for name, _ in terms):
                terms.append(("id", False))
            shuffled = rows[:]
            rng.shuffle(shuffled)
            assert model._sort_once(shuffled, terms) == model._sort_passes(shuffled, terms), terms


@pytest.mark.parametrize("model_name", MODELS)
def test_search_read_reads_what_read_of_the_search_reads(server: SandboxServer, model_name: str) -> None:
    rng = random.Random(model_name)
    with server.env(DB, uid=2) as env:
        model = env[model_name]
        rows = list(env.store.rows(model.spec).values())
        fields = [f.name for f in model.spec.fields.values() if f.type not in ("binary",)]
        for _ in range(10):
            domain = [id_leaf(rng, rows)]
            chosen = rng.sample(fields, min(len(fields), 6)) if rng.random() < 0.7 else None
            limit = rng.choice([None, 3])
            ids = model.search(domain, limit=limit)
            assert model.search_read(domain, chosen, limit=limit) == model.read(ids, chosen)


@pytest.mark.parametrize("model_name", MODELS)
def test_many2one_columns_read_as_to_read_gives(server: SandboxServer, model_name: str) -> None:
    with server.env(DB, uid=2) as env:
        model = env[model_name]
        rows = list(env.store.rows(model.spec).values())
        for field in model.spec.column_fields:
            if field.type == "many2one":
                expected = [to_read(env, field, row.get(field.name)) for row in rows]
                assert model._field_values(field, rows) == expected, field.name


def nested_domain(rng: random.Random, rows: list[dict[str, Any]], names: list[str], depth: int = 0) -> list[Any]:
    """A random prefix domain of ``&``, ``|`` and ``!`` over id, text and other leaves."""
    roll = rng.random()
    if depth >= 3 or roll < 0.35:
        if rng.random() < 0.1:
            return [("active", "=", rng.choice([True, False]))] if "active" in names else [("id", "!=", 0)]
        return [id_leaf(rng, rows) if rng.random() < 0.4 or not names else text_leaf(rng, rows, names)]
    if roll < 0.45:
        return ["!", *nested_domain(rng, rows, names, depth + 1)]
    operator = "|" if roll < 0.8 else "&"
    return [operator, *nested_domain(rng, rows, names, depth + 1), *nested_domain(rng, rows, names, depth + 1)]


@pytest.mark.parametrize("model_name", MODELS)
def test_searches_with_or_and_not_find_what_every_row_would_give(server: SandboxServer, model_name: str) -> None:
    rng = random.Random(f"or-{model_name}")
    for uid in (1, 2):
        with server.env(DB, uid=uid) as env:
            model = env[model_name]
            rows = list(env.store.rows(model.spec).values())
            names = [f.name for f in model.spec.column_fields if f.type in ("char", "selection")
                     and model._delegation(f.name) is None]
            for _ in range(10 if len(rows) > 1000 else 40):
                domain = nested_domain(rng, rows, names)
                if rng.random() < 0.3:  # terms side by side: an implicit conjunction
                    domain += nested_domain(rng, rows, names, 2)
                assert model._search(domain) == brute_search(model, domain), domain
                assert model.with_env(active_test=False)._search(domain) == brute_search(
                    model.with_env(active_test=False), domain), domain


def test_value_lists_longer_than_a_chunk_find_what_every_row_would_give(server: SandboxServer) -> None:
    """SQLite gets at most a chunk of values per list: the longest list is sent in chunks, a
    second list longer than a chunk is left to the evaluation (the candidates are a superset)."""
    rng = random.Random("chunks")
    with server.env(DB, uid=2) as env:
        model = env["ir.model.data"]
        rows = list(env.store.rows(model.spec).values())
        ids = [row["id"] for row in rows]
        names = sorted({row["name"] for row in rows})
        for _ in range(6):
            some_ids = rng.sample(ids, len(ids) // 2) + list(range(10**6, 10**6 + 700))
            some_names = rng.sample(names, min(len(names), rng.choice([20, 600])))
            for domain in ([("id", "in", some_ids)], [("id", "in", some_ids), ("name", "in", some_names)],
                           [("name", "in", some_names), ("id", "in", some_ids[:300])],
                           [("id", "in", some_ids), ("id", "in", some_ids[::2])]):
                assert model._search(domain) == brute_search(model, domain)


def many2one_leaf(rng: random.Random, model: Any, rows: list[dict[str, Any]]) -> tuple[str, str, Any] | None:
    fields = [f for f in model.spec.column_fields if f.type == "many2one"]
    if not fields:
        return None
    field = rng.choice(fields)
    present = [row[field.name] for row in rows if row.get(field.name)]
    pool = [*present, 0, -1, 10**6, False]
    if rng.random() < 0.5:
        return (field.name, rng.choice(["=", "!="]), rng.choice(pool))
    return (field.name, rng.choice(["in", "not in"]), rng.sample(pool, min(len(pool), rng.randint(1, 4))))


@pytest.mark.parametrize("model_name", MODELS)
def test_many2one_leaves_find_what_every_row_would_give(server: SandboxServer, model_name: str) -> None:
    rng = random.Random(f"m2o-{model_name}")
    with server.env(DB, uid=2) as env:
        model = env[model_name]
        rows = list(env.store.rows(model.spec).values())
        for _ in range(30):
            leaves = [many2one_leaf(rng, model, rows) for _leaf in range(rng.randint(1, 2))]
            domain: list[Any] = [leaf for leaf in leaves if leaf is not None]
            if rng.random() < 0.3 and len(domain) == 2:
                domain = ["|", *domain]
            assert model._search(domain) == brute_search(model, domain), domain


@pytest.mark.parametrize("model_name", MODELS)
def test_narrow_search_reads_read_what_read_of_the_search_reads(server: SandboxServer, model_name: str) -> None:
    """Any domain of this module's shapes, any order, fields always with the display name."""
    rng = random.Random(f"narrow-{model_name}")
    with server.env(DB, uid=2) as env:
        spec = env[model_name].spec
        rows = list(env.store.rows(spec).values())
        names = [f.name for f in spec.column_fields if f.type in ("char", "selection")
                 and env[model_name]._delegation(f.name) is None]
    fields = [f.name for f in spec.fields.values() if f.type not in ("binary",) and f.name != "display_name"]
    orderable = [f.name for f in spec.column_fields if f.type not in JSON_TYPES]
    for _ in range(12):
        domain = nested_domain(rng, rows, names)
        chosen = ["display_name", *rng.sample(fields, min(len(fields), rng.randint(0, 4)))]
        order = ", ".join(rng.sample(orderable, min(len(orderable), rng.randint(1, 2)))) if rng.random() < 0.5 \
            else None
        # each side in its own call (a call keeps the display names it worked out)
        with server.env(DB, uid=2) as env:
            found = env[model_name].search_read(domain, chosen, order=order)
        with server.env(DB, uid=2) as env:
            model = env[model_name]
            assert found == model.read(model.search(domain, order=order), chosen), (domain, chosen)


def test_a_search_selects_only_the_columns_it_needs(server: SandboxServer) -> None:
    with server.env(DB, uid=2) as env:
        seen: list[str] = []
        env.store.conn.set_trace_callback(seen.append)
        try:
            fields = env["ir.model.fields"].search_read([("model", "in", ["res.partner", "res.users"])],
                                                        ["model", "name"])
            partners = env["res.partner"].search_read([("id", ">", 0)], ["display_name", "parent_id"])
            count = env["res.partner"].search_count([("name", "ilike", "a")])
            seen_plain = list(seen)
            seen.clear()
            env["res.users"].search_read([], ["login", "display_name"])  # its hooks compute fields: whole rows
        finally:
            env.store.conn.set_trace_callback(None)
        assert fields and partners and count
        selects = [q for q in seen_plain
                   if q.startswith("SELECT") and ('"ir_model_fields"' in q or '"res_partner"' in q)]
        assert selects and not [q for q in selects if q.startswith("SELECT *")], selects
        assert any(q.startswith('SELECT id, "model", "name" FROM "ir_model_fields"') for q in selects), selects
        assert any(q.startswith("SELECT *") and '"res_users"' in q for q in seen), seen
