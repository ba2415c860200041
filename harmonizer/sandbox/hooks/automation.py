"""base.automation, ir.actions.server and ir.cron (17.0 rules).

- An action's Python ``code`` is syntax-checked with ``compile`` (never executed).
- An action linked to an automation must share its model.
- Actions created inline on an automation (``(0, 0, vals)``) get ``usage='base_automation'``;
  actions whose usage is base_automation get a computed name such as "Execute Code".
- ir.cron delegates name/model/state/code to an ir.actions.server (``_inherits``) with
  ``usage='ir_cron'``; ``cron_name`` mirrors the action's name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from harmonizer.sandbox.exceptions import ValidationError
from harmonizer.sandbox.hooks.base import ModelHooks, Row, Vals

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env

#: Name Odoo computes for an automation's action, by action state.
ACTION_NAMES = {
    "code": "Execute Code", "object_write": "Update Record", "object_create": "Create Record",
    "mail_post": "Send email", "followers": "Add followers", "remove_followers": "Remove followers",
    "next_activity": "Create Activity", "sms": "Send SMS", "webhook": "Send Webhook Notification",
    "multi": "Execute Existing Actions",
}


@lru_cache(maxsize=512)
def syntax_error(code: str) -> str | None:
    """Odoo's message for invalid Python, e.g. "SyntaxError : invalid syntax at line 1\\ndef (:\\n".
    A pure function of the text: each action's code is compiled once per process, not on every
    create and write that carries it."""
    try:
        compile(code.strip(), "<code>", "exec")
    except SyntaxError as err:
        line = err.text if err.text is not None else ""
        if line and not line.endswith("\n"):
            line += "\n"
        return f"SyntaxError : {err.msg} at line {err.lineno}\n{line}"
    return None


def _model_of(env: Env, model_id: int | None) -> str | None:
    if not model_id:
        return None
    row = env.store.rows(env.spec("ir.model"), [model_id]).get(model_id)
    return row.get("model") if row else None


class ActionServer(ModelHooks):
    model = "ir.actions.server"
    order = "sequence, name"

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"binding_type": "action", "type": "ir.actions.server", "usage": "ir_actions_server",
                "state": "object_write", "sequence": 5}

    def compute(self, env: Env, field: str, rows: list[Row]) -> list[Any] | None:
        if field == "model_name":
            return [_model_of(env, row.get("model_id")) or False for row in rows]
        if field == "update_field_type":
            fields = env.store.rows(env.spec("ir.model.fields"), [r["update_field_id"] for r in rows
                                                                   if r.get("update_field_id")])
            return [fields.get(r.get("update_field_id") or 0, {}).get("ttype") or False for r in rows]
        return None

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        if vals.get("usage") == "base_automation":
            vals["name"] = ACTION_NAMES.get(vals.get("state") or "object_write", "Execute Code")
        return update_field(env, vals)

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        _store_model_name(env, self.model, [rec_id])

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        if "model_id" in vals:
            _store_model_name(env, self.model, ids)

    def prepare_write(self, env: Env, ids: list[int], vals: Vals) -> Vals:
        if "state" in vals:
            rows = env.store.rows(env.spec(self.model), ids)
            if any(row.get("usage") == "base_automation" for row in rows.values()):
                vals["name"] = ACTION_NAMES.get(vals["state"], "Execute Code")
        if vals.get("update_path") and "model_id" not in vals and len(ids) == 1:
            row = env.store.rows(env.spec(self.model), ids).get(ids[0], {})
            return update_field(env, {**vals, "model_id": row.get("model_id")}, keep_model=False)
        return vals

    def check(self, env: Env, ids: list[int]) -> None:
        rows = env.store.rows(env.spec(self.model), ids)
        for row in rows.values():
            if row.get("state") == "code" and row.get("code"):
                message = syntax_error(row["code"])
                if message:
                    raise ValidationError(message)
            automation = row.get("base_automation_id")
            if automation:
                _check_same_model(env, automation, [row])


def update_field(env: Env, vals: Vals, keep_model: bool = True) -> Vals:
    """``update_field_id`` follows ``update_path`` (its first part, a field of the action's model)."""
    spec = env.spec("ir.actions.server")
    if "update_field_id" in spec.fields and vals.get("update_path") and vals.get("model_id"):
        model = _model_of(env, vals["model_id"])
        name = str(vals["update_path"]).split(".")[0]
        found = [r["id"] for r in env.store.find(env.spec("ir.model.fields"), "model", [model])
                 if r.get("name") == name]
        if found:
            vals["update_field_id"] = found[0]
    if not keep_model:
        vals.pop("model_id", None)
    return vals


def _store_model_name(env: Env, model: str, ids: list[int]) -> None:
    """model_name is a stored related field on ir.actions.server (17.0): keep it in step."""
    spec = env.spec(model)
    if "model_name" not in spec.fields or not spec.fields["model_name"].store:
        return
    for rec_id, row in env.store.rows(spec, ids).items():
        env.store.update(spec, [rec_id], {"model_name": _model_of(env, row.get("model_id"))})


def _check_same_model(env: Env, automation_id: int, actions: list[Row]) -> None:
    rule = env.store.rows(env.spec("base.automation"), [automation_id]).get(automation_id)
    if rule is None:
        return
    for action in actions:
        if action.get("model_id") != rule.get("model_id"):
            raise ValidationError(f"Model of action {action.get('name')} should match the one from "
                                  f"automated rule {rule.get('name')}.")


class Automation(ModelHooks):
    model = "base.automation"
    order = "id"
    write_missing_ok = True  # observed on 17.0

    def compute(self, env: Env, field: str, rows: list[Row]) -> list[Any] | None:
        if field == "model_name":
            return [_model_of(env, row.get("model_id")) or False for row in rows]
        return None

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        return _inline_usage(vals)

    def prepare_write(self, env: Env, ids: list[int], vals: Vals) -> Vals:
        return _inline_usage(vals)

    def check(self, env: Env, ids: list[int]) -> None:
        actions = env.spec("ir.actions.server")
        for rec_id in ids:
            linked = env.store.find(actions, "base_automation_id", [rec_id])
            _check_same_model(env, rec_id, linked)


def _inline_usage(vals: Vals) -> Vals:
    commands = vals.get("action_server_ids")
    if isinstance(commands, list):
        fixed = []
        for command in commands:
            if isinstance(command, list | tuple) and command and command[0] == 0 and len(command) > 2:
                command = (0, 0, {"usage": "base_automation", **(command[2] or {})})
            fixed.append(command)
        vals["action_server_ids"] = fixed
    return vals


class Cron(ModelHooks):
    model = "ir.cron"
    order = "cron_name"
    rec_name = "cron_name"
    inherits: ClassVar[dict[str, str]] = {"ir.actions.server": "ir_actions_server_id"}

    def defaults(self, env: Env) -> dict[str, Any]:
        return {"interval_number": 1, "interval_type": "months", "numbercall": 1, "priority": 5,
                "doall": False, "nextcall": lambda e: e.now, "user_id": lambda e: e.uid}

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        vals["usage"] = "ir_cron"
        vals.setdefault("state", "code")
        return vals

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        self._sync_name(env, [rec_id])

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        self._sync_name(env, ids)

    @staticmethod
    def _sync_name(env: Env, ids: list[int]) -> None:
        spec = env.spec("ir.cron")
        actions = env.spec("ir.actions.server")
        for rec_id, row in env.store.rows(spec, ids).items():
            action = env.store.rows(actions, [row["ir_actions_server_id"]]).get(row["ir_actions_server_id"])
            if action is not None:
                env.store.update(spec, [rec_id], {"cron_name": action.get("name")})
        env.invalidate()


HOOKS: list[ModelHooks] = [ActionServer(), Automation(), Cron()]
