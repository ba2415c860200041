"""``Kind.field_maps`` and ``Kind.effective_body`` are computed once and handed out as copies."""

from __future__ import annotations

from harmonizer.errors import Location
from harmonizer.kinds.registry import KINDS
from harmonizer.model import Resource


def automation(**body: object) -> Resource:
    base = {"name": "Review", "model": "sale.order", "trigger": "on_create", "actions": ["notify"]}
    return Resource(kind="automation", name="review", body={**base, **body}, location=Location("t.yaml", 1))


def test_effective_body_is_validated_once_per_resource(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    kind = KINDS["automation"]
    calls = []
    validate = kind.body_model.model_validate

    def counting(data):  # type: ignore[no-untyped-def]
        calls.append(1)
        return validate(data)

    monkeypatch.setattr(kind.body_model, "model_validate", counting)
    resource = automation()
    first = kind.effective_body(resource)
    first["name"] = "changed by a caller"
    first.pop("model")
    second = kind.effective_body(resource)
    assert second["name"] == "Review" and second["model"] == "sale.order"
    assert len(calls) == 1
    kind.effective_body(automation())  # another resource: validated on its own
    assert len(calls) == 2


def test_effective_body_follows_the_resource_not_an_earlier_one() -> None:
    kind = KINDS["automation"]
    timed = automation(trigger="on_time", date_field="date_order", delay=2, delay_unit="day")
    plain = automation()
    assert kind.effective_body(timed)["trigger_fields"] == ["date_order"]
    assert "date_field" not in kind.effective_body(plain)


def test_field_maps_are_fresh_lists_of_the_same_maps() -> None:
    kind = KINDS["system_parameter"]
    first = kind.field_maps(17)
    first.append(first[0])
    second = kind.field_maps(17)
    assert len(second) == len(first) - 1
    assert second == kind.field_maps(17) and second[0] is kind.field_maps(17)[0]
    assert kind.field_map(second[0].key, 17) is second[0]
