"""Odoo 16.0's search and a rule's filter read one construct differently: ``'!'`` before a
condition on a path.

16.0's search pushes every ``'!'`` down into the condition it negates and turns an operator
that has an opposite into it (``=`` -> ``!=``, ``in`` -> ``not in``, ``<`` -> ``>=``, ``like``
-> ``not like``...), also on a path: ``'!', ('activity_ids.summary', '=', S)`` searches
``('activity_ids.summary', '!=', S)``, the records with SOME activity whose summary is not S.
A rule's filter (``filtered_domain``, what a record-triggered automation evaluates) and
17.0+'s search read it as "no activity S". An operator without an opposite (``=like``,
``=ilike``, ``=?``) keeps the negation whole: ``'!', ('activity_ids.summary', '=like', S)``
means "no activity S" in 16.0-19.0, as a search and as a filter (checked on the real
servers, Dec 2026).

Where it matters: the impact preview counts a rule's records with a search (on 16.0 it does
not count a record rule written so, ``plan.impact``), and 16.0 runs a time rule by
searching its records with its domain (``checks.resources`` refuses such a time rule on
16.0: it would act on other records than on 17.0+).
"""

from __future__ import annotations

from typing import Any

#: Operators 16.0's search replaces by their opposite under a ``'!'``.
OPPOSITE_16 = {"=": "!=", "!=": "=", "<": ">=", ">": "<=", "<=": ">", ">=": "<", "in": "not in",
               "not in": "in", "like": "not like", "not like": "like", "ilike": "not ilike", "not ilike": "ilike"}


def negated_path_leaf(domain: list[Any]) -> tuple[Any, ...] | None:
    """The first condition on a path that a ``'!'`` of ``domain`` negates with an operator
    16.0's search turns into its opposite (None: 16.0 searches the domain as filters read it)."""
    pending = [False]  # for each term still expected: is it negated?
    for token in domain:
        negated = pending.pop() if pending else False
        if token == "!":
            pending.append(not negated)
        elif token in ("&", "|"):
            pending += [negated, negated]
        elif (negated and isinstance(token, list | tuple) and len(token) == 3 and isinstance(token[0], str)
              and "." in token[0] and token[1] in OPPOSITE_16):
            return tuple(token)
    return None


def sixteen_search(leaf: tuple[Any, ...]) -> str:
    """What 16.0's search makes of ``'!'`` before ``leaf``, and how to write it instead."""
    field, operator, value = leaf
    return (f"Odoo 16.0 searches '!', {leaf!r} as {(field, OPPOSITE_16[operator], value)!r} (some related "
            f"record differs), not as none matching; write '!', ('{field}', '=like', {value!r}) to have every "
            "version read it alike")
