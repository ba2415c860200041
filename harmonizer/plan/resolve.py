"""The resolver: answers reference questions from data read in bulk, never by calling Odoo.

Built by ``harmonizer.plan.live`` from one read per referenced model. Value types ask it
for the id behind a natural key (``lookup``), the key behind an id (``key_of``), the id of
an owned resource (``owned_id``) and the address behind an owned record (``address_for``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Resolver:
    #: (model, key field) -> {key value: (id, display name)}
    by_key: dict[tuple[str, str], dict[Any, tuple[int, str]]] = field(default_factory=dict)
    #: address -> (model, id) of records harmonizer owns on this site
    owned: dict[str, tuple[str, int]] = field(default_factory=dict)
    _keys_by_id: dict[tuple[str, str], dict[int, Any]] = field(default_factory=dict, repr=False)
    _address_by_record: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)

    def add(self, model: str, key: str, value: Any, record_id: int, label: str) -> None:
        self.by_key.setdefault((model, key), {})[value] = (record_id, label)
        self._keys_by_id.setdefault((model, key), {})[record_id] = value

    def own(self, address: str, model: str, record_id: int) -> None:
        self.owned[address] = (model, record_id)
        self._address_by_record[(model, record_id)] = address

    def lookup(self, model: str, key: str, value: Any) -> tuple[int, str] | None:
        return self.by_key.get((model, key), {}).get(value)

    def key_of(self, model: str, key: str, record_id: int) -> Any:
        return self._keys_by_id.get((model, key), {}).get(record_id)

    def owned_id(self, address: str) -> int | None:
        found = self.owned.get(address)
        return found[1] if found else None

    def xmlid_model(self, xmlid: str) -> str | None:
        """The model of the record an external ID read with the plan names (None: unknown)."""
        for (model, key), values in self.by_key.items():
            if key == "xmlid" and model != "ir.model.data" and xmlid in values:
                return model
        return None

    def address_for(self, model: str, record_id: int) -> str | None:
        return self._address_by_record.get((model, record_id))
