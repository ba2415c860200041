"""The wire layer reproduces every captured answer byte for byte, given what the service did.

For each transcript entry a fake dispatcher checks that the request decoded to the captured
service/method/params and then returns the captured result or raises the captured exception
(rebuilt by ``replay.golden``). The WireApp's status, content type and body must equal the
capture (traceback frames excepted: the stand-in prints its own frame line).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from replay.golden import NotDispatched, expected_body, service_behaviour
from replay.transcripts import REFERENCE_ROOT, Entry, decode_answer, decode_request, load_entries

from harmonizer.sandbox.wire import WireApp

# 18.0+ marshal XML-RPC differently (double-quoted declaration, blank line before the end
# tag): a later task adds per-version encoders and extends this list.
VERSIONS = ["16.0", "17.0"]
ENTRIES = [entry for version in VERSIONS if (REFERENCE_ROOT / version).is_dir()
           for entry in load_entries(version)]


class ScriptedDispatcher:
    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.calls: list[tuple[str, str, list]] = []

    def dispatch(self, service: str, method: str, params: list) -> Any:
        self.calls.append((service, method, params))
        action, value = service_behaviour(decode_answer(self.entry))
        if action == "raise":
            raise value
        return value


@pytest.mark.skipif(not ENTRIES, reason=f"reference transcripts not found under {REFERENCE_ROOT}")
@pytest.mark.parametrize("entry", ENTRIES, ids=[f"golden-{e.test_id}" for e in ENTRIES])
def test_wire_reproduces_capture(entry: Entry) -> None:
    dispatcher = ScriptedDispatcher(entry)
    app = WireApp(dispatcher)
    response = app.handle("POST", entry.url_path, {"Content-Type": "text/xml"},
                          entry.request_body.encode("utf-8"))
    assert (response.status, response.content_type) == (entry.http_status, entry.content_type)
    assert response.body.decode("utf-8") == expected_body(entry)
    try:
        service_behaviour(decode_answer(entry))
    except NotDispatched:
        assert dispatcher.calls == []
        return
    request = decode_request(entry)
    assert request is not None
    assert dispatcher.calls == [(request.service, request.method, request.params)]
