"""``SandboxServer``: the ``common``, ``db`` and ``object`` services of the stand-in.

``dispatch(service, method, params)`` takes Python values as the wire layer decoded them
and returns Python values (possibly None: the wire layer reports what XML-RPC cannot
marshal). It raises only ``ServerException`` subclasses. Each ``object`` call runs in one
transaction: committed when the method returns (even None), rolled back on any error.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from harmonizer.sandbox.database import SUFFIX, Database, create_tables
from harmonizer.sandbox.demo.loader import load_fixture
from harmonizer.sandbox.env import Env
from harmonizer.sandbox.exceptions import (
    AccessDenied,
    AccessError,
    PythonError,
    ServerException,
    attribute_error,
    key_error,
    type_error,
    value_error,
)
from harmonizer.sandbox.orm.errors import missing_error
from harmonizer.sandbox.orm.model import READ_ONLY
from harmonizer.sandbox.profile import load_profile
from harmonizer.sandbox.rows import load_rows
from harmonizer.sandbox.seed import seed_meta
from harmonizer.sandbox.store import Store

DB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def operational_error(db: str) -> PythonError:
    message = f'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "{db}" does not exist\n'
    return PythonError("psycopg2.OperationalError", message)


def as_server_exception(exc: Exception) -> ServerException:
    """Map a plain Python exception raised inside a call to the fault Odoo would give."""
    if isinstance(exc, ServerException):
        return exc
    if isinstance(exc, KeyError):
        return key_error(str(exc.args[0]) if exc.args else "")
    if isinstance(exc, TypeError):
        return type_error(str(exc))
    if isinstance(exc, AttributeError):
        return attribute_error(str(exc))
    if isinstance(exc, ValueError):
        return value_error(str(exc))
    return PythonError(f"builtins.{type(exc).__name__}", str(exc))


class SandboxServer:
    def __init__(self, home: Path | None, version: str = "17.0", keep_connections: bool = False) -> None:
        self.home = Path(home) if home is not None else None
        #: Keep file connections open between calls (``Database``; what ``sandbox serve`` does).
        self.keep_connections = keep_connections
        self.profile = load_profile(version)
        self._dbs: dict[str, Database] = {}
        self._lock = threading.Lock()
        if self.home is not None:
            self.home.mkdir(parents=True, exist_ok=True)

    # -- databases ---------------------------------------------------------------------------
    def _path(self, name: str) -> Path | None:
        return None if self.home is None else self.home / f"{name}{SUFFIX}"

    def _database(self, name: Any) -> Database:
        name = str(name)
        with self._lock:
            if name in self._dbs:
                return self._dbs[name]
            path = self._path(name)
            if path is None or not DB_NAME.match(name) or not path.exists():
                raise operational_error(name)
            self._dbs[name] = Database(name, path, keep_connections=self.keep_connections)
            return self._dbs[name]

    def list_databases(self) -> list[str]:
        names = set(self._dbs)
        if self.home is not None:
            names |= {p.name[: -len(SUFFIX)] for p in self.home.glob(f"*{SUFFIX}")}
        return sorted(names)

    def ensure_database(self, name: str, fixture: str = "demo") -> None:
        """Create and seed database ``name`` with a demo fixture, unless it exists."""
        if not DB_NAME.match(name):
            raise ValueError(f"invalid database name {name!r}")
        with self._lock:
            if name in self._dbs or (self._path(name) is not None and self._path(name).exists()):  # type: ignore[union-attr]
                return
            db = Database(name, self._path(name), keep_connections=self.keep_connections)
            try:
                with db.transaction(write=True) as conn:
                    create_tables(conn, self.profile.schema)
                    store = Store(conn)
                    store.set_meta("version", self.profile.version)
                    store.set_meta("fixture", fixture)
                    seed_meta(store, self.profile)
                    load_fixture(Env(store, self.profile, 1, su=True, dbname=name), fixture)
            except BaseException:
                db.drop()
                raise
            self._dbs[name] = db

    def upgrade_database(self, name: str, to_version: str, into: Path | None = None) -> Path:
        """Migrate database ``name`` to ``to_version`` as Odoo's upgrade does (see ``upgrade.py``).

        The result is written to ``into`` (a home directory; default: this server's home, in
        place) for a ``SandboxServer(into, to_version)`` to serve; this server forgets the
        database. File databases only. Returns the migrated file's path.
        """
        from harmonizer.sandbox.upgrade import copy_file, upgrade_file

        source = self._path(name)
        if source is None or not source.exists():
            raise ValueError(f"no file database {name!r} to upgrade (in-memory databases cannot be upgraded)")
        with self._lock:
            db = self._dbs.pop(name, None)
        if db is not None:
            db.close()
        target = (Path(into) if into is not None else source.parent) / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target != source:
            copy_file(source, target)
        upgrade_file(target, self.profile.version, to_version)
        return target

    def snapshot(self, name: str) -> bytes:
        """An in-memory database's whole content (tests restore it instead of seeding again)."""
        return self._database(name).serialize()

    def restore(self, name: str, data: bytes) -> None:
        """Make in-memory database ``name`` hold a ``snapshot`` again (created if needed)."""
        with self._lock:
            if name not in self._dbs:
                if self.home is not None:
                    raise ValueError("restore works on in-memory stand-ins only")
                self._dbs[name] = Database(name, None)
            db = self._dbs[name]
        db.deserialize(data)

    def drop_database(self, name: str) -> bool:
        with self._lock:
            db = self._dbs.pop(name, None) or (Database(name, self._path(name)) if self._path(name) else None)
        if db is None or not db.exists():
            return False
        db.drop()
        return True

    def load_rows(self, db: str, model: str, rows: list[dict[str, Any]]) -> None:
        """Insert rows with explicit ids (read form), bypassing business rules."""
        with self._database(db).transaction(write=True) as conn:
            load_rows(Env(Store(conn), self.profile, 1, su=True, dbname=db), model, rows)

    def env(self, db: str, uid: int = 1) -> Any:
        """A context manager giving an ``Env`` in one write transaction (tests and seeding)."""
        from contextlib import contextmanager

        @contextmanager
        def scope() -> Any:
            with self._database(db).transaction(write=True) as conn:
                yield Env(Store(conn), self.profile, uid, su=uid == 1, dbname=db)
        return scope()

    def close(self) -> None:
        with self._lock:
            for db in self._dbs.values():
                db.close()
            self._dbs.clear()

    # -- dispatch ----------------------------------------------------------------------------
    def dispatch(self, service: str, method: str, params: list[Any]) -> Any:
        handlers = {"common": self._common, "db": self._db, "object": self._object}
        if service not in handlers:
            raise key_error(service)
        try:
            return handlers[service](method, list(params or []))
        except ServerException:
            raise
        except Exception as exc:  # a Python error inside Odoo: faultCode 1 with its message
            raise as_server_exception(exc) from exc

    def _common(self, method: str, params: list[Any]) -> Any:
        if method == "version":
            return self.profile.version_info
        if method == "about":
            return "See http://openerp.com"
        if method in ("login", "authenticate"):
            db, login, password = params[0], params[1], params[2]
            return self._authenticate(db, login, password)
        raise attribute_error(f"'common' service has no method {method!r}")

    def _db(self, method: str, params: list[Any]) -> Any:
        if method == "list":
            return self.list_databases()
        if method == "server_version":
            return self.profile.server_version
        if method == "db_exist":
            return params[0] in self.list_databases()
        if method == "create_database":
            self.ensure_database(str(params[1]) if len(params) > 1 else str(params[0]))
            return True
        if method == "drop":
            return self.drop_database(str(params[1]) if len(params) > 1 else str(params[0]))
        raise attribute_error(f"'db' service has no method {method!r}")

    def _authenticate(self, dbname: str, login: str, password: str) -> int | bool:
        with self._database(dbname).transaction(write=False) as conn:
            store = Store(conn)
            env = Env(store, self.profile, 1, su=True)
            users = env["res.users"]
            found = users._search([("login", "=", login)])
            if not found:
                return False
            uid = found[0]
            return uid if any(secret == password for _kind, secret in store.secrets(uid)) else False

    def api_key_uid(self, dbname: str, key: str) -> int | None:
        """The user whose API key ``key`` is (19.0's bearer authentication), or None."""
        try:
            database = self._database(dbname)
        except ServerException:
            return None
        with database.transaction(write=False) as conn:
            row = conn.execute("SELECT uid FROM _credentials WHERE kind = 'apikey' AND secret = ?", (key,)).fetchone()
        return int(row[0]) if row is not None else None

    def _object(self, method: str, params: list[Any]) -> Any:
        if method == "execute_kw":
            db, uid, password, model, name = params[:5]
            args = params[5] if len(params) > 5 else []
            kwargs = params[6] if len(params) > 6 else {}
            return self.execute(db, uid, password, model, name, list(args or []), dict(kwargs or {}))
        if method == "execute":
            db, uid, password, model, name = params[:5]
            return self.execute(db, uid, password, model, name, list(params[5:]), {})
        raise attribute_error(f"'object' service has no method {method!r}")

    def execute(self, db: str, uid: int, password: str, model: str, method: str, args: list[Any],
                kwargs: dict[str, Any]) -> Any:
        database = self._database(db)
        context = kwargs.pop("context", None) or {}
        with database.transaction(write=method not in READ_ONLY) as conn:
            store = Store(conn)
            env = Env(store, self.profile, uid, context if isinstance(context, dict) else {}, dbname=db)
            self._check_credentials(env, uid, password)
            target = env[model]  # UserError "Object x doesn't exist"
            if method.startswith("_") or method in self.profile.private_methods:
                if method in self.profile.missing_private_methods:
                    raise attribute_error(self.profile.unknown_method.format(model=model, method=method))
                where = f"'{model}.{method}'" if self.profile.private_method_names_model else method
                raise AccessError(f"Private methods (such as {where}) cannot be called remotely.")
            func = target.public_method(method)
            if func is None:
                raise attribute_error(self.profile.unknown_method.format(model=model, method=method))
            return func(*args, **kwargs)

    def _check_credentials(self, env: Env, uid: Any, password: Any) -> None:
        if not isinstance(uid, int) or isinstance(uid, bool):
            raise AccessDenied()
        if env.user_row(uid) is None:
            raise missing_error(env, "res.users", [uid])
        if not any(secret == password for _kind, secret in env.store.secrets(uid)):
            raise AccessDenied()
