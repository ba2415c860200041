"""Resume state of a rollout: ``.harmonizer/rollouts/<name>.json`` in the project.

Rules:
- The state records, per site, the last outcome (``applied`` or ``failed`` and why) under
  the rollout's fingerprint. A rerun skips sites recorded as ``applied``: it resumes with
  the failed wave and continues from there.
- A state written for another fingerprint (the rollout file changed) is refused unless the
  caller restarts (the state is then discarded).
- Writes are atomic (temp file + rename) and happen after every site, so an interrupted
  run loses at most the site in flight (which a rerun plans again: apply is idempotent).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harmonizer.errors import HarmonizerError

STATE_DIR = "rollouts"


@dataclass
class RolloutState:
    path: Path
    name: str
    fingerprint: str
    version: str | None
    sites: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def applied(self, site: str) -> bool:
        return self.sites.get(site, {}).get("status") == "applied"

    def record(self, site: str, wave: str, status: str, error: str | None = None) -> None:
        with self._lock:
            self.sites[site] = {"wave": wave, "status": status, "error": error}
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"rollout": self.name, "fingerprint": self.fingerprint, "version": self.version,
                "sites": self.sites}
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


def state_path(state_root: Path, name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return state_root / STATE_DIR / f"{safe}.json"


def open_state(state_root: Path, name: str, fingerprint: str, version: str | None, *,
               restart: bool = False) -> RolloutState:
    path = state_path(state_root, name)
    fresh = RolloutState(path, name, fingerprint, version)
    if restart or not path.exists():
        return fresh
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise HarmonizerError(f"cannot read the rollout state {path} ({exc}); rerun with --restart") from None
    if data.get("fingerprint") != fingerprint:
        raise HarmonizerError(f"rollout {name} changed since its last run (state in {path}): rerun with "
                              "--restart to start it again from the first wave")
    fresh.sites = dict(data.get("sites", {}))
    return fresh
