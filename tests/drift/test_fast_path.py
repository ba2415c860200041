"""The per-resource memos of plan and drift (``kinds.canonical``, ``drift.clean``) change no
result: plans and drift reports with them equal the ones computed field by field without
them, over every kind of the demo fleet, with hand edits of every value type (changed,
emptied), an orphan, a never-applied site, a waiver, and sites sharing resources."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harmonizer.drift import run_drift
from harmonizer.errors import HarmonizerError
from harmonizer.kinds.canonical import NOT_KEPT, exact, is_pure, plain_text, pure_values
from harmonizer.kinds.registry import KINDS
from harmonizer.kinds.values import Boolean, Float, Html, Integer, Selection, Text
from harmonizer.project import Harmonizer
from harmonizer.render.drift_formats import DRIFT_RENDERERS
from harmonizer.render.json import plan_to_json

from .conftest import converge, make_app, make_orphan, review_access

SITES = ["warehouse-1", "warehouse-2", "warehouse-3", "warehouse-4"]


def _edited(vtype: Any, value: Any, rng: random.Random) -> Any:
    """A different (or emptied) value of the field's own type, as a person would type it."""
    if rng.random() < 0.25 and not isinstance(vtype, Integer | Float | Boolean):
        return False
    if isinstance(vtype, Boolean):
        return not value
    if isinstance(vtype, Integer):
        return int(value or 0) + 1
    if isinstance(vtype, Float):
        return float(value or 0.0) + 0.5
    if isinstance(vtype, Text):
        return f"{value or ''} edited"
    return value  # a selection: written back as it is (its keys are not known here)


def _edit_every_kind(app: Harmonizer, site: str, seed: int) -> int:
    """Hand edits of about half the pure fields of every owned record of ``site``."""
    rng = random.Random(seed)
    desired = app.render(site, allow_expired=True)
    edits = 0
    with app.session(site) as session:
        writer = session.writer()
        owned = {r["name"]: r for r in writer.search_read(
            "ir.model.data", [("module", "=", "__harmonizer__")], ["name", "model", "res_id"])}
        major = session.version.major
        for resource in desired:
            kind = KINDS[resource.kind]
            if not kind.owned or kind.dynamic:
                continue
            row = next((r for n, r in owned.items() if n.startswith(f"{kind.key}__{resource.name}")), None)
            if row is None:
                continue
            values: dict[str, Any] = {}
            live = writer.search_read(row["model"], [("id", "=", row["res_id"])],
                                      [f.field for f in kind.field_maps(major)])[0]
            for fmap in kind.field_maps(major):
                if fmap.create_only or not is_pure(fmap.vtype) or isinstance(fmap.vtype, Selection):
                    continue
                if fmap.key == "key" or rng.random() < 0.5:
                    continue  # natural keys stay (the record must stay the one found)
                values[fmap.field] = _edited(fmap.vtype, live.get(fmap.field), rng)
            for name, value in values.items():
                try:
                    writer.write(row["model"], [row["res_id"]], {name: value})
                except HarmonizerError:  # Odoo refuses it (a required field emptied, code): another field
                    continue
                edits += 1
    return edits


def _without_memos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.import_module("harmonizer.drift.classify"), "clean_entries", lambda *args: None)
    planner = importlib.import_module("harmonizer.plan.planner")
    monkeypatch.setattr(planner, "pure_values", lambda *args: None)
    monkeypatch.setattr(planner, "pure_body", lambda *args: None)


def _report(app: Harmonizer) -> dict[str, Any]:
    data = run_drift(app, ["all"], concurrency=2, today=dt.date(2030, 1, 1)).to_dict()
    data.pop("created_at")
    for site in data["sites"]:
        site.pop("round_trips")
    return data


def _texts(app: Harmonizer) -> dict[str, str]:
    report = replace(run_drift(app, ["all"], concurrency=1, today=dt.date(2030, 1, 1)), created_at="then")
    return {fmt: renderer(report) for fmt, renderer in DRIFT_RENDERERS.items() if fmt != "json"}


