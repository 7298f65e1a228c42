"""Error codes: what went wrong, as a code and its parameters, never a sentence.

Errors raised below the UI (storage, importers, the sync client's login) are
:class:`CodedError` s. The UI and the command line choose the words for a code
from the one table in :mod:`silon_desktop.domain.wording` (the UI through Qt's
translation), so a code reads the same on screen and in print.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar


class ErrorCode(StrEnum):
    # A refusal worded by a layer that has no codes yet (``detail``), or a bug.
    REFUSED = "refused"
    UNEXPECTED = "unexpected"
    # The machine's environment is in the way of the local database (not a bug).
    DB_UNUSABLE = "db_unusable"
    DB_LOCKED = "db_locked"
    DISK_FULL = "disk_full"
    DB_CORRUPT = "db_corrupt"
    DB_UNAVAILABLE = "db_unavailable"
    DB_SCHEMA_TOO_NEW = "db_schema_too_new"
    # A record or a value refused by the store (params: field, problem, detail).
    FIELD_REFUSED = "field_refused"
    RECORD_NOT_FOUND = "record_not_found"
    RECORD_DELETED = "record_deleted"
    # A supporter list that cannot be read (params: name, detail).
    IMPORT_NOT_FOUND = "import_not_found"
    IMPORT_UNREADABLE = "import_unreadable"
    IMPORT_TRUNCATED = "import_truncated"
    IMPORT_NOT_SPREADSHEET = "import_not_spreadsheet"
    IMPORT_EMPTY = "import_empty"
    IMPORT_NO_HEADER = "import_no_header"
    IMPORT_MISSING_COLUMNS = "import_missing_columns"
    IMPORT_ENCRYPTED = "import_encrypted"
    IMPORT_IS_FOLDER = "import_is_folder"
    IMPORT_TOO_LARGE = "import_too_large"
    IMPORT_UNKNOWN_PAIR = "import_unknown_pair"
    IMPORT_CANCELLED = "import_cancelled"
    # Logging in.
    LOGIN_WRONG_CREDENTIALS = "login_wrong_credentials"
    LOGIN_OFFLINE_REFUSED = "login_offline_refused"
    LOGIN_OFFLINE_WAIT = "login_offline_wait"
    LOGIN_OFFLINE_EXPIRED = "login_offline_expired"
    LOGIN_ONLINE_REQUIRED = "login_online_required"
    LOGIN_LOCKED = "login_locked"
    LOGIN_NO_DATA_KEY = "login_no_data_key"
    LOGIN_PASSWORD_NEEDED = "login_password_needed"
    LOGIN_FIRST = "login_first"
    ACCESS_REVOKED = "access_revoked"


class CodedError(Exception):
    """An error that carries a code and the parameters its wording needs.

    Attributes:
        code: what went wrong.
        params: the values the wording fills in (a field, a file name, a detail).
    """

    code: ErrorCode = ErrorCode.DB_UNUSABLE
    #: the default code of a subclass (instances may carry another)
    default_code: ClassVar[ErrorCode] = ErrorCode.DB_UNUSABLE

    def __init__(self, code: ErrorCode | None = None, **params: str) -> None:
        self.code = code or self.default_code
        self.params: Mapping[str, str] = params
        super().__init__(self.code.value, dict(params))

    @property
    def message(self) -> str:
        """The Indonesian wording from the one table (for logs and headless callers;
        the UI words the code itself, translated)."""
        from silon_desktop.domain.wording import say

        return say(self.code, self.params)

    def __str__(self) -> str:
        return self.message
