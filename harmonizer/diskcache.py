"""Data derived from files, kept on disk between runs (a start-up should not parse the same
half megabyte of JSON every time).

Rules:
- An entry is keyed by the bytes of every file it derives from, the code that derives it
  (pass its module's file among the sources), its name, the format and the Python version:
  change any of them and the entry is another one. A stored entry repeats its key, and one
  that does not read back exactly (truncated, foreign, another key) is derived again.
- Values are plain data (``marshal``: dict, list, tuple, str, int, float, bool, None).
- The folder is ``$HARMONIZER_CACHE_DIR``, else ``$XDG_CACHE_HOME/harmonizer``, else
  ``~/.cache/harmonizer``; ``HARMONIZER_CACHE_DIR`` set empty turns the cache off. A folder
  that cannot be read or written only costs the time: the value is derived as without it.
- Writing is atomic (a unique temporary file renamed over the entry); an entry replaced by a
  newer key of the same name is removed.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Bumped when the entry layout changes.
FORMAT = 1
ENV_DIR = "HARMONIZER_CACHE_DIR"


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Where entries are kept (None: the cache is off)."""
    env = os.environ if env is None else env
    if ENV_DIR in env:
        return Path(env[ENV_DIR]) if env[ENV_DIR] else None
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "harmonizer"


def derived(name: str, sources: Sequence[Path], build: Callable[[], T]) -> T:
    """``build()``, or the value it gave for the same ``sources`` (see the module rules)."""
    key = _key(name, sources)
    folder = cache_dir()
    if folder is None:
        return build()
    entry = folder / f"{name}-{key}.marshal"
    try:
        stored = marshal.loads(entry.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        stored = None
    if type(stored) is tuple and len(stored) == 2 and stored[0] == key:
        return stored[1]  # type: ignore[no-any-return]
    value = build()
    _store(folder, name, entry, (key, value))
    return value


def _key(name: str, sources: Sequence[Path]) -> str:
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{name}\0{FORMAT}\0{sys.version_info[:2]}\0{marshal.version}".encode())
    for path in sources:
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        digest.update(b"\0missing" if data is None else len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _store(folder: Path, name: str, entry: Path, value: Any) -> None:
    temporary = folder / f".{entry.name}.{os.getpid()}.tmp"
    try:
        data = marshal.dumps(value)
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, entry)
        for old in folder.glob(f"{name}-*.marshal"):
            if old != entry:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
