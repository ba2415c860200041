"""The result of a rollout: plain frozen data, per wave and per site (renderers only read it).

Site statuses: ``applied`` (applied and converged, now or in an earlier run: ``resumed``
says which), ``failed`` (with the reason), ``not started`` (a failure stopped the line
first). A wave is ``done``, ``failed`` or ``not started``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FORMAT_VERSION = 1
APPLIED = "applied"
FAILED = "failed"
NOT_STARTED = "not started"


@dataclass(frozen=True)
class SiteOutcome:
    site: str
    wave: str
    status: str
    error: str | None = None
    #: Changes applied in this run (create, update, delete); None when nothing ran.
    changes: tuple[int, int, int] | None = None
    #: Applied in an earlier run of this rollout (resumed from its state file).
    resumed: bool = False


@dataclass(frozen=True)
class WaveOutcome:
    name: str
    status: str
    sites: tuple[SiteOutcome, ...]


@dataclass(frozen=True)
class RolloutResult:
    name: str
    version: str | None
    waves: tuple[WaveOutcome, ...]
    state_file: str = ""

    @property
    def sites(self) -> tuple[SiteOutcome, ...]:
        return tuple(s for w in self.waves for s in w.sites)

    @property
    def ok(self) -> bool:
        return all(s.status == APPLIED for s in self.sites)

    def by_status(self, status: str) -> list[str]:
        return [s.site for s in self.sites if s.status == status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION, "kind": "harmonizer-rollout", "name": self.name,
            "version": self.version, "ok": self.ok, "state_file": self.state_file,
            "waves": [{"name": w.name, "status": w.status,
                       "sites": [{"site": s.site, "status": s.status, "error": s.error,
                                  "changes": list(s.changes) if s.changes else None, "resumed": s.resumed}
                                 for s in w.sites]} for w in self.waves],
        }
