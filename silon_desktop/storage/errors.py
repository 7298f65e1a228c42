"""Errors of the local store.

Two kinds, kept apart as STYLE.md asks:

- :class:`ValidationError`: the operator's input is refused (a field is named,
  with a machine code); nothing was written.
- :class:`StoreEnvironmentError` and its subclasses: the machine's environment
  is in the way (database locked by another program, disk full, damaged file),
  told from bugs by SQLite's result codes. The UI words the error's code and
  carries on.

Every one is a :class:`~silon_desktop.domain.errors.CodedError`: a code and its
parameters; the words come from :mod:`silon_desktop.domain.wording`.

Anything else raised from the store is a bug and is logged with its traceback.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from silon_desktop.domain.errors import CodedError, DetailedError, ErrorCode


class StorageError(CodedError):
    """Base of every error the local store raises on purpose."""


class ValidationError(StorageError):
    """A value was refused; the database is unchanged.

    Attributes:
        field: the field (column) at fault, as named on the wire.
        code: :attr:`ErrorCode.FIELD_REFUSED`; ``problem`` says why.
        problem: a machine code (e.g. ``wrong_type``, ``too_long`` or a domain code).
    """

    default_code = ErrorCode.FIELD_REFUSED

    def __init__(
        self, field: str, problem: str, message_id: str = "", detail: str = "", label: str = ""
    ) -> None:
        """``message_id``/``detail``: a domain ``FieldError``'s, worded by the domain's
        text for it; ``label``: the field named in those words (default ``field``)."""
        self.field = field
        self.problem = problem
        params = {"field": field, "problem": problem}
        if message_id:
            params |= {"message_id": message_id, "detail": detail, "label": label}
        super().__init__(None, **params)


class StoreEnvironmentError(StorageError, DetailedError):
    """The environment, not the program, is at fault; tell the operator, not a bug.

    Attributes:
        detail: the driver's own text (for the log; not shown to the operator).
    """

    default_code = ErrorCode.DB_UNUSABLE

    def __init__(self, detail: str = "", code: ErrorCode | None = None) -> None:
        super().__init__(code, detail)


class DatabaseLocked(StoreEnvironmentError):
    default_code = ErrorCode.DB_LOCKED


class DiskFull(StoreEnvironmentError):
    default_code = ErrorCode.DISK_FULL


class CorruptDatabase(StoreEnvironmentError):
    default_code = ErrorCode.DB_CORRUPT


class StorageUnavailable(StoreEnvironmentError):
    default_code = ErrorCode.DB_UNAVAILABLE


#: SQLite primary result codes (https://sqlite.org/rescode.html) -> the environment error
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26
_BY_SQLITE_CODE: dict[int, type[StoreEnvironmentError]] = {
    _SQLITE_BUSY: DatabaseLocked,
    _SQLITE_LOCKED: DatabaseLocked,
    _SQLITE_FULL: DiskFull,
    _SQLITE_CORRUPT: CorruptDatabase,
    _SQLITE_NOTADB: CorruptDatabase,
    _SQLITE_PERM: StorageUnavailable,
    _SQLITE_READONLY: StorageUnavailable,
    _SQLITE_IOERR: StorageUnavailable,
    _SQLITE_CANTOPEN: StorageUnavailable,
}


def environment_error(error: BaseException) -> StoreEnvironmentError | None:
    """The environment error behind a driver exception, or None when it is a bug.

    Told by SQLite's result code (``sqlite3.Error.sqlite_errorcode``; its low byte is
    the primary code), never by the message text.

    Args:
        error: a ``sqlite3`` or SQLAlchemy exception.
    """
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    if not isinstance(original, sqlite3.Error) and not _is_sqlcipher_error(original):
        return None
    code = getattr(original, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None  # raised by the sqlite3 module itself (misuse): a bug
    kind = _BY_SQLITE_CODE.get(code & 0xFF)
    return kind(detail=str(original)) if kind is not None else None


def _is_sqlcipher_error(error: BaseException | None) -> bool:
    """An exception of the SQLCipher driver (an encrypted database): same result codes.
    Only a loaded driver raises them: a plain database's process does not load it."""
    driver = sys.modules.get("sqlcipher3.dbapi2")
    return driver is not None and isinstance(error, driver.Error)


@contextmanager
def environment_errors() -> Iterator[None]:
    """Driver errors of the environment (disk full, locked, damaged) raised as their
    :class:`StoreEnvironmentError`: a message for the operator, never the failed
    statement with its values; anything else (a bug) passes unchanged. Through
    SQLAlchemy or straight from a driver's own connection (the outbox archive's
    ``sqlite3``, a raw SQLCipher connection)."""
    try:
        yield
    except Exception as error:
        problem = environment_error(error)
        if problem is None:
            raise
        raise problem from error


def filesystem_error(error: OSError) -> StoreEnvironmentError:
    """A file-system error around the database (its folder, a backup) for the operator.

    Only for the store's own file operations: an ``OSError`` raised by a caller's
    code inside a session is not converted.
    """
    if error.errno == errno.ENOSPC:
        return DiskFull(detail=str(error))
    return StorageUnavailable(detail=str(error))


class RecordNotFound(StorageError, LookupError):
    """No such record (or it is a tombstone, when ``deleted`` is True)."""

    def __init__(self, entity: str, record_id: str, *, deleted: bool = False) -> None:
        self.entity = entity
        self.record_id = record_id
        self.deleted = deleted
        code = ErrorCode.RECORD_DELETED if deleted else ErrorCode.RECORD_NOT_FOUND
        super().__init__(code, entity=entity, record_id=record_id)
