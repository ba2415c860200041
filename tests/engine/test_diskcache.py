"""Derived data kept on disk: reused only for the very same sources, never in the way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harmonizer import diskcache
from harmonizer.checks import fieldindex


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV_DIR, str(where))
    return where


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value

    return calls, build


def test_a_value_is_derived_once_for_the_same_sources(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    source.write_text('{"a": 1}')
    calls, build = _counting({"a": (1, None, "x")})
    assert diskcache.derived("demo", [source], build) == {"a": (1, None, "x")}
    assert diskcache.derived("demo", [source], build) == {"a": (1, None, "x")}
    assert len(calls) == 1
    assert len(list(folder.glob("demo-*.marshal"))) == 1


def test_changed_or_missing_sources_derive_again_and_replace_the_entry(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    source.write_text("one")
    calls, build = _counting([1])
    diskcache.derived("demo", [source], build)
    source.write_text("two")  # same size, other bytes
    os.utime(source, ns=(0, 0))
    diskcache.derived("demo", [source], build)
    source.unlink()
    diskcache.derived("demo", [source], build)
    assert len(calls) == 3
    assert len(list(folder.glob("demo-*.marshal"))) == 1


def test_a_damaged_or_foreign_entry_is_derived_again(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    source.write_text("one")
    calls, build = _counting("value")
    diskcache.derived("demo", [source], build)
    (entry,) = folder.glob("demo-*.marshal")
    for damaged in (entry.read_bytes()[:-3], b"", b"\xff\x00garbage"):
        entry.write_bytes(damaged)
        assert diskcache.derived("demo", [source], build) == "value"
    import marshal

    entry.write_bytes(marshal.dumps(("another key", "wrong")))
    assert diskcache.derived("demo", [source], build) == "value"
    assert len(calls) == 5


def test_an_unusable_folder_or_a_cache_turned_off_only_costs_time(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    calls, build = _counting({"k": "v"})
    monkeypatch.setenv(diskcache.ENV_DIR, str(blocker / "cache"))
    assert diskcache.derived("demo", [blocker], build) == {"k": "v"}
    monkeypatch.setenv(diskcache.ENV_DIR, "")
    assert diskcache.cache_dir() is None
    assert diskcache.derived("demo", [blocker], build) == {"k": "v"}
    assert len(calls) == 2
    assert not list(tmp_path.glob("**/*.marshal"))


def test_the_default_folder_is_the_user_cache() -> None:
    assert diskcache.cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/harmonizer")
    assert diskcache.cache_dir({"HOME": "/h"}).name == "harmonizer"  # type: ignore[union-attr]


def test_the_field_index_is_the_same_from_the_cache(folder: Path) -> None:
    fresh = fieldindex._models("17.0", fieldindex.SCHEMA_DIR / "17.0.json", fieldindex.SCHEMA_DIR / "supplement.json")
    fieldindex.field_index.cache_clear()
    try:
        first = fieldindex.field_index(17)
        fieldindex.field_index.cache_clear()
        second = fieldindex.field_index(17)
    finally:
        fieldindex.field_index.cache_clear()
    assert first.models == second.models == fresh
    assert list(folder.glob("fields-17.0-*.marshal"))
    info = second.field("sale.order", "partner_id")
    assert info is not None and (info.type, info.relation, info.relational) == ("many2one", "res.partner", True)
    assert second.field("sale.order", "no_such_field") is None and second.knows("sale.order")


def test_without_a_home_directory_nothing_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # what it returns when no home is known
    assert diskcache.cache_dir({}) is None
