"""ReadBatch: one search_read per model, each request getting exactly its own rows."""

from __future__ import annotations

from typing import Any

from harmonizer.plan.batch import ReadBatch, matches

ROWS = [
    {"id": 1, "name": "A", "company_id": [1, "West"], "active": True},
    {"id": 2, "name": "B", "company_id": [2, "East"], "active": True},
    {"id": 3, "name": "C", "company_id": False, "active": False},
]


class FakeClient:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Any], list[str], dict[str, Any] | None]] = []

    def search_read(self, model: str, domain: list[Any], fields: list[str],
                    context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.calls.append((model, domain, fields, context))
        archived = bool(context and context.get("active_test") is False)
        return [r for r in ROWS if archived or r["active"]]


def test_local_evaluation_reads_many2one_as_its_id() -> None:
    assert matches(ROWS[0], [("company_id", "=", 1), ("name", "in", ["A", "Z"])])
    assert not matches(ROWS[1], [("company_id", "=", 1)])
    assert matches(ROWS[2], [("company_id", "=", False)])


def test_requests_of_one_model_become_one_read() -> None:
    client = FakeClient()
    batch = ReadBatch(active_models={"m"})
    by_id = batch.add("m", [("id", "in", [1, 3])], ["name"], archived=True)
    by_name = batch.add("m", [("name", "in", ["B", "C"])], ["name"])
    batch.run(client)
    assert len(client.calls) == 1
    _model, domain, fields, context = client.calls[0]
    assert domain == ["|", ("id", "in", [1, 3]), ("name", "in", ["B", "C"])]
    assert "active" in fields and context == {"active_test": False}
    assert [r["id"] for r in by_id.rows] == [1, 3]          # archived asked for: included
    assert [r["id"] for r in by_name.rows] == [2]           # active only, as Odoo would


def test_domains_the_evaluator_does_not_know_are_sent_alone() -> None:
    client = FakeClient()
    batch = ReadBatch()
    batch.add("m", [("partner_id.name", "=", "x")], ["name"])
    batch.add("m", [("id", "in", [1])], ["name"])
    batch.run(client)
    assert len(client.calls) == 2


def test_display_name_leaves_read_every_record() -> None:
    client = FakeClient()
    batch = ReadBatch()
    request = batch.add("m", [("display_name", "in", ["whatever"])], ["display_name"])
    batch.run(client)
    assert client.calls[0][1] == []
    assert len(request.rows) == 2
