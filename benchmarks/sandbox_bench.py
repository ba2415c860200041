"""Calls per second of the Odoo stand-in, so harmonizer's own benchmarks can subtract it.

Measures ``search_read`` of 500 records and single-record ``read``/``write`` over three
paths: in-process ``WireApp`` (XML-RPC bytes, no socket), HTTP XML-RPC and HTTP JSON-RPC
(both keep-alive). A script printing figures, not a test::

    python benchmarks/sandbox_bench.py [--version 17.0] [--seconds 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import tempfile
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harmonizer.sandbox.serve import start
from harmonizer.sandbox.service import SandboxServer
from harmonizer.sandbox.wire import WireApp

DB = "bench"
MODEL = "ir.config_parameter"
ROWS = 500

Call = Callable[[str, list, dict], Any]


def xml_inprocess(app: WireApp) -> Call:
    def call(method: str, args: list, kwargs: dict) -> Any:
        body = xmlrpc.client.dumps((DB, 2, "admin", MODEL, method, args, kwargs), "execute_kw").encode()
        response = app.handle("POST", "/xmlrpc/2/object", {"Content-Type": "text/xml"}, body)
        return xmlrpc.client.loads(response.body)[0][0]
    return call


def xml_http(url: str) -> Call:
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

    def call(method: str, args: list, kwargs: dict) -> Any:
        return proxy.execute_kw(DB, 2, "admin", MODEL, method, args, kwargs)
    return call


def json_http(host: str, port: int) -> Call:
    connection = http.client.HTTPConnection(host, port)

    def call(method: str, args: list, kwargs: dict) -> Any:
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw", "args": [DB, 2, "admin", MODEL, method, args, kwargs]}}
        connection.request("POST", "/jsonrpc", json.dumps(payload), {"Content-Type": "application/json"})
        return json.loads(connection.getresponse().read()).get("result")
    return call


def rate(call: Callable[[], Any], seconds: float) -> float:
    """Calls per second of ``call`` over about ``seconds`` (after one warm-up call)."""
    call()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        call()
        count += 1
    return count / elapsed


def seed(server: SandboxServer) -> int:
    server.ensure_database(DB, fixture="demo")
    vals = [{"key": f"bench.{n:04d}", "value": str(n)} for n in range(ROWS)]
    ids = server.dispatch("object", "execute_kw", [DB, 2, "admin", MODEL, "create", [vals]])
    return ids[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="17.0")
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per figure")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        server = SandboxServer(Path(home), version=options.version)
        one = seed(server)
        app = WireApp(server)
        with start(app) as running:
            paths = {"in-process WireApp (XML-RPC)": xml_inprocess(app),
                     "HTTP XML-RPC": xml_http(running.url),
                     "HTTP JSON-RPC": json_http(running.host, running.port)}
            domain = [["key", "=like", "bench.%"]]
            print(f"stand-in {options.version}: calls per second (higher is faster)")
            print(f"{'path':32} {'search_read 500':>16} {'read one':>10} {'write one':>10}")
            for label, call in paths.items():
                assert len(call("search_read", [domain], {"fields": ["key", "value"]})) == ROWS
                figures = [
                    rate(lambda c=call: c("search_read", [domain], {"fields": ["key", "value"]}), options.seconds),
                    rate(lambda c=call: c("read", [[one]], {"fields": ["key", "value"]}), options.seconds),
                    rate(lambda c=call: c("write", [[one], {"value": "x"}], {}), options.seconds),
                ]
                print(f"{label:32} {figures[0]:16.1f} {figures[1]:10.1f} {figures[2]:10.1f}")
        server.close()


if __name__ == "__main__":
    main()
