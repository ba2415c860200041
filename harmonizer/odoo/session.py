"""``connect(settings) -> OdooSession``: one authenticated session on one database.

Rules:
- ``connect`` builds the channel (HTTP keep-alive or in-process), detects the server version
  once and authenticates once; every later call reuses both.
- RPC protocols plug our connectors into ``odoolib.Connection``; JSON-2 into
  ``odoolib.Json2Connection``. Model calls go through their ``get_model(...)`` objects.
- A wrong password is ``OdooAccessDenied("login failed for <login> on <url> database <db>")``; an
  unreachable server is ``TransportError("cannot reach <url>: <reason>")``. No message and no log
  line ever contains the secret (messages from the server are scrubbed of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import odoolib
from odoolib.tools import RemoteModel

from harmonizer.errors import HarmonizerError, OdooAccessDenied, OdooError
from harmonizer.odoo.calls import BusyPolicy, CallStats, RetryPolicy
from harmonizer.odoo.channels import Channel, HttpChannel, SandboxChannel
from harmonizer.odoo.connectors import JsonRpcConnector, RpcConnector, XmlRpcConnector
from harmonizer.odoo.json2 import Json2Connection, Json2Connector
from harmonizer.odoo.reader import OdooReader, OdooWriter
from harmonizer.odoo.sandbox_link import sandbox_app
from harmonizer.odoo.settings import ConnectionSettings, Endpoint

#: Shorter secrets (or a secret equal to the login) are not scrubbed from server messages:
#: replacing a common word like "admin" everywhere would garble them.
MIN_SCRUBBED_SECRET = 6


@dataclass(frozen=True)
class OdooVersion:
    """The server's version: ``major`` 16..19, ``serie`` "17.0", ``full`` "17.0-20240709"."""

    major: int
    minor: int
    serie: str
    full: str

    @classmethod
    def from_version_info(cls, info: dict[str, Any]) -> OdooVersion:
        parts = info.get("server_version_info") or []
        try:
            major = int(str(parts[0]).rpartition("~")[2])
            minor = int(parts[1]) if len(parts) > 1 else 0
        except (IndexError, ValueError) as exc:
            raise HarmonizerError(f"unexpected server version {info.get('server_version')!r}") from exc
        serie = str(info.get("server_serie") or f"{major}.{minor}")
        return cls(major, minor, serie, str(info.get("server_version") or serie))


