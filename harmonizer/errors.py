"""The one error tree of harmonizer.

Every error a user can cause or meet (bad input, unreachable server, Odoo refusing a
write) is a ``HarmonizerError``. Each carries enough data to print one line that says
what is wrong and where; the CLI prints ``str(error)`` and exits 1, never a traceback.
Messages never contain secrets: callers pass only redacted values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a YAML file (1-based line and column)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


class HarmonizerError(Exception):
    """Base class: a user-facing failure with a one-line message."""

    exit_code = 1

    def one_line(self) -> str:
        return " ".join(str(self).split("\n")[0:1]) or self.__class__.__name__


class ConfigError(HarmonizerError):
    """A template or site file is wrong. Always carries its location."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class ConfigErrors(HarmonizerError):
    """Several configuration problems, collected rather than raised one by one."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = list(errors)
        first = str(self.errors[0]) if self.errors else "invalid configuration"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(first + more)


class SiteError(HarmonizerError):
    """A failure tied to one site (and optionally one resource address)."""

    def __init__(self, site: str, message: str, address: str | None = None) -> None:
        self.site = site
        self.address = address
        self.message = message
        where = f"site {site}" + (f", {address}" if address else "")
        super().__init__(f"{where}: {message}")


class OdooError(HarmonizerError):
    """Odoo answered with a fault. ``kind`` is Odoo's exception class short name."""

    def __init__(self, message: str, kind: str = "Error", *, model: str | None = None,
                 method: str | None = None) -> None:
        self.kind = kind
        self.message = message
        self.model = model
        self.method = method
        super().__init__(f"Odoo {kind}: {message}")


class OdooAccessDenied(OdooError):
    """Wrong login, password or API key."""


class OdooAccessError(OdooError):
    """The user lacks an access right or record rule."""


class OdooValidationError(OdooError):
    """Odoo refused the values (constraint, required field, bad selection...)."""


class OdooMissingError(OdooError):
    """A record that was expected no longer exists."""


class OdooUserError(OdooError):
    """Any other UserError raised by Odoo's business logic."""


class OdooBusy(OdooUserError):
    """Odoo refused a write because the record is in use right now (a scheduled action that is
    running: "Record cannot be modified right now"). Nothing was written; retrying later works."""


class TransportError(HarmonizerError):
    """The server could not be reached, timed out or answered garbage."""

    def __init__(self, message: str, *, may_have_committed: bool = False) -> None:
        self.may_have_committed = may_have_committed
        super().__init__(message)


class NotImplementedYet(HarmonizerError):
    """A feature that is planned but not built: said plainly instead of faked."""
