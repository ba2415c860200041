"""Captured id -> stand-in id, per model, and the rewriting of requests through it.

Ids the fixture loaded keep their captured value (identity). Ids the capture created are
learnt when the stand-in answers: from create results, and positionally from ids in read,
search and x2many results that are neither mapped nor fixture ids. Lookups resolved from the
pins (e.g. res.country 20 -> the stand-in's BE) are fixed mappings.
"""

from __future__ import annotations

from typing import Any

from replay.fixture import ReferenceFields

#: Methods whose first positional argument is a list of record ids of the called model.
IDS_FIRST = {"read", "write", "unlink", "action_archive", "action_unarchive", "toggle_active",
             "get_external_id", "execute", "copy", "name_get", "check_access_rule", "_read"}
DOMAIN_FIRST = {"search", "search_read", "search_count", "read_group"}
#: many2one_reference fields: (model, field) -> the sibling field naming the target model.
REFERENCE_FIELDS = {("ir.model.data", "res_id"): "model"}
DATABASE_FIRST = {("common", "login"), ("common", "authenticate"), ("object", "execute_kw"),
                  ("object", "execute")}
RELATIONAL = {"many2one", "one2many", "many2many"}


class IdMap:
    def __init__(self) -> None:
        self.maps: dict[str, dict[int, int]] = {}
        self.fixture_ids: dict[str, set[int]] = {}

    def actual(self, model: str | None, captured: Any) -> Any:
        if model is None or isinstance(captured, bool) or not isinstance(captured, int):
            return captured
        return self.maps.get(model, {}).get(captured, captured)

    def is_known(self, model: str, captured: int) -> bool:
        return captured in self.maps.get(model, {}) or captured in self.fixture_ids.get(model, set())

    def learn(self, model: str, captured: int, actual: int) -> str | None:
        """Record or check captured -> actual; a message when it contradicts what is known."""
        mapped = self.maps.get(model, {})
        if captured in mapped:
            if mapped[captured] != actual:
                return f"{model} id {captured} maps to {mapped[captured]} but the stand-in answered {actual}"
            return None
        if captured in self.fixture_ids.get(model, set()):
            if captured != actual:
                return f"{model} fixture id {captured} came back as {actual}"
            return None
        self.maps.setdefault(model, {})[captured] = actual
        return None


class Rewriter:
    """Rewrites a decoded request's params for the stand-in (database, uid, ids)."""

    def __init__(self, ids: IdMap, ref: ReferenceFields, databases: dict[str, str], uids: dict[int, int]) -> None:
        #: captured database name -> the stand-in's (other names, e.g. "no_such_db", pass through)
        self.databases, self.ids, self.ref, self.uids = databases, ids, ref, uids

    def params(self, service: str | None, method: str | None, params: Any) -> Any:
        if not isinstance(params, list) or not params:
            return params
        params = list(params)
        if isinstance(params[0], str) and (service, method) in DATABASE_FIRST:
            params[0] = self.databases.get(params[0], params[0])
        if service == "object" and method in ("execute_kw", "execute") and len(params) >= 5:
            params[1] = self.uids.get(params[1], params[1])
            model, name = params[3], params[4]
            if method == "execute_kw":
                args = params[5] if len(params) > 5 else []
                kwargs = params[6] if len(params) > 6 else None
                params[5:] = [self.args(model, name, args)]
                if kwargs is not None:
                    params.append(self.kwargs(model, kwargs))
            else:
                params[5:] = self.args(model, name, params[5:])
        return params

    def args(self, model: str, method: str, args: Any) -> Any:
        if not isinstance(args, list) or not args:
            return args
        args = list(args)
        if method in IDS_FIRST and isinstance(args[0], list):
            args[0] = [self.ids.actual(model, value) for value in args[0]]
            if method == "write" and len(args) > 1 and isinstance(args[1], dict):
                args[1] = self.vals(model, args[1])
        elif method in IDS_FIRST and isinstance(args[0], int):
            args[0] = self.ids.actual(model, args[0])
        elif method == "create":
            args[0] = ([self.vals(model, v) for v in args[0]] if isinstance(args[0], list)
                       else self.vals(model, args[0]))
        elif method in DOMAIN_FIRST:
            args[0] = self.domain(model, args[0])
        return args

    def kwargs(self, model: str, kwargs: Any) -> Any:
        if not isinstance(kwargs, dict):
            return kwargs
        out = dict(kwargs)
        for key in ("domain", "args"):
            if isinstance(out.get(key), list):
                out[key] = self.domain(model, out[key])
        return out

    def vals(self, model: str, vals: Any) -> Any:
        if not isinstance(vals, dict):
            return vals
        out = dict(vals)
        for name, value in vals.items():
            sibling = REFERENCE_FIELDS.get((model, name))
            if sibling is not None and isinstance(vals.get(sibling), str):
                out[name] = self.ids.actual(vals[sibling], value)
                continue
            ftype, relation = self.ref.ftype(model, name), self.ref.relation(model, name)
            if ftype == "many2one":
                if isinstance(value, list) and value:
                    out[name] = [self.ids.actual(relation, value[0]), *value[1:]]
                else:
                    out[name] = self.ids.actual(relation, value)
            elif ftype in ("one2many", "many2many") and isinstance(value, list):
                out[name] = [self.command(relation, command) for command in value]
        return out

    def command(self, relation: str | None, command: Any) -> Any:
        if not isinstance(command, list | tuple) or not command:
            return self.ids.actual(relation, command)  # a plain id in an id list
        code, rest = command[0], list(command[1:])
        if code in (0, 1) and len(rest) >= 2 and relation is not None:
            rest[1] = self.vals(relation, rest[1])
        if code in (1, 2, 3, 4) and rest:
            rest[0] = self.ids.actual(relation, rest[0])
        if code == 6 and len(rest) >= 2 and isinstance(rest[1], list):
            rest[1] = [self.ids.actual(relation, value) for value in rest[1]]
        return [code, *rest]

    def domain(self, model: str, domain: Any) -> Any:
        if not isinstance(domain, list):
            return domain
        return [self.leaf(model, leaf) for leaf in domain]

    def leaf(self, model: str, leaf: Any) -> Any:
        if not isinstance(leaf, list | tuple) or len(leaf) != 3 or not isinstance(leaf[0], str):
            return leaf
        target = self.target_model(model, leaf[0])
        if target is None:
            return list(leaf)
        value = leaf[2]
        if isinstance(value, list):
            value = [self.ids.actual(target, v) for v in value]
        else:
            value = self.ids.actual(target, value)
        return [leaf[0], leaf[1], value]

    def target_model(self, model: str, path: str) -> str | None:
        """The model whose ids a leaf on ``path`` compares, or None for non-id leaves."""
        current: str | None = model
        parts = path.split(".")
        for position, part in enumerate(parts):
            if current is None:
                return None
            if part == "id":
                return current if position == len(parts) - 1 else None
            if self.ref.ftype(current, part) not in RELATIONAL:
                return None
            current = self.ref.relation(current, part)
        return current
