"""Exceptions the stand-in raises inside a call, shaped like Odoo's.

The wire layer turns them into faults: ``xmlrpc_code`` is the int faultCode of
``/xmlrpc/2/``, ``qualified_name`` is JSON-RPC's ``data.name``. For code 1 (plain Python
exceptions) the faultString is a traceback whose last line is
``<traceback_name>: <traceback_text>``.
"""

from __future__ import annotations


class ServerException(Exception):
    """Base of every error the stand-in reports to a client."""

    qualified_name = "builtins.Exception"
    xmlrpc_code = 1
    #: For the legacy ``/xmlrpc/<service>`` endpoint: the word in "warning -- <word>".
    legacy_word: str | None = None

    def __init__(self, message: str, *, arguments: list | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.arguments = arguments if arguments is not None else [message]

    @property
    def traceback_name(self) -> str:
        """How the exception class appears on a traceback's last line."""
        module, _, name = self.qualified_name.rpartition(".")
        return name if module == "builtins" else self.qualified_name

    @property
    def traceback_text(self) -> str:
        return self.message


class UserError(ServerException):
    qualified_name = "odoo.exceptions.UserError"
    xmlrpc_code = 2
    legacy_word = "UserError"


class ValidationError(UserError):
    qualified_name = "odoo.exceptions.ValidationError"
    # Odoo's legacy endpoint reports ValidationError as UserError.
    legacy_word = "UserError"


class MissingError(UserError):
    qualified_name = "odoo.exceptions.MissingError"
    legacy_word = "MissingError"


class AccessError(ServerException):
    qualified_name = "odoo.exceptions.AccessError"
    xmlrpc_code = 4
    legacy_word = "AccessError"


class AccessDenied(ServerException):
    qualified_name = "odoo.exceptions.AccessDenied"
    xmlrpc_code = 3

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class PythonError(ServerException):
    """A plain Python exception inside Odoo (faultCode 1), e.g. ValueError or KeyError.

    ``qualified_name`` is given per instance, e.g. ``builtins.ValueError`` or
    ``psycopg2.OperationalError``. ``traceback_text`` may differ from ``message``:
    a KeyError's message is ``nosuch`` while its traceback line reads ``KeyError: 'nosuch'``.
    """

    def __init__(self, qualified_name: str, message: str, *, traceback_text: str | None = None,
                 arguments: list | None = None) -> None:
        super().__init__(message, arguments=arguments)
        self.qualified_name = qualified_name
        self._traceback_text = traceback_text

    @property
    def traceback_text(self) -> str:
        return self._traceback_text if self._traceback_text is not None else self.message


def value_error(message: str) -> PythonError:
    return PythonError("builtins.ValueError", message)


def key_error(key: str) -> PythonError:
    return PythonError("builtins.KeyError", key, traceback_text=repr(key))


def type_error(message: str) -> PythonError:
    return PythonError("builtins.TypeError", message)


def attribute_error(message: str) -> PythonError:
    return PythonError("builtins.AttributeError", message)
