"""How to reach one Odoo database: ``ConnectionSettings`` and its validation.

Rules:
- ``url`` is ``http(s)://host[:port][/prefix]`` or ``sandbox://NAME`` (the in-process stand-in).
  A URL never carries credentials: ``user:pass@`` in it is refused.
- TLS certificates are always verified. Plaintext ``http://`` is allowed only to a loopback host
  (127.0.0.0/8, ::1, localhost) unless ``insecure=True``: the password travels in every call.
- ``protocol=None`` picks the default: ``xmlrpc`` for http(s) (every Odoo 16-19 serves
  ``/xmlrpc/2``), ``jsonrpc`` for ``sandbox://`` (the lighter codec in-process). ``json2`` needs an
  API key as ``secret`` and Odoo 19+.
- ``secret`` (password or API key) never appears in ``repr`` nor in any message.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from harmonizer.errors import HarmonizerError

Protocol = Literal["xmlrpc", "jsonrpc", "json2"]
PROTOCOLS: tuple[str, ...] = ("xmlrpc", "jsonrpc", "json2")
SANDBOX_SCHEME = "sandbox"


@dataclass(frozen=True)
class Endpoint:
    """A parsed, validated URL: scheme, host, port and path prefix (no trailing slash)."""

    scheme: str
    host: str
    port: int | None
    prefix: str

    @property
    def is_sandbox(self) -> bool:
        return self.scheme == SANDBOX_SCHEME

    @property
    def display(self) -> str:
        """The URL as shown in messages (never with credentials)."""
        if self.is_sandbox:
            return f"sandbox://{self.host}"
        port = f":{self.port}" if self.port is not None else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{port}{self.prefix}"


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything needed to open an ``OdooSession``. Immutable; ``secret`` is redacted in repr."""

    url: str
    database: str
    login: str
    secret: str = field(repr=False)
    protocol: Protocol | None = None
    connect_timeout: float = 10.0
    timeout: float = 120.0
    retries: int = 2
    insecure: bool = False
    sandbox_home: Path | None = None
    sandbox_version: str = "17.0"
    #: First pause between retries of a read, doubled after each attempt (seconds).
    retry_backoff: float = 0.2
    #: A call Odoo refused as busy (a running scheduled action) is sent again this many times...
    busy_retries: int = 3
    #: ...after this pause, doubled each time (5 + 10 + 20 seconds by default).
    busy_backoff: float = 5.0

    def __repr__(self) -> str:
        return (f"ConnectionSettings(url={self.url!r}, database={self.database!r}, login={self.login!r}, "
                f"secret='***', protocol={self.effective_protocol!r})")

    @property
    def endpoint(self) -> Endpoint:
        return parse_url(self.url, insecure=self.insecure)

    @property
    def effective_protocol(self) -> str:
        """The protocol actually used (resolves ``None`` to the documented default)."""
        if self.protocol is not None:
            return self.protocol
        return "jsonrpc" if self.url.startswith(f"{SANDBOX_SCHEME}://") else "xmlrpc"

    def validate(self) -> Endpoint:
        """Check every field; returns the parsed endpoint or raises ``HarmonizerError``."""
        endpoint = self.endpoint
        if self.protocol is not None and self.protocol not in PROTOCOLS:
            raise HarmonizerError(f"unknown protocol {self.protocol!r}: use one of {', '.join(PROTOCOLS)}")
        if not self.database:
            raise HarmonizerError(f"no database given for {endpoint.display}")
        if not self.login and self.effective_protocol != "json2":
            raise HarmonizerError(f"no login given for {endpoint.display}")
        if self.connect_timeout <= 0 or self.timeout <= 0:
            raise HarmonizerError("connect_timeout and timeout must be positive (seconds)")
        if self.retries < 0:
            raise HarmonizerError("retries must be 0 or more")
        return endpoint


def parse_url(url: str, *, insecure: bool = False) -> Endpoint:
    """Parse and check ``url`` (see the module rules)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == SANDBOX_SCHEME:
        name = parts.netloc or parts.path.strip("/")
        if not name:
            raise HarmonizerError(f"sandbox URL needs a name: sandbox://NAME, got {url!r}")
        return Endpoint(SANDBOX_SCHEME, name, None, "")
    if scheme not in ("http", "https"):
        raise HarmonizerError(f"unsupported URL {_safe(url)!r}: use http(s)://host[:port] or sandbox://NAME")
    if parts.username is not None or parts.password is not None:
        raise HarmonizerError("the URL must not contain credentials: give login and password separately")
    if not parts.hostname:
        raise HarmonizerError(f"URL without a host: {_safe(url)!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise HarmonizerError(f"bad port in URL {_safe(url)!r}") from exc
    endpoint = Endpoint(scheme, parts.hostname, port, parts.path.rstrip("/"))
    if scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise HarmonizerError(
            f"refusing plaintext http to {endpoint.display}: the password would travel unencrypted; "
            "use https:// or set insecure=True")
    return endpoint


def is_loopback(host: str) -> bool:
    """True for localhost names and loopback addresses."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _safe(url: str) -> str:
    """``url`` without any userinfo, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
