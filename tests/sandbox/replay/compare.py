"""Comparing the stand-in's answer with the captured one, structurally.

Asserted (the harness contract): HTTP status and content type; success or error; XML-RPC
fault code (int or legacy string) and message (the last traceback line for code 1);
JSON-RPC ``code``, ``data.name`` and ``data.message``; for results: keys, value types,
selection values, ``false``, list lengths and ids through the id map. Not asserted: dates,
names and other free text, numbers that are not ids, traceback frames. Ids inside messages
(``model(54,)``, ``User: 2``) are translated before comparing.
"""

from __future__ import annotations

import re
from typing import Any

from replay.fixture import ReferenceFields
from replay.idmap import IdMap
from replay.transcripts import Answer

_RECORD_REF = re.compile(r"\b([a-z_][\w.]*)\(((?:\d+,\s*)*\d+),?\)")
_USER_REF = re.compile(r"User: (\d+)\)")


class Comparer:
    def __init__(self, ids: IdMap, ref: ReferenceFields, uids: dict[int, int]) -> None:
        self.ids, self.ref, self.uids = ids, ref, uids
        self.problems: list[str] = []

    # -- errors ---------------------------------------------------------------------------
    def message(self, text: str) -> str:
        """The captured message with its record ids and uid translated to the stand-in's."""
        def records(match: re.Match[str]) -> str:
            model, ids = match.group(1), [int(v) for v in match.group(2).split(",")]
            mapped = ", ".join(str(self.ids.actual(model, v)) for v in ids)
            return f"{model}({mapped},)" if len(ids) == 1 else f"{model}({mapped})"

        text = _RECORD_REF.sub(records, text)
        return _USER_REF.sub(lambda m: f"User: {self.uids.get(int(m.group(1)), int(m.group(1)))})", text)

    def answers(self, expected: Answer, actual: Answer, model: str | None, method: str | None) -> list[str]:
        self.problems = []
        if expected.kind != actual.kind:
            got = actual.message or repr(actual.result)[:300]
            return [f"expected a {expected.kind}, got a {actual.kind}: {got}"]
        if expected.kind == "fault":
            code = expected.fault_code
            if isinstance(code, str) and code.startswith("warning -- "):
                code = self.message(code)
            elif isinstance(code, str) and code != "AccessDenied":
                code = self.message(code)  # legacy generic: the message is the faultCode
            self.check(actual.fault_code == code, f"faultCode {actual.fault_code!r} != {code!r}")
            self.check(actual.message == self.message(expected.message),
                       f"message {actual.message!r} != {self.message(expected.message)!r}")
        elif expected.kind == "error":
            want, got = expected.error or {}, actual.error or {}
            self.check(got.get("code") == want.get("code"), f"error code {got.get('code')} != {want.get('code')}")
            for key in ("name", "message"):
                wanted = want["data"][key] if key == "name" else self.message(want["data"][key])
                self.check(got["data"][key] == wanted, f"data.{key} {got['data'][key]!r} != {wanted!r}")
        elif expected.kind == "result":
            self.check(expected.has_result == actual.has_result, "presence of the JSON 'result' key differs")
            self.result(model, method, expected.result, actual.result)
        return self.problems

    def answers_result(self, model: str | None, method: str | None, want: Any, got: Any) -> list[str]:
        """Problems of a bare result (a JSON-2 success body), compared like ``result``."""
        self.problems = []
        self.result(model, method, want, got)
        return self.problems

    def check(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)

    # -- results --------------------------------------------------------------------------
    def result(self, model: str | None, method: str | None, want: Any, got: Any) -> None:
        if model is None or method is None:
            self.generic("result", want, got)
        elif method in ("search", "create") and isinstance(want, list | int):
            self.ids_list(model, want if isinstance(want, list) else [want],
                          got if isinstance(got, list) else [got], "result")
            self.check(isinstance(want, list) == isinstance(got, list), "create: list vs int result")
        elif method in ("read", "search_read") and isinstance(want, list) and isinstance(got, list):
            if self.length("result", want, got):
                for index, (w, g) in enumerate(zip(want, got, strict=True)):
                    self.record(model, w, g, f"[{index}]")
        elif method == "name_search" and isinstance(want, list) and isinstance(got, list):
            if self.length("result", want, got):
                self.ids_list(model, [p[0] for p in want], [p[0] for p in got], "result")
        elif method == "check_object_reference" and isinstance(want, list) and isinstance(got, list):
            self.check(want[0] == got[0], f"model {got[0]!r} != {want[0]!r}")
            self.learn(want[0], want[1], got[1], "res_id")
        elif method == "fields_get" and isinstance(want, dict) and isinstance(got, dict):
            self.fields_get(want, got)
        else:
            self.generic("result", want, got)

    def length(self, where: str, want: list, got: list) -> bool:
        self.check(len(want) == len(got), f"{where}: {len(got)} items, expected {len(want)}")
        return len(want) == len(got)

    def learn(self, model: str | None, want: Any, got: Any, where: str) -> None:
        if model is None or not isinstance(want, int) or not isinstance(got, int):
            self.generic(where, want, got)
            return
        problem = self.ids.learn(model, want, got)
        if problem:
            self.problems.append(f"{where}: {problem}")

    def ids_list(self, model: str | None, want: list, got: list, where: str) -> None:
        """Known ids must match as a set; unknown captured ids pair with the rest in order."""
        if not self.length(where, want, got) or model is None:
            return
        known = [w for w in want if self.ids.is_known(model, w)]
        expected = {self.ids.actual(model, w) for w in known}
        missing = expected - set(got)
        self.check(not missing, f"{where}: {model} ids {sorted(missing)} missing from {got}")
        rest_want = [w for w in want if not self.ids.is_known(model, w)]
        rest_got = [g for g in got if g not in expected]
        for w, g in zip(rest_want, rest_got, strict=False):
            self.learn(model, w, g, where)

    def record(self, model: str, want: Any, got: Any, where: str) -> None:
        if not isinstance(want, dict) or not isinstance(got, dict):
            self.generic(where, want, got)
            return
        self.check(set(want) == set(got), f"{where}: keys {sorted(got)} != {sorted(want)}")
        for name in want.keys() & got.keys():
            self.value(model, name, want[name], got[name], f"{where}.{name}", want)

    def value(self, model: str, name: str, want: Any, got: Any, where: str, row: dict) -> None:
        if name == "id":
            self.learn(model, want, got, where)
            return
        spec = self.ref.field(model, name) or {}
        ftype, relation = spec.get("type"), spec.get("relation")
        if want is False or got is False:
            self.check(want is got, f"{where}: {got!r} where {want!r} was captured")
        elif ftype == "many2one" and isinstance(want, list) and isinstance(got, list):
            self.learn(relation, want[0], got[0], where)
            self.check(len(got) == 2 and isinstance(got[1], str), f"{where}: not [id, name]: {got!r}")
        elif ftype in ("one2many", "many2many") and isinstance(want, list) and isinstance(got, list):
            self.ids_list(relation, want, got, where)
        elif ftype == "selection":
            self.check(want == got, f"{where}: selection {got!r} != {want!r}")
        elif ftype == "many2one_reference" and isinstance(row.get("model"), str):
            self.learn(row["model"], want, got, where)
        else:
            self.generic(where, want, got)

    def fields_get(self, want: dict, got: dict) -> None:
        self.check(set(want) == set(got), f"fields_get keys differ: {sorted(set(want) ^ set(got))[:10]}")
        for name in want.keys() & got.keys():
            w, g = want[name], got[name]
            self.check(set(w) == set(g), f"{name}: attributes {sorted(g)} != {sorted(w)}")
            for attribute in ("type", "relation", "required", "readonly", "store"):
                if attribute in w and attribute in g:
                    self.check(w[attribute] == g[attribute],
                               f"{name}.{attribute}: {g[attribute]!r} != {w[attribute]!r}")
            if "selection" in w and "selection" in g:
                self.check([s[0] for s in w["selection"]] == [s[0] for s in g["selection"]],
                           f"{name}.selection keys differ")

    def generic(self, where: str, want: Any, got: Any) -> None:
        """Types, booleans, list lengths and dict keys; free text and numbers by type only."""
        if isinstance(want, bool) or isinstance(got, bool):
            self.check(want is got, f"{where}: {got!r} != {want!r}")
        elif isinstance(want, list):
            if isinstance(got, list) and self.length(where, want, got):
                for index, (w, g) in enumerate(zip(want, got, strict=True)):
                    self.generic(f"{where}[{index}]", w, g)
            elif not isinstance(got, list):
                self.problems.append(f"{where}: {type(got).__name__} where a list was captured")
        elif isinstance(want, dict):
            if not isinstance(got, dict):
                self.problems.append(f"{where}: {type(got).__name__} where a dict was captured")
                return
            self.check(set(want) == set(got), f"{where}: keys {sorted(got)} != {sorted(want)}")
            for key in want.keys() & got.keys():
                self.generic(f"{where}.{key}", want[key], got[key])
        elif want is None:
            self.check(got is None, f"{where}: {got!r} where None was captured")
        else:
            self.check(type(want) is type(got), f"{where}: {type(got).__name__} {got!r} where "
                                                  f"{type(want).__name__} was captured")
