"""Transport failures the test levers inject, as exceptions of the in-process path.

``WireApp.handle`` raises these instead of answering. The HTTP server turns them into what a
network client observes (a reset socket, or silence until the client's read timeout); the
in-process connector maps them to its own transport errors. ``committed`` tells whether the
call's transaction was committed before the answer was lost (the "may have committed" case
a client must not retry blindly).
"""

from __future__ import annotations


class InjectedTransportFault(Exception):
    """Base of the injected transport failures; never an Odoo error."""

    def __init__(self, message: str, *, call_number: int, committed: bool) -> None:
        super().__init__(message)
        self.call_number = call_number
        self.committed = committed


class ConnectionResetInjected(InjectedTransportFault):
    """The connection drops without an answer (before or after the call ran)."""


class TimeoutInjected(InjectedTransportFault):
    """The server stays silent for ``seconds`` after committing (longer than the client waits)."""

    def __init__(self, message: str, *, call_number: int, committed: bool, seconds: float) -> None:
        super().__init__(message, call_number=call_number, committed=committed)
        self.seconds = seconds
