"""TLS: certificates are verified by default (a self-signed server is refused before sending)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from odoo_fakes import FakeOdoo, ScriptedServer

from harmonizer.errors import TransportError
from harmonizer.odoo import ConnectionSettings, connect
from harmonizer.odoo.channels import HttpChannel
from harmonizer.odoo.connectors import XmlRpcConnector
from harmonizer.odoo.settings import parse_url


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[ScriptedServer, FakeOdoo, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    fake = FakeOdoo()
    server = ScriptedServer(fake)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.start()
    yield server, fake, cert
    server.stop()


def test_untrusted_certificate_is_refused(tls_server: tuple[ScriptedServer, FakeOdoo, Path]) -> None:
    server, fake, _ = tls_server
    url = server.url.replace("http://", "https://")
    settings = ConnectionSettings(url, "db", "admin", fake.password, retries=0)
    with pytest.raises(TransportError, match=r"cannot reach .*certificate") as caught:
        connect(settings)
    assert not caught.value.may_have_committed
    assert fake.count == 0  # nothing was sent


def test_trusted_certificate_works_over_one_connection(tls_server: tuple[ScriptedServer, FakeOdoo, Path]) -> None:
    server, _, cert = tls_server
    url = server.url.replace("http://", "https://")
    channel = HttpChannel(parse_url(url), connect_timeout=5, timeout=5,
                          ssl_context=ssl.create_default_context(cafile=str(cert)))
    connector = XmlRpcConnector(channel)
    assert connector.send("common", "version")["server_serie"] == "17.0"
    assert connector.send("common", "authenticate", "db", "admin", "s3cret-Pa55word", {}) == 2
    channel.close()
    assert server.connections == 1
