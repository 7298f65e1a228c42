"""Driver errors as SQLite raises them (text and result code), for tests of local errors."""

from __future__ import annotations

import sqlite3

SQLITE_FULL = 13


def sqlite_error(text: str, code: int) -> sqlite3.OperationalError:
    """``sqlite3.OperationalError`` with ``sqlite_errorcode`` set, as the driver sets it."""
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    return error