class RpcModel(RemoteModel):
    """One model over XML-RPC/JSON-RPC: ``execute`` is one ``object.execute_kw``."""

    def execute(self, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        conn = self.connection
        return conn.get_service("object").execute_kw(conn.database, conn.user_id, conn.password,
                                                     self.model_name, method, args, kwargs)


class RpcConnection(odoolib.Connection):
    """odoo-client-lib's connection with our connector; models are ``RpcModel``."""

    def get_model(self, model_name: str) -> RpcModel:
        return RpcModel(self, model_name)

    def __repr__(self) -> str:
        return f"RpcConnection(database={self.database!r}, login={self.login!r}, password='***')"


class OdooSession:
    """An authenticated session. Use ``reader()`` for the planner, ``writer()`` for the executor."""

    def __init__(self, *, settings: ConnectionSettings, endpoint: Endpoint, channel: Channel,
                 connection: RpcConnection | Json2Connection, uid: int, version: OdooVersion,
                 stats: CallStats) -> None:
        self.settings = settings
        self.url = endpoint.display
        self.database = settings.database
        self.protocol = settings.effective_protocol
        self.uid = uid
        self.version = version
        self.stats = stats
        self._channel = channel
        self._connection = connection
        self._modules: frozenset[str] | None = None
        self._busy = BusyPolicy(retries=settings.busy_retries, backoff=settings.busy_backoff)

    def __repr__(self) -> str:
        return (f"OdooSession({self.url} db={self.database} uid={self.uid} {self.protocol} "
                f"{self.version.full})")

    def execute(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """One model call (``execute_kw`` semantics). Prefer ``reader()``/``writer()``.

        A call Odoo refuses as busy (``OdooBusy``: rolled back, nothing ran) is sent again a
        bounded number of times after a pause (``BusyPolicy``)."""
        return self._busy.run(lambda: self._connection.get_model(model).execute(method, args, kwargs),
                              what=f"{model}.{method}")

    def installed_modules(self) -> frozenset[str]:
        """Names of installed modules (one search_read, cached for the session)."""
        if self._modules is None:
            rows = self.reader().search_read("ir.module.module", [("state", "=", "installed")], ["name"])
            self._modules = frozenset(row["name"] for row in rows)
        return self._modules

    def reader(self) -> OdooReader:
        return OdooReader(self)

    def writer(self) -> OdooWriter:
        return OdooWriter(self)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> OdooSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(settings: ConnectionSettings) -> OdooSession:
    """Open, version-detect and authenticate (see the module rules)."""
    endpoint = settings.validate()
    channel = _channel(settings, endpoint)
    stats = CallStats()
    policy = RetryPolicy(retries=settings.retries, backoff=settings.retry_backoff)
    scrub = _scrubber(settings)
    try:
        if settings.effective_protocol == "json2":
            return _connect_json2(settings, endpoint, channel, stats, policy, scrub)
        return _connect_rpc(settings, endpoint, channel, stats, policy, scrub)
    except BaseException:
        channel.close()
        raise


def _channel(settings: ConnectionSettings, endpoint: Endpoint) -> Channel:
    if endpoint.is_sandbox:
        app = sandbox_app(endpoint.host, settings.sandbox_home, settings.sandbox_version)
        return SandboxChannel(app, endpoint.display)
    return HttpChannel(endpoint, connect_timeout=settings.connect_timeout, timeout=settings.timeout)


def _scrubber(settings: ConnectionSettings) -> Any:
    secret = settings.secret
    if len(secret) < MIN_SCRUBBED_SECRET or secret == settings.login:
        return lambda text: text
    return lambda text: text.replace(secret, "***")


def _connect_rpc(settings: ConnectionSettings, endpoint: Endpoint, channel: Channel, stats: CallStats,
                 policy: RetryPolicy, scrub: Any) -> OdooSession:
    connector_cls: type[RpcConnector] = (JsonRpcConnector if settings.effective_protocol == "jsonrpc"
                                         else XmlRpcConnector)
    connector = connector_cls(channel, policy=policy, stats=stats, scrub=scrub)
    connection = RpcConnection(connector, settings.database, settings.login, settings.secret)
    common = connection.get_service("common")
    version = OdooVersion.from_version_info(common.version())
    try:
        uid = common.authenticate(settings.database, settings.login, settings.secret, {})
    except OdooError as exc:
        raise type(exc)(f"cannot log in to database {settings.database} on {endpoint.display}: {exc.message}",
                        exc.kind) from exc
    if not uid:
        raise OdooAccessDenied(
            f"login failed for {settings.login} on {endpoint.display} database {settings.database}",
            "AccessDenied")
    connection.set_login_info(settings.database, settings.login, settings.secret, uid)
    return OdooSession(settings=settings, endpoint=endpoint, channel=channel, connection=connection, uid=uid,
                       version=version, stats=stats)


def _connect_json2(settings: ConnectionSettings, endpoint: Endpoint, channel: Channel, stats: CallStats,
                   policy: RetryPolicy, scrub: Any) -> OdooSession:
    connector = Json2Connector(channel, policy=policy, stats=stats, scrub=scrub)
    connection = Json2Connection(connector, settings.database, settings.secret)
    version = OdooVersion.from_version_info(connector.version())
    who = settings.login or "the API key"
    try:
        connection.check_login()
    except OdooAccessDenied as exc:
        raise OdooAccessDenied(f"login failed for {who} on {endpoint.display} database {settings.database}",
                               "AccessDenied") from exc
    assert connection.user_id is not None
    return OdooSession(settings=settings, endpoint=endpoint, channel=channel, connection=connection,
                       uid=connection.user_id, version=version, stats=stats)
