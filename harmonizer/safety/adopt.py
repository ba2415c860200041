"""Import (adopt) and forget: moving an existing record into or out of harmonizer's management.

Rules:
- Import binds one existing, unowned record to a resource the site's template declares, by
  creating its ``__harmonizer__`` external ID (the name the planner looks for). The record
  is found by ``--match field=value`` pairs (template keys or Odoo field names; a reference
  key matches on its natural key, e.g. ``model=sale.order``) and must be exactly one record
  that no harmonizer external ID points at. Nothing else is written: the next plan shows
  only the real differences between the record and the template.
- Forget removes the external ID only: the record stays in Odoo, unmanaged (a later plan
  that still declares it would find it as a lookalike and suggest importing it again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harmonizer.errors import ConfigError, SiteError
from harmonizer.kinds.base import Kind
from harmonizer.kinds.refs import RecordRef
from harmonizer.plan.live import MODULE, NO_ARCHIVE_FILTER


@dataclass(frozen=True)
class Binding:
    """One external ID to create (import) or remove (forget), and the record it points at."""

    site: str
    address: str
    model: str
    record_id: int
    display_name: str
    xmlid: str
    #: For forget: the ``ir.model.data`` row to remove.
    xmlid_row: int | None = None

    def describe(self) -> str:
        return f"{self.address} <-> {self.model} #{self.record_id} {self.display_name!r} ({self.xmlid})"


def match_domain(kind: Kind, match: dict[str, str], major: int) -> list[Any]:
    maps = {f.key: f for f in kind.field_maps(major)}
    by_field = {f.field: f for f in kind.field_maps(major)}
    domain: list[Any] = []
    for name, value in sorted(match.items()):
        fmap = maps.get(name) or by_field.get(name)
        if fmap is None:
            domain.append((name, "=", value))
        elif isinstance(fmap.vtype, RecordRef):
            domain.append((f"{fmap.field}.{fmap.vtype.key}", "=", value))
        else:
            domain.append((fmap.field, "=", value))
    return domain


def find_to_import(client: Any, site: str, kind: Kind, address: str, xmlid_name: str, match: dict[str, str],
                   major: int) -> Binding:
    if not kind.owned:
        raise SiteError(site, f"{kind.key} records are bound to the site's scope, never imported", address)
    if not match:
        raise SiteError(site, "say which record to bind with --match field=value", address)
    existing = client.search_read("ir.model.data", [("module", "=", MODULE), ("name", "=", xmlid_name)],
                                  ["res_id"])
    if existing:
        raise SiteError(site, f"already bound to {kind.model} #{existing[0]['res_id']} ({MODULE}.{xmlid_name}); "
                              "`harmonizer forget` it first to bind another record", address)
    rows = client.search_read(kind.model, match_domain(kind, match, major), ["display_name"],
                              context=NO_ARCHIVE_FILTER)
    if len(rows) != 1:
        what = "no record matches" if not rows else f"{len(rows)} records match (add --match pairs)"
        raise SiteError(site, f"{what} {kind.model} {_text(match)}", address)
    row = rows[0]
    owners = client.search_read("ir.model.data", [("module", "=", MODULE), ("model", "=", kind.model),
                                                  ("res_id", "=", row["id"])], ["name"])
    if owners:
        raise SiteError(site, f"{kind.model} #{row['id']} is already managed as {MODULE}.{owners[0]['name']}",
                        address)
    return Binding(site, address, kind.model, row["id"], str(row.get("display_name") or ""),
                   f"{MODULE}.{xmlid_name}")


def bind(writer: Any, binding: Binding) -> int:
    name = binding.xmlid.split(".", 1)[1]
    return int(writer.create("ir.model.data", {"module": MODULE, "name": name, "model": binding.model,
                                               "res_id": binding.record_id}))


def bind_many(writer: Any, bindings: list[Binding]) -> int:
    """The external IDs of several bindings, in one create call; their count."""
    values = [{"module": MODULE, "name": b.xmlid.split(".", 1)[1], "model": b.model, "res_id": b.record_id}
              for b in bindings]
    return len(writer.create("ir.model.data", values)) if values else 0


def find_to_forget(client: Any, site: str, kind: Kind, address: str, xmlid_name: str) -> Binding:
    rows = client.search_read("ir.model.data", [("module", "=", MODULE), ("name", "=", xmlid_name)],
                              ["model", "res_id"])
    if not rows:
        raise SiteError(site, f"harmonizer manages no record as {MODULE}.{xmlid_name}", address)
    row = rows[0]
    found = client.search_read(row["model"], [("id", "=", row["res_id"])], ["display_name"],
                               context=NO_ARCHIVE_FILTER)
    label = str(found[0].get("display_name") or "") if found else "(record already gone)"
    return Binding(site, address, row["model"], row["res_id"], label, f"{MODULE}.{xmlid_name}", row["id"])


def unbind(writer: Any, binding: Binding) -> None:
    if binding.xmlid_row is not None:
        writer.unlink("ir.model.data", [binding.xmlid_row])


def parse_match(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--match takes field=value, got {pair!r}")
        out[name.strip()] = value
    return out


def _text(match: dict[str, str]) -> str:
    return " and ".join(f"{k} = {v!r}" for k, v in sorted(match.items()))
