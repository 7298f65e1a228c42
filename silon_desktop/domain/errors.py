"""Error codes: what went wrong, as a code and its parameters, never a sentence.

Errors raised below the UI (storage, importers, the sync client's login) are
:class:`CodedError` s. The UI and the command line choose the words for a code
from the one table in :mod:`silon_desktop.domain.wording` (the UI through Qt's
translation), so a code reads the same on screen and in print.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import ClassVar


class ErrorCode(StrEnum):
    # A bug (``detail``: the exception, for the log and the operator's report).
    UNEXPECTED = "unexpected"
    # The machine's environment is in the way of the local database (not a bug).
    DB_UNUSABLE = "db_unusable"
    DB_LOCKED = "db_locked"
    DISK_FULL = "disk_full"
    DB_CORRUPT = "db_corrupt"
    DB_UNAVAILABLE = "db_unavailable"
    DB_SCHEMA_TOO_NEW = "db_schema_too_new"
    # A file the operator asked for (a report, an export) the disk had no room for.
    FILE_DISK_FULL = "file_disk_full"
    # A file the operator asked for that its folder refused (missing, read-only).
    FILE_NOT_WRITTEN = "file_not_written"
    FILE_STOPPED = "file_stopped"
    # A backup, or a restore from one, the disk had no room for (the data is whole).
    BACKUP_DISK_FULL = "backup_disk_full"
    RESTORE_DISK_FULL = "restore_disk_full"
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
    IMPORT_UNCLOSED_QUOTE = "import_unclosed_quote"
    IMPORT_UNKNOWN_PAIR = "import_unknown_pair"
    IMPORT_ROUND_NOT_IN_RULES = "import_round_not_in_rules"
    IMPORT_CANCELLED = "import_cancelled"
    # Logging in.
    LOGIN_WRONG_CREDENTIALS = "login_wrong_credentials"
    LOGIN_OFFLINE_REFUSED = "login_offline_refused"
    LOGIN_OFFLINE_WAIT = "login_offline_wait"
    LOGIN_OFFLINE_EXPIRED = "login_offline_expired"
    LOGIN_ONLINE_REQUIRED = "login_online_required"
    LOGIN_LOCKED = "login_locked"
    LOGIN_NO_DATA_KEY = "login_no_data_key"
    LOGIN_PRACTICE_REAL_DATA = "login_practice_real_data"
    LOGIN_KEY_FILE_MISSING = "login_key_file_missing"
    LOGIN_REGION_LEFT = "login_region_left"
    LOGIN_PASSWORD_NEEDED = "login_password_needed"
    LOGIN_FIRST = "login_first"
    LOGIN_RESERVED_NAME = "login_reserved_name"
    LOGIN_SERVER_KEY_CHANGED = "login_server_key_changed"
    LOGIN_SERVER_KEY_UNCHECKED = "login_server_key_unchecked"
    # Changing the account's own password (the field each names, then the server's say).
    PASSWORD_CURRENT_EMPTY = "password_current_empty"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_LONG = "password_too_long"
    PASSWORD_SAME = "password_same"
    PASSWORD_MISMATCH = "password_mismatch"
    PASSWORD_WRONG_CURRENT = "password_wrong_current"
    PASSWORD_PRACTICE = "password_practice"
    PASSWORD_CHANGE_OFFLINE = "password_change_offline"
    PASSWORD_CHANGE_LOGIN_AGAIN = "password_change_login_again"
    PASSWORD_CHANGE_UNSURE = "password_change_unsure"
    PASSWORD_CHANGED_MEANWHILE = "password_changed_meanwhile"
    PASSWORD_NEW_REFUSED = "password_new_refused"
    PASSWORD_CURRENT_REFUSED = "password_current_refused"
    # The contact a citizen left with an objection is read from the server only.
    OBJECTION_CONTACT_OFFLINE = "objection_contact_offline"
    # The server's keys came without its signing key's proof over this login's nonce.
    LOGIN_SERVER_KEY_UNPROVEN = "login_server_key_unproven"
    LOGIN_REFUSAL_UNPROVEN = "login_refusal_unproven"
    # The OS keyring is there but refused a read (locked, its backend failed).
    KEYRING_UNREADABLE = "keyring_unreadable"
    KEYRING_UNREACHABLE = "keyring_unreachable"
    ACCESS_REVOKED = "access_revoked"
    IDLE_LOCKED = "idle_locked"
    IDLE_LOCKED_UNSAVED = "idle_locked_unsaved"
    # The link to the server and its answers (sync.transport, sync.client.api).
    SERVER_LINK = "server_link"
    SERVER_OFFLINE = "server_offline"
    TLS_FAILED = "tls_failed"
    CA_BUNDLE_MISSING = "ca_bundle_missing"
    AUTH_EXPIRED = "auth_expired"
    FORBIDDEN = "forbidden"
    SERVER_REFUSED = "server_refused"
    SERVER_BUSY = "server_busy"
    BAD_ANSWER = "bad_answer"
    PRACTICE_SERVER_RESET = "practice_server_reset"
    PRACTICE_SERVER_REAL_DATA = "practice_server_real_data"
    PRACTICE_SERVER_UNSENT_DATA = "practice_server_unsent_data"
    PRACTICE_DATA_REAL_SERVER = "practice_data_real_server"
    PRACTICE_STARTED_OVER = "practice_started_over"
    PRACTICE_UNSENT_KEPT = "practice_unsent_kept"
    SYNC_SERVER_KEY_CHANGED = "sync_server_key_changed"
    SYNC_SERVER_KEY_UNPROVEN = "sync_server_key_unproven"
    SYNC_REVOKED_UNPROVEN = "sync_revoked_unproven"
    # Offline bundles (sync.bundle, sync.client.bundles).
    BUNDLE_NOT_BUNDLE = "bundle_not_bundle"
    BUNDLE_TRUNCATED = "bundle_truncated"
    BUNDLE_DAMAGED = "bundle_damaged"
    BUNDLE_UNREADABLE = "bundle_unreadable"
    BUNDLE_UNKNOWN_KIND = "bundle_unknown_kind"
    BUNDLE_WRONG_KIND = "bundle_wrong_kind"
    BUNDLE_UNSIGNED = "bundle_unsigned"
    BUNDLE_UNTRUSTED_KEY = "bundle_untrusted_key"
    BUNDLE_BAD_SIGNATURE = "bundle_bad_signature"
    BUNDLE_MALFORMED = "bundle_malformed"
    BUNDLE_DISK_FULL = "bundle_disk_full"
    BUNDLE_NOT_WRITTEN = "bundle_not_written"
    BUNDLE_FILE_UNREADABLE = "bundle_file_unreadable"
    BUNDLE_NO_SERVER_KEY = "bundle_no_server_key"
    BUNDLE_EXPORT_CANCELLED = "bundle_export_cancelled"
    # Bundles sealed to the server (sync.sealed).
    SEALED_NOT_SEALED = "sealed_not_sealed"
    SEALED_DAMAGED = "sealed_damaged"
    SEALED_OTHER_RECIPIENT = "sealed_other_recipient"
    SEALED_CHANGED = "sealed_changed"
    BUNDLE_INFLATES_TOO_FAR = "bundle_inflates_too_far"
    BUNDLE_FILE_TOO_LARGE = "bundle_file_too_large"
    BUNDLE_SEALED = "bundle_sealed"
    BUNDLE_SEALED_DAMAGED = "bundle_sealed_damaged"
    BUNDLE_SEALED_OTHER = "bundle_sealed_other"
    BUNDLE_NO_BOX_KEY = "bundle_no_box_key"
    BUNDLE_OTHER_DEVICE = "bundle_other_device"
    BUNDLE_OTHER_USER = "bundle_other_user"
    BUNDLE_OTHER_REGION = "bundle_other_region"
    BUNDLE_OTHER_SERVER = "bundle_other_server"
    # Snapshots (sync.snapshot, sync.client.snapshots).
    SNAPSHOT_NOT_SNAPSHOT = "snapshot_not_snapshot"
    SNAPSHOT_UNSIGNED = "snapshot_unsigned"
    SNAPSHOT_UNTRUSTED_KEY = "snapshot_untrusted_key"
    SNAPSHOT_BAD_SIGNATURE = "snapshot_bad_signature"
    SNAPSHOT_MALFORMED = "snapshot_malformed"
    SNAPSHOT_PART_DAMAGED = "snapshot_part_damaged"
    SNAPSHOT_UNREADABLE = "snapshot_unreadable"
    SNAPSHOT_TRUNCATED = "snapshot_truncated"
    SNAPSHOT_TRAILING = "snapshot_trailing"
    SNAPSHOT_DAMAGED = "snapshot_damaged"
    SNAPSHOT_INCOMPLETE = "snapshot_incomplete"
    SNAPSHOT_NO_SERVER_KEY = "snapshot_no_server_key"
    # Resolving a sync conflict (sync.client.resolve; params: choice, conflict_id, ...).
    CONFLICT_UNKNOWN_CHOICE = "conflict_unknown_choice"
    CONFLICT_NOT_FOUND = "conflict_not_found"
    CONFLICT_RESOLVED = "conflict_resolved"
    CONFLICT_RECORD_MISSING = "conflict_record_missing"
    CONFLICT_RECORD_DELETED = "conflict_record_deleted"
    CONFLICT_DELETED_ON_SERVER = "conflict_deleted_on_server"
    # A verdict the verification rules refuse (services.verification; params: count).
    VERDICT_FIELD_NO_BMS = "verdict_field_no_bms"
    VERDICT_NO_BMS_AFTER_CORRECTION = "verdict_no_bms_after_correction"
    VERDICT_FIELD_NEEDS_ADMIN_MS = "verdict_field_needs_admin_ms"
    # params: end (the election's verfak_end, DD-MM-YYYY)
    VERDICT_FIELD_CLOSED = "verdict_field_closed"
    # params: end (the election's vermin_end, DD-MM-YYYY), count (rows of the submission)
    VERDICT_ADMIN_CLOSED = "verdict_admin_closed"
    # A write the server refuses this account's level (domain.levels.writable; params: region)
    WRITE_OUTSIDE_SHARE = "write_outside_share"
    # A write of an account whose level writes nothing (Bawaslu: it supervises, reads)
    ACCOUNT_READ_ONLY = "account_read_only"
    # params: field (its label): set by the level administering the election
    ELECTION_FIELD_SET_ABOVE = "election_field_set_above"
    # params: field (its label): an administered field of an election the province or
    # KPU RI made (made_by_kabkota false): a kab/kota account fills not even an empty one
    ELECTION_MADE_ABOVE = "election_made_above"
    # params: field (its label), role (its label), age, minimum, date (DD-MM-YYYY): a
    # write of field (a pair's status or election, a candidate's pair or birth date, an
    # election's penetapan date, kind or rule set) would leave a pair ditetapkan with a
    # candidate under the minimum age on the penetapan date
    PAIR_CANDIDATE_UNDERAGE = "pair_candidate_underage"
    # A withdrawal or merge refused (services.withdrawal; params: reason, fields).
    WITHDRAW_UNKNOWN_REASON = "withdraw_unknown_reason"
    WITHDRAW_NOTE_REQUIRED = "withdraw_note_required"
    MERGE_SAME_ROW = "merge_same_row"
    MERGE_ROW_GONE = "merge_row_gone"
    MERGE_OTHER_PAIR = "merge_other_pair"
    MERGE_UNKNOWN_FIELDS = "merge_unknown_fields"
    RESTORE_NOT_FOUND = "restore_not_found"
    RESTORE_NOT_WITHDRAWN = "restore_not_withdrawn"
    RESTORE_PAIR_GONE = "restore_pair_gone"


class CodedError(Exception):
    """An error that carries a code and the parameters its wording needs.

    Attributes:
        code: what went wrong.
        params: the values the wording fills in (a field, a file name, a detail).
    """

    code: ErrorCode = ErrorCode.DB_UNUSABLE
    #: the default code of a subclass (instances may carry another)
    default_code: ClassVar[ErrorCode] = ErrorCode.DB_UNUSABLE
    #: the Indonesian wording of ``default_code`` (set for every subclass)
    default_message: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        from silon_desktop.domain.wording import say

        cls.default_message = say(cls.default_code)

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


class DetailedError(CodedError):
    """A coded error with the technical detail behind it (a driver's or the link's text,
    for the log; never part of the words).

    Attributes:
        detail: the technical detail ("" when none).
    """

    def __init__(self, code: ErrorCode | None = None, detail: str = "", **params: str) -> None:
        super().__init__(code, **params)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


@contextmanager
def naming_the_file(name: str, kind: type[DetailedError]) -> Iterator[None]:
    """Every refusal (``kind``) of a file raised in the body names it (param ``name``):
    the operator may have several on the stick, and a refusal must say which one.

    Raises:
        kind: what the body raised, with the file's ``name`` (one it named kept).
    """
    try:
        yield
    except kind as exc:
        if "name" in exc.params:
            raise
        raise type(exc)(exc.code, exc.detail, **exc.params, name=name) from exc
