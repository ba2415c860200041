"""Replay every captured transcript entry against the stand-in over real HTTP.

One pytest item per entry, in replay order (transcript files by name, then entry order),
ids ``test_transcript[<version>-<file>-<NNN>-<protocol>-<title>]``. One fresh stand-in per
version serves all its entries (see ``replay/session.py`` for why, and ``replay/fixture.py``
for the fixture). Each request is decoded, its database, uid and ids are mapped to the
stand-in's, it is re-encoded and POSTed; the answer is compared structurally
(``replay/compare.py``). Entries that cannot match are listed in ``XFAIL`` with the reason; 16.0's build
artifacts are checked against 17.0's answer (``ANSWERS_FROM``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from replay.session import ReplaySession
from replay.transcripts import REFERENCE_ROOT, Entry, load_entries

VERSIONS = ["16.0", "17.0", "18.0", "19.0"]

#: Entries that cannot match, by "<version>-<file>-<NNN>" -> reason (at most 3% of a version's
#: entries, strict). The one place xfails are listed; KNOWN_FAILURES.md explains each.
XFAIL: dict[str, str] = {
    "19.0-json2-090": "ids of the wrong type: 19.0 answers PostgreSQL's InvalidTextRepresentation with its SQL excerpt",
    "19.0-json2-120": "/doc-bearer/index.json lists every public method of Odoo's models; the stand-in its RPC ones",
}

#: 16.0 build artifacts (the integrator's fork turns every SQL constraint violation into
#: ``KeyError: 'lang'``, see odoo-reference/16.0/README.md "Error shapes"): the stand-in answers
#: as 17.0 does and these entries are checked against 17.0's capture of the same exchange (same
#: title and protocol; for the "with context lang en_US" variants only 16.0 captured, the 17.0
#: exchange they repeat with that context). They are real tests, not xfails.
BUILD_ARTIFACT_16 = "16.0 build artifact: checked against 17.0's answer"
ANSWERS_FROM: dict[str, dict[str, str]] = {
    "16.0": {
        "errors-038": "17.0-errors-038", "errors-039": "17.0-errors-039",
        "errors-042": "17.0-errors-042", "errors-043": "17.0-errors-043",
        "errors-066": "17.0-errors-066",
        "errors-079": "17.0-errors-038", "errors-080": "17.0-errors-039",
        "errors-081": "17.0-errors-042", "errors-082": "17.0-errors-043",
        "errors-085": "17.0-errors-066",
    },
}


def _params() -> list:
    params = []
    for version in VERSIONS:
        if not (REFERENCE_ROOT / version / "transcripts").is_dir():
            continue
        for entry in load_entries(version):
            reason = XFAIL.get(f"{entry.version}-{entry.file}-{entry.index:03d}")
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(entry, id=entry.test_id, marks=marks))
    return params


PARAMS = _params()


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ReplaySession]]:
    opened: dict[str, ReplaySession] = {}

    class Sessions(dict):
        def __missing__(self, version: str) -> ReplaySession:
            session = ReplaySession(version, tmp_path_factory.mktemp(f"replay-{version}"),
                                    answers_from=ANSWERS_FROM.get(version))
            opened[version] = self[version] = session
            return session

    yield Sessions()
    for session in opened.values():
        session.close()


@pytest.mark.skipif(not PARAMS, reason=f"reference transcripts not found under {REFERENCE_ROOT}")
@pytest.mark.parametrize("entry", PARAMS)
def test_transcript(entry: Entry, sessions: dict[str, ReplaySession]) -> None:
    session = sessions[entry.version]
    index = session.entries.index(entry)
    outcome = session.outcome(index)
    substituted = f"{entry.file}-{entry.index:03d}" in ANSWERS_FROM.get(entry.version, {})
    title = f"{entry.title} ({BUILD_ARTIFACT_16})" if substituted else entry.title
    assert not outcome.problems, f"{title}\n" + "\n".join(f"- {p}" for p in outcome.problems)


def _entry(version: str, file: str, index: int) -> Entry:
    return next(e for e in load_entries(version) if (e.file, e.index) == (file, index))


@pytest.mark.skipif(not PARAMS, reason=f"reference transcripts not found under {REFERENCE_ROOT}")
def test_harness_detects_changed_answers() -> None:
    """The comparison is not vacuous: each kind of difference it promises to catch is caught."""
    import copy

    from replay.compare import Comparer
    from replay.fixture import ReferenceFields
    from replay.idmap import IdMap
    from replay.transcripts import decode_answer

    entry = _entry("17.0", "crud", 1)  # JSON-RPC search_read of stock.warehouse
    captured = decode_answer(entry)
    ids = IdMap()
    ids.fixture_ids["stock.warehouse"] = {1, 2}
    comparer = Comparer(ids, ReferenceFields("17.0"), {})
    assert comparer.answers(captured, copy.deepcopy(captured), "stock.warehouse", "search_read") == []

    def changed(edit: Any) -> list[str]:
        answer = copy.deepcopy(captured)
        edit(answer.result)
        return comparer.answers(captured, answer, "stock.warehouse", "search_read")

    assert changed(lambda rows: rows[0].update(reception_steps="two_steps"))  # selection value
    assert changed(lambda rows: rows[0].pop("code"))  # keys
    assert changed(lambda rows: rows.pop())  # list length
    assert changed(lambda rows: rows[0].update(partner_id=False))  # false
    assert changed(lambda rows: rows[0].update(id=7))  # a fixture id
    assert changed(lambda rows: rows[0]["route_ids"].append(99))  # x2many length
    error = decode_answer(_entry("17.0", "errors", 1))
    other = copy.deepcopy(error)
    other.error["data"]["name"] = "odoo.exceptions.AccessError"
    assert comparer.answers(error, other, "no.such.model", "search")


@pytest.mark.skipif(not PARAMS, reason=f"reference transcripts not found under {REFERENCE_ROOT}")
def test_substituted_answers_are_the_same_exchange() -> None:
    """ANSWERS_FROM only names captures of the same call; anything else is refused."""
    from replay.session import substitute_entry

    for version, table in ANSWERS_FROM.items():
        entries = load_entries(version)
        for key, other in table.items():
            assert substitute_entry(entries, key, other).version == other.split("-")[0]
    with pytest.raises(ValueError, match="not the same exchange"):
        substitute_entry(load_entries("16.0"), "errors-038", "17.0-crud-001")


@pytest.mark.skipif(not (REFERENCE_ROOT / "19.0" / "transcripts").is_dir(), reason="19.0 transcripts not found")
def test_capture_order_and_masked_rpc_keys() -> None:
    """19.0's replay order puts json2.json last (pins ``file_order``); an unplaced file is refused.
    ``<API-KEY>`` sent as an RPC password becomes the key of the entry's own user."""
    import dataclasses

    from replay.fixture import load_pins
    from replay.json2 import MASKED_KEY, unmask_rpc_key
    from replay.session import capture_order

    entries = load_entries("19.0")
    pins = load_pins("19.0")
    ordered = capture_order(entries, pins["file_order"])
    assert sorted(ordered, key=id) == sorted(entries, key=id)
    assert ordered[-1].file == "json2" and ordered[0].file == "auth"
    assert capture_order(entries, None) == entries
    with pytest.raises(ValueError, match="does not place"):
        capture_order(entries, [f for f in pins["file_order"] if f != "xmlid"])

    keys = {"admin": "key-of-admin", "clerk": "key-of-clerk"}
    masked = [e for e in entries if e.protocol in ("xmlrpc", "jsonrpc") and MASKED_KEY in e.request_body]
    assert masked, "19.0's auth.json sends API keys as passwords"
    for entry in masked:
        sent = unmask_rpc_key(entry, pins["users"], keys)
        assert MASKED_KEY not in sent.request_body and "key-of-admin" in sent.request_body
        as_clerk = dataclasses.replace(entry, request_body=entry.request_body.replace("admin", "clerk")
                                       .replace('2, "<API', '7, "<API').replace("<int>2</int>", "<int>7</int>"))
        assert "key-of-clerk" in unmask_rpc_key(as_clerk, pins["users"], keys).request_body
    with pytest.raises(ValueError, match="no stand-in API key"):
        unmask_rpc_key(masked[0], pins["users"], {})
    plain = next(e for e in entries if e.protocol == "xmlrpc" and MASKED_KEY not in e.request_body)
    assert unmask_rpc_key(plain, pins["users"], keys) is plain