def _plan(app: Harmonizer, site: str) -> str:
    return plan_to_json(replace(make_app(app.root).plan([site]), created_at="then"))


@pytest.fixture
def edited(demo: Path) -> Harmonizer:
    app = make_app(demo)
    converge(app, "warehouse-1", "warehouse-3", "warehouse-4")
    review_access(app)
    make_orphan(app, "warehouse-3")
    assert _edit_every_kind(app, "warehouse-3", seed=13) > 5
    assert _edit_every_kind(app, "warehouse-4", seed=31) > 5
    return app


def test_drift_and_plan_equal_with_and_without_the_memos(edited: Harmonizer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _report(make_app(edited.root))
    fast_texts = _texts(make_app(edited.root))
    fast_plans = {s: _plan(edited, s) for s in ("warehouse-2", "warehouse-3")}
    classes = {f["class"] for s in fast["sites"] for r in s["resources"] for f in r["fields"]}
    assert {"drift", "standard", "sanctioned", "missing"} <= classes  # the edits made drift of every sort
    _without_memos(monkeypatch)
    assert _report(make_app(edited.root)) == fast
    assert _texts(make_app(edited.root)) == fast_texts
    for site, text in fast_plans.items():
        assert _plan(edited, site) == text


def test_pure_values_are_the_desired_values_of_pure_fields(demo: Path) -> None:
    app = make_app(demo)
    for site in SITES:
        for resource in app.render(site, allow_expired=True):
            kind = KINDS[resource.kind]
            for major in (16, 17, 18, 19):
                kept = pure_values(kind, resource, major)
                if kind.dynamic:
                    assert kept is None
                    continue
                assert kept is not None
                body = kind.effective_body(resource)
                for fmap, value in zip(kind.field_maps(major), kept, strict=True):
                    if value is NOT_KEPT:
                        assert fmap.key not in body or not is_pure(fmap.vtype) or _raises(fmap, body)
                    else:
                        assert exact(value, fmap.vtype.desired(body[fmap.key], None, body))


def _raises(fmap: Any, body: dict[str, Any]) -> bool:
    try:
        fmap.vtype.desired(body[fmap.key], None, body)
    except Exception:
        return True
    return False


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("x", "x", True), ("x", "y", False), (None, None, True), (1, 1, True), (1, True, False),
    (True, 1.0, False), (1, 1.0, False), (0.5, 0.5, True), (0.0, -0.0, False), (None, "", False),
    ({"model": "m", "id": 1}, {"model": "m", "id": 1}, False), ([1], [1], False),
])
def test_exact_is_equal_and_displayed_the_same(a: Any, b: Any, expected: bool) -> None:
    assert exact(a, b) is expected


class _Upper(Text):
    def live(self, raw: Any, resolver: Any) -> Any:
        return None if raw in (None, "", False) else str(raw).upper()


@pytest.mark.parametrize("vtype", [Text(), Selection(), Html(), Integer(), Float(), Boolean(), _Upper()])
def test_plain_text_is_what_live_same_and_exact_say(vtype: Any) -> None:
    """Where ``plain_text`` holds, a live string compares by ``==`` exactly as through ``live``
    and ``same`` (the planner) or ``exact`` (drift); value types that read otherwise never hold."""
    values = ["x", "", " x", "1", "value 0", "<p>a</p>", None, 1, 1.0, True, False]
    raws = ["x", "", " x", "X", "1", "value 0", "value 1", "<p>a</p>", "x\n"]
    held = 0
    for value in values:
        if not plain_text(vtype, value):
            continue
        held += 1
        for raw in raws:
            live = vtype.live(raw, None)
            assert (raw == value) is vtype.same(live, value) is exact(live, value)
    assert (held > 0) is (isinstance(vtype, Text | Selection) and not isinstance(vtype, _Upper))
