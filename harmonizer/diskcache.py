"""Data derived from files, kept on disk between runs (a start-up should not parse the same
half megabyte of JSON, nor the same YAML documents, every time).

Rules:
- An entry is keyed by the bytes of every file it derives from, the code that derives it
  (pass its module's file among the sources), its name, the format and the Python version:
  change any of them and the entry is another one. A stored entry repeats its key, and one
  that does not read back exactly (truncated, foreign, another key) is derived again.
- ``derived`` keeps plain data (``marshal``: dict, list, tuple, str, int, float, bool, None),
  one entry per name. ``parsed`` keeps a document parsed from a text (``pickle``, read back
  by an unpickler that builds only builtin containers and scalars, dates and the classes of
  the modules the caller names: an entry cannot run code), one entry per distinct text; past
  ``MAX_DOCUMENTS`` entries the older half is removed.
- The folder is ``$HARMONIZER_CACHE_DIR``, else ``$XDG_CACHE_HOME/harmonizer``, else
  ``~/.cache/harmonizer`` (none without a home directory); ``HARMONIZER_CACHE_DIR`` set
  empty turns the cache off. A folder that cannot be read or written only costs the time:
  the value is derived as without it.
- Writing is atomic (a unique temporary file renamed over the entry); an entry replaced by a
  newer key of the same name is removed. The folder and its entries are the user's alone
  (0700, 0600): a kept document holds what its project file holds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
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
MAX_DOCUMENTS = 512
#: What any kept document may be built from, besides the caller's modules.
_SAFE = {("builtins", n) for n in ("dict", "list", "tuple", "set", "frozenset", "str", "int", "float", "bool",
                                    "bytes", "complex", "object")} | {
    ("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")} | {
    ("copyreg", "_reconstructor"), ("copyreg", "__newobj__"), ("collections", "OrderedDict"),
    ("harmonizer.diskcache", "_rebuilt")}


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Where entries are kept (None: the cache is off)."""
    env = os.environ if env is None else env
    if ENV_DIR in env:
        return Path(env[ENV_DIR]) if env[ENV_DIR] else None
    base = env.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home.startswith("~"):  # no home directory to cache in
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "harmonizer"


def derived(name: str, sources: Sequence[Path], build: Callable[[], T]) -> T:
    """``build()``, or the value it gave for the same ``sources`` (see the module rules)."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = _key(name, sources)
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


def parsed(name: str, text: str, code: Sequence[Path], salt: str, build: Callable[[], T],
           modules: tuple[str, ...]) -> T:
    """``build()`` (parsing ``text``), or the document it gave for the same text, the same
    ``code`` files and ``salt`` (versions of what parses); ``modules``: the only modules whose
    classes a kept document may hold (``"ruamel.yaml."``: that package's)."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = _key(name, [*code, text.encode("utf-8", "surrogatepass")], salt)
    entry = folder / f"{name}-{key}.pickle"
    try:
        with entry.open("rb") as handle:
            stored = _Unpickler(handle, modules).load()
    except Exception:  # missing, damaged or foreign: derived again
        stored = None
    if type(stored) is tuple and len(stored) == 2 and stored[0] == key:
        return stored[1]  # type: ignore[no-any-return]
    value = build()
    _store(folder, name, entry, (key, value), dumps=_pickle_dumps, keep=MAX_DOCUMENTS)
    return value


def _pickle_dumps(value: Any) -> bytes:
    import io
    import pickle

    class Keeping(pickle.Pickler):
        def reducer_override(self, obj: Any) -> Any:
            # A date or datetime subclass pickles without its attributes (ruamel's TimeStamp
            # keeps how it was written in one): rebuilt with them.
            kind = type(obj)
            if kind not in (dt.date, dt.datetime) and isinstance(obj, dt.date) and hasattr(obj, "__dict__"):
                base = dt.datetime if isinstance(obj, dt.datetime) else dt.date
                return _rebuilt, (kind, _plain_date(obj, base), dict(vars(obj)))
            return NotImplemented

    out = io.BytesIO()
    Keeping(out, protocol=5).dump(value)
    return out.getvalue()


def _plain_date(value: dt.date, base: type[dt.date]) -> dt.date:
    if base is dt.datetime:
        assert isinstance(value, dt.datetime)
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond, value.tzinfo, fold=value.fold)
    return dt.date(value.year, value.month, value.day)


def _rebuilt(kind: type, value: dt.date, attributes: dict[str, Any]) -> Any:
    """A date or datetime subclass's instance with its attributes (``__init__`` not run)."""
    if not (isinstance(kind, type) and issubclass(kind, dt.date) and isinstance(value, dt.date)):
        raise TypeError("not a date")
    if isinstance(value, dt.datetime):
        obj = kind.__new__(kind, value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond, value.tzinfo, fold=value.fold)
    else:
        obj = kind.__new__(kind, value.year, value.month, value.day)
    obj.__dict__.update(attributes)
    return obj


class _Unpickler:
    """Reads one pickled document, refusing every class but builtins and ``modules``'."""

    def __init__(self, handle: Any, modules: tuple[str, ...]) -> None:
        import pickle

        class Restricted(pickle.Unpickler):
            def find_class(self, module: str, name: str) -> Any:
                if (module, name) in _SAFE:
                    return super().find_class(module, name)
                if any(module.startswith(m) for m in modules):
                    found = super().find_class(module, name)
                    if isinstance(found, type):  # classes only: no function of theirs is called
                        return found
                raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a kept document")

        self._unpickler = Restricted(handle)

    def load(self) -> Any:
        return self._unpickler.load()


def _key(name: str, sources: Sequence[Path | bytes], salt: str = "") -> str:
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{name}\0{FORMAT}\0{sys.version_info[:2]}\0{marshal.version}\0{salt}".encode())
    for source in sources:
        try:
            data = source if isinstance(source, bytes) else source.read_bytes()
        except OSError:
            data = None
        digest.update(b"\0missing" if data is None else len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _store(folder: Path, name: str, entry: Path, value: Any, dumps: Callable[[Any], bytes] = marshal.dumps,
           keep: int = 1) -> None:
    """Write ``entry`` atomically; then at most ``keep`` entries of ``name`` (older ones go)."""
    temporary = folder / f".{entry.name}.{os.getpid()}.tmp"
    try:
        data = dumps(value)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a copy of project files
        with open(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, entry)
        others = [old for old in folder.glob(f"{name}-*{entry.suffix}") if old != entry]
        if len(others) >= keep:
            others.sort(key=lambda old: old.stat().st_mtime_ns)
            for old in others[: len(others) if keep == 1 else len(others) // 2]:
                old.unlink(missing_ok=True)
    except Exception:  # an unusable folder or a value that cannot be kept: derived next time too
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
