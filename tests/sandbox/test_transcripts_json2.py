"""The harness's JSON-2 path (``replay/json2.py``) on 19.0's ``json2.json``.

19.0's full replay (every entry) is ``test_transcripts.py``; these tests replay, in a session
of their own, one entry of each JSON-2 answer class the harness handles (bare result bodies,
created ids, every error status with its JSON body, the 401's ``WWW-Authenticate``, HTML
404/415 bodies, a clerk key, trimmed ``/doc-bearer`` answers), and check that the comparison
catches changed answers.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from replay.json2 import compare, request
from replay.session import ReplaySession
from replay.transcripts import REFERENCE_ROOT, Entry

HAVE_19 = (REFERENCE_ROOT / "19.0" / "transcripts" / "json2.json").is_file()
pytestmark = pytest.mark.skipif(not HAVE_19, reason=f"19.0 transcripts not found under {REFERENCE_ROOT}")

#: json2.json entries, one per answer class.
ENTRIES = {
    4: "bare integer (search_count)",
    5: "read result",
    13: "422 unexpected keyword",
    23: "create answers a list of ids",
    30: "404 MissingError with a learnt id in the message",
    32: "null result",
    72: "401 without Authorization (WWW-Authenticate)",
    74: "401 for a password as bearer",
    79: "404 unknown model",
    81: "403 private method",
    84: "500 unknown field",
    92: "403 AccessError with the clerk's key",
    107: "400 malformed JSON",
    108: "415 HTML body",
    109: "404 for GET",
    114: "trimmed /doc-bearer model answer",
    121: "403 /doc-bearer as clerk",
}


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplaySession]:
    opened = ReplaySession("19.0", tmp_path_factory.mktemp("replay-json2"))
    yield opened
    opened.close()


def _index(session: ReplaySession, number: int) -> int:
    return next(i for i, e in enumerate(session.entries) if (e.file, e.index) == ("json2", number))


@pytest.mark.parametrize("number", sorted(ENTRIES), ids=[f"{n:03d}-{ENTRIES[n]}" for n in sorted(ENTRIES)])
def test_json2_entry_replays(session: ReplaySession, number: int) -> None:
    outcome = session.outcome(_index(session, number))
    assert not outcome.problems, f"{outcome.entry.title}\n" + "\n".join(f"- {p}" for p in outcome.problems)


def test_bearer_key_and_database_are_mapped(session: ReplaySession) -> None:
    entry = session.entries[_index(session, 92)]
    method, path, headers, body = request(entry, session.rewriter, "harmonizer_ref19", session.database,
                                          session.server.profile.api_keys)
    assert (method, path) == ("POST", "/json/2/stock.warehouse/write")
    assert headers["Authorization"] == f"Bearer {session.server.profile.api_keys['clerk']}"
    assert headers["X-Odoo-Database"] == session.database
    assert "Content-Length" not in headers and body is not None


def test_json2_comparison_catches_changed_answers(session: ReplaySession) -> None:
    def problems(entry: Entry, status: int, body: str, headers: dict[str, str] | None = None) -> list[str]:
        return compare(session.comparer, entry, status, entry.content_type, headers or {}, body)

    unauthorized = session.entries[_index(session, 72)]
    good_headers = {"www-authenticate": unauthorized.response_headers["WWW-Authenticate"]}
    assert problems(unauthorized, 401, unauthorized.response_body, good_headers) == []
    assert problems(unauthorized, 403, unauthorized.response_body, good_headers)  # status
    assert problems(unauthorized, 401, unauthorized.response_body)  # WWW-Authenticate missing
    error = json.loads(unauthorized.response_body)
    assert problems(unauthorized, 401, json.dumps({**error, "name": "werkzeug.exceptions.Forbidden"}), good_headers)
    assert problems(unauthorized, 401, json.dumps({**error, "message": "other"}), good_headers)
    html = session.entries[_index(session, 108)]
    assert problems(html, 415, html.response_body.replace("415", "416"))
    count = session.entries[_index(session, 4)]
    assert problems(count, 200, count.response_body) == []
    assert problems(count, 200, json.dumps([1]))  # an int answer
    doc = session.entries[_index(session, 114)]
    trimmed = json.loads(doc.response_body)
    assert problems(doc, 200, doc.response_body) == []
    no_field = copy.deepcopy(trimmed)
    no_field["fields"].pop(next(iter(no_field["fields"])))
    assert problems(doc, 200, json.dumps(no_field))
    no_method = copy.deepcopy(trimmed)
    no_method["methods"].pop(next(iter(no_method["methods"])))
    assert problems(doc, 200, json.dumps(no_method))
