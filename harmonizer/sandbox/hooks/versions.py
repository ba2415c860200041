"""Hooks of base.automation, ir.actions.server and ir.cron that differ from 17.0, per version.

``hooks_for(major)`` gives the registry of one version: 17.0's hooks with these replacing
theirs. Rules (from ``odoo-reference/<ver>/README.md``):

- 16.0: base.automation ``_inherits`` ir.actions.server through ``action_server_id``
  (required, ondelete restrict): ``create({name, model_id, trigger, state, code})`` creates
  the action with ``usage='base_automation'``; an existing ``action_server_id`` is reused
  and the delegated values are written onto it. Python constraints: ``on_change`` needs
  ``state='code'``; ``on_unlink`` refuses mail_post/followers/next_activity. Unlinking an
  automation leaves its action behind, and unlinking a deleted one returns True. ir.cron
  ``default_get`` gives ``numbercall = 1``; ``interval_number`` may be 0 or negative.
  res.partner stores its full name in ``display_name`` (no ``complete_name``) and orders by
  it; delivery.carrier has no CHECK on ``margin``.
- 18.0+: ir.cron has no numbercall/doall, and ``interval_number`` must be > 0.
- 18.0+: product.template orders by ``is_favorite`` (``priority`` is gone).
- 18.0: an automation's ``trigger_field_ids`` left empty are filled by the server from the
  fields its ``filter_domain`` names (on_create_or_write only) or from
  ``trg_selection_field_id`` (on_state_set and the other ``*_set`` triggers). Writing the
  trigger, the domain or the selection field without ``trigger_field_ids`` recomputes them:
  an on_create_or_write rule adds the domain's fields to its own, a ``*_set`` rule gets its
  field, any other rule none (18.0 and 19.0 clear an on_write rule's trigger fields when
  its domain is written alone; checked on the real servers, Dec 2026).
- 19.0: only the ``*_set`` rule remains; actions created on an automation keep their names
  (``automated_name`` holds the computed label); a negative ``trg_date_range`` is refused;
  linking an action of another model words its error differently; ``write`` on a missing
  cron is a UserError. Archiving a route with ``write({'active': False})`` archives its rules
  too (18.0 and 17.0 left them active). stock.warehouse ``buy_to_resupply`` is computed: the
  warehouse has an active buy rule (its ``buy_pull_id``). The API-key models are 19.0's
  (``hooks/apikeys.py``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, ClassVar

from harmonizer.sandbox.exceptions import UserError, ValidationError
from harmonizer.sandbox.hooks import apikeys
from harmonizer.sandbox.hooks import automation as base17
from harmonizer.sandbox.hooks.base import ModelHooks, Row, Vals
from harmonizer.sandbox.hooks.company import Carrier
from harmonizer.sandbox.hooks.delivery import ProductTemplateDisplay
from harmonizer.sandbox.hooks.ir import Partner
from harmonizer.sandbox.hooks.stock import Route
from harmonizer.sandbox.hooks.warehouse import Warehouse

if TYPE_CHECKING:
    from harmonizer.sandbox.env import Env

#: Triggers whose trigger fields the server derives from ``trg_selection_field_id``/``trg_field_ref``.
SET_TRIGGERS = {"on_stage_set": "stage_id", "on_user_set": "user_id", "on_tag_set": "tag_ids",
                "on_priority_set": "priority", "on_state_set": None}
#: Time triggers: their trigger fields name the date field (left as written here).
TIME_TRIGGERS = frozenset({"on_time", "on_time_created", "on_time_updated"})


def domain_fields(domain: Any) -> list[str]:
    """The first path component of every leaf of a domain string (``"[('a.b','=',1)]"`` -> ["a"])."""
    try:
        parsed = ast.literal_eval(domain) if isinstance(domain, str) else domain
    except (ValueError, SyntaxError):
        return []
    out: list[str] = []
    for leaf in parsed if isinstance(parsed, list | tuple) else []:
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and isinstance(leaf[0], str):
            name = leaf[0].split(".")[0]
            if name not in out:
                out.append(name)
    return out


def _field_ids(env: Env, model_id: int | None, names: list[str]) -> list[int]:
    model = base17._model_of(env, model_id)
    if not model or not names:
        return []
    fields = env.spec("ir.model.fields")
    rows = env.store.find(fields, "model", [model])
    return sorted(r["id"] for r in rows if r.get("name") in names)


# -- 16.0 ----------------------------------------------------------------------------------


class Automation16(ModelHooks):
    model = "base.automation"
    order = "sequence"
    inherits: ClassVar[dict[str, str]] = {"ir.actions.server": "action_server_id"}
    write_missing_ok = True

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        vals["usage"] = "base_automation"
        return vals

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        # a reused action is switched to base_automation usage
        row = env.store.rows(env.spec(self.model), [rec_id])[rec_id]
        env.store.update(env.spec("ir.actions.server"), [row["action_server_id"]], {"usage": "base_automation"})
        env.invalidate()

    def check(self, env: Env, ids: list[int]) -> None:
        actions = env.spec("ir.actions.server")
        for row in env.store.rows(env.spec(self.model), ids).values():
            action = env.store.rows(actions, [row["action_server_id"]]).get(row["action_server_id"], {})
            state = action.get("state")
            if row.get("trigger") == "on_change" and state != "code":
                raise ValidationError("Form Modification based actions can only be used with code action type.")
            if row.get("trigger") == "on_unlink" and state in ("mail_post", "followers", "next_activity"):
                raise ValidationError("Email, followers or activities action types cannot be used "
                                      "when deleting records.")


class ActionServer16(base17.ActionServer):
    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        return vals  # 16.0 keeps the given name (base.automation passes its own)

    def prepare_write(self, env: Env, ids: list[int], vals: Vals) -> Vals:
        return vals


class Cron16(base17.Cron):
    def defaults(self, env: Env) -> dict[str, Any]:
        return {"interval_number": 1, "interval_type": "months", "numbercall": 1, "priority": 5,
                "doall": False, "nextcall": lambda e: e.now, "user_id": lambda e: e.uid}


class Partner16(Partner):
    order = "display_name, id desc"


class Carrier16(Carrier):
    def check(self, env: Env, ids: list[int]) -> None:
        return None  # 16.0: no CHECK constraint on margin (17.0 added it)


# -- 18.0 and 19.0 -------------------------------------------------------------------------


class Cron18(base17.Cron):
    def defaults(self, env: Env) -> dict[str, Any]:
        return {"interval_number": 1, "interval_type": "months", "priority": 5,
                "nextcall": lambda e: e.now, "user_id": lambda e: e.uid}

    def check(self, env: Env, ids: list[int]) -> None:
        for row in env.store.rows(env.spec(self.model), ids).values():
            if (row.get("interval_number") or 0) <= 0:
                raise ValidationError("The operation cannot be completed: The interval number must be a "
                                      "strictly positive number.")


#: 19.0's answer to a write on a cron it is executing (or cannot lock), word for word.
CRON_BUSY_MESSAGE = ("Record cannot be modified right now: This cron task is currently being executed "
                     "and may not be modified Please try again in a few minutes")


class Cron19(Cron18):
    def write_missing(self, env: Env, ids: list[int]) -> None:
        # 19.0 locks the cron rows first: a missing id reads as "being executed"
        raise UserError(CRON_BUSY_MESSAGE)


class Automation18(base17.Automation):
    #: 18.0 also derives trigger fields from the filter domain.
    from_domain: ClassVar[bool] = True

    def before_unlink(self, env: Env, ids: list[int]) -> None:
        # 18.0+: the automation's actions go with it
        actions = env.spec("ir.actions.server")
        linked = [r["id"] for r in env.store.find(actions, "base_automation_id", ids)]
        if linked:
            env["ir.actions.server"].sudo()._unlink(linked)

    def after_create(self, env: Env, rec_id: int, vals: Vals) -> None:
        if not vals.get("trigger_field_ids"):
            self._fill_trigger_fields(env, rec_id, written=False)

    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        if "trigger_field_ids" not in vals and {"trigger", "filter_domain", "trg_selection_field_id"} & set(vals):
            for rec_id in ids:
                self._fill_trigger_fields(env, rec_id, written=True)

    def _fill_trigger_fields(self, env: Env, rec_id: int, written: bool) -> None:
        spec = env.spec(self.model)
        field = spec.fields["trigger_field_ids"]
        row = env.store.rows(spec, [rec_id]).get(rec_id)
        if row is None:
            return
        current = list(env.store.links(spec, field, [rec_id]).get(rec_id) or [])
        trigger = row.get("trigger")
        ids: list[int] = []
        if trigger in SET_TRIGGERS:
            selection = row.get("trg_selection_field_id")
            if trigger == "on_state_set" and selection:
                sel = env.store.rows(env.spec("ir.model.fields.selection"), [selection]).get(selection)
                ids = [sel["field_id"]] if sel and sel.get("field_id") else []
            elif SET_TRIGGERS[trigger]:
                ids = _field_ids(env, row.get("model_id"), [str(SET_TRIGGERS[trigger])])
        elif trigger == "on_create_or_write":
            if not self.from_domain:
                return  # 19.0 keeps them (it follows the domain's changes; not modelled)
            ids = current + [i for i in _field_ids(env, row.get("model_id"), domain_fields(row.get("filter_domain")))
                             if i not in current]
        elif trigger in TIME_TRIGGERS or not written:
            return
        if ids != current:
            if current:
                env.store.unlink_links(spec, field, rec_id, current)
            if ids:
                env.store.link(spec, field, rec_id, ids)
            env.invalidate()


class Automation19(Automation18):
    from_domain = False

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        # inline (0, 0, vals) actions get usage base_automation, as in 17.0 (their names are kept:
        # ActionServer19 does not rename)
        return base17._inline_usage(vals)

    def prepare_write(self, env: Env, ids: list[int], vals: Vals) -> Vals:
        return base17._inline_usage(vals)

    def check(self, env: Env, ids: list[int]) -> None:
        spec = env.spec(self.model)
        actions = env.spec("ir.actions.server")
        for rec_id, row in env.store.rows(spec, ids).items():
            if (row.get("trg_date_range") or 0) < 0:
                raise ValidationError("Delay must be positive. Set 'Delay mode' to 'Before' to negate the delay.")
            linked = env.store.find(actions, "base_automation_id", [rec_id])
            wrong = [a for a in linked if a.get("model_id") != row.get("model_id")]
            if wrong:
                names = ", ".join(str(a.get("name")) for a in wrong)
                raise ValidationError(f"Target model of actions {names} are different from rule model.")


class ActionServer19(base17.ActionServer):
    """Names are kept; ``automated_name`` holds the label 18.0 and 17.0 used as the name."""

    def prepare_create(self, env: Env, vals: Vals) -> Vals:
        vals["automated_name"] = base17.ACTION_NAMES.get(vals.get("state") or "object_write", "Execute Code")
        return base17.update_field(env, vals)

    def prepare_write(self, env: Env, ids: list[int], vals: Vals) -> Vals:
        if "state" in vals:
            vals["automated_name"] = base17.ACTION_NAMES.get(vals["state"], "Execute Code")
        if vals.get("update_path") and "model_id" not in vals and len(ids) == 1:
            row = env.store.rows(env.spec(self.model), ids).get(ids[0], {})
            return base17.update_field(env, {**vals, "model_id": row.get("model_id")}, keep_model=False)
        return vals

    def check(self, env: Env, ids: list[int]) -> None:
        rows = env.store.rows(env.spec(self.model), ids)
        for row in rows.values():
            if row.get("state") == "code" and row.get("code"):
                message = base17.syntax_error(row["code"])
                if message:
                    raise ValidationError(message)


class Route19(Route):
    def after_write(self, env: Env, ids: list[int], vals: Vals) -> None:
        if "active" not in vals:
            return
        rules = env["stock.rule"].sudo().with_env(active_test=False)
        rule_ids = rules._search([("route_id", "in", list(ids)), ("active", "!=", bool(vals["active"]))])
        if rule_ids:
            rules._write(rule_ids, {"active": bool(vals["active"])})


class Warehouse19(Warehouse):
    def compute(self, env: Env, field: str, rows: list[Row]) -> list[Any] | None:
        if field != "buy_to_resupply":
            return super().compute(env, field, rows)
        rules = env.spec("stock.rule")
        pulls = [row.get("buy_pull_id") for row in rows]
        ids = [p[0] if isinstance(p, list) else p for p in pulls]
        found = env.store.rows(rules, [i for i in ids if i])
        return [bool(i and found.get(i, {}).get("active")) for i in ids]


class ProductTemplate18(ProductTemplateDisplay):
    """18.0+: ``priority`` became ``is_favorite`` (the templates' order follows)."""

    order = "is_favorite desc, name"


def version_hooks(major: int) -> list[ModelHooks]:
    """The hooks that replace 17.0's on Odoo ``major``."""
    if major <= 16:
        return [Automation16(), ActionServer16(), Cron16(), Partner16(), Carrier16()]
    if major == 18:
        return [Automation18(), Cron18(), ProductTemplate18()]
    if major >= 19:
        return [Automation19(), ActionServer19(), Cron19(), Route19(), Warehouse19(), ProductTemplate18(),
                *apikeys.HOOKS]
    return []
