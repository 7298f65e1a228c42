"""Rotating backups of the local database, with the SQLite online backup API.

A backup is a consistent copy taken while the program may be writing (one read
transaction through SQLite, WAL content included), written to a temporary file,
checked with ``PRAGMA integrity_check``, flushed to disk and only then renamed
to its final name ``silon-NNNNNN-YYYYmmdd-HHMMSS-ffffff[-reason].db`` in the
backups folder. ``NNNNNN`` is a sequence number, one more than the highest in
the folder: backups are ordered and rotated by it, never by the clock (a clock
set back a year must not make the newest backup look the oldest). The newest
``keep`` backups are kept. Files named without a number (older programs) come
before every numbered one. ``.partial`` files left by a killed backup are
removed (:func:`clean_partials`, at every backup and at start).

The outcome of the last backup is kept in ``backup-status.json`` beside the
database (:func:`last_failure`): a failed backup is shown to the operator and
fails ``--self-check`` until a backup succeeds again.

A restore first backs up the current file (reason ``before-restore``), then
replaces it by a verified copy of the chosen backup, whose waiting mutations are
marked as having left the device (they may have been pushed after the backup: a
later edit starts a mutation of its own); the stale ``-wal`` and
``-shm`` files of the old database are removed so they are never replayed onto
the restored one. The program must have closed the database (engine disposed):
a restore refuses while another connection holds it.

An encrypted database (``key`` given: the folder's data key) is copied page by
page by the same backup API between two SQLCipher connections keyed alike, so
every backup is encrypted with the same key; nothing plain is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.storage import cipher
from silon_desktop.storage.errors import (
    CorruptDatabase,
    DatabaseLocked,
    DiskFull,
    StoreEnvironmentError,
    environment_error,
    filesystem_error,
)
from silon_desktop.storage.integrity import forget_marker, write_private
from sync.privacy import copy_private, in_progress_name, open_private, private_folder

log = logging.getLogger(__name__)

PREFIX = "silon-"
_NAME = re.compile(r"silon-(?:(\d{6,})-)?(\d{8}-\d{6}-\d{6})(?:-([a-z0-9-]+))?\.db")
_PARTIAL = re.compile(r"silon-.*\.partial")
#: A ``.partial`` file untouched this long is a left-over, not a backup in progress.
PARTIAL_STALE_S = 600.0
STATUS_NAME = "backup-status.json"
_STAMP = "%Y%m%d-%H%M%S-%f"
DEFAULT_INTERVAL = dt.timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file.

    Attributes:
        path: the file.
        created: when it was taken (naive UTC, from its name).
        reason: why (``auto``, ``manual``, ``before-restore``, ``before-0002``...).
        size: bytes.
        number: its sequence number (0 for files named by older programs).
    """

    path: Path
    created: dt.datetime
    reason: str
    size: int
    number: int = 0


def make_backup(
    database: Path,
    backups: Path,
    keep: int | None = 10,
    *,
    reason: str = "auto",
    key: bytes | None = None,
) -> BackupInfo:
    """Back up ``database`` into the folder ``backups`` and keep the newest ``keep``.

    Args:
        database: the live database file (may be open and written by the program).
        backups: the backups folder (created if missing).
        keep: how many backups to keep after this one; None keeps all.
        reason: a short tag in the file name (lowercase letters, digits, dashes).
        key: the data key of an encrypted database (the backup is encrypted with it).

    Raises:
        CorruptDatabase: the copy fails its integrity check (the source is damaged).
        StoreEnvironmentError: disk full, file unreadable, the backups folder
            cannot be made or written.
    """
    if not database.exists():
        raise FileNotFoundError(database)
    created = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    tag = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    try:
        clean_partials(backups)
        number = next_number(backups)
        final = backups / f"{PREFIX}{number:06d}-{created.strftime(_STAMP)}-{tag}.db"
        partial = final.with_suffix(".partial")
        try:
            private_folder(backups)
            _copy(database, partial, key)
            if not verify(partial, key):
                raise CorruptDatabase(
                    detail=f"backup of {database.name} failed its integrity check"
                )
            os.replace(partial, final)
            cipher.fsync_dir(backups)
        finally:
            with contextlib.suppress(OSError):  # the folder itself may be what failed
                partial.unlink(missing_ok=True)
        made = BackupInfo(final, created, tag, final.stat().st_size, number)
    except BaseException as error:
        problem = _environment_problem(error, ErrorCode.BACKUP_DISK_FULL)
        _record(database, problem or error)
        if problem is not None:
            raise problem from error
        raise
    _record(database, None)
    log.info("backup written: %s", final)
    if keep is not None:
        rotate(backups, keep)
    return made


def _environment_problem(
    error: BaseException, disk_full: ErrorCode
) -> StoreEnvironmentError | None:
    """The operator's error behind a failed copy (disk full, folder unusable), or None.

    Args:
        disk_full: the words of a full disk here (a backup's or a restore's): the
            store's own say the data was not saved, when it was and is whole.
    """
    problem = environment_error(error)
    if problem is None and isinstance(error, OSError):
        problem = filesystem_error(error)
    if isinstance(problem, DiskFull):
        return DiskFull(problem.detail, disk_full)
    return problem


def backup_if_due(
    database: Path,
    backups: Path,
    keep: int,
    *,
    interval: dt.timedelta = DEFAULT_INTERVAL,
    key: bytes | None = None,
) -> BackupInfo | None:
    """An automatic backup when the newest is older than ``interval`` (or none exists)."""
    if not database.exists():
        return None
    newest = next(iter(list_backups(backups)), None)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # A clock set back (newest "in the future") makes one due: waiting for the
    # clock to catch up could mean a year without a backup.
    if newest is not None and dt.timedelta(0) <= now - newest.created < interval:
        return None
    return make_backup(database, backups, keep, reason="auto", key=key)


def list_backups(backups: Path) -> list[BackupInfo]:
    """The backups in the folder, newest first (files not named by us are ignored)."""
    if not backups.is_dir():
        return []
    found = []
    for path in backups.iterdir():
        match = _NAME.fullmatch(path.name)
        if match and path.is_file():
            number = int(match.group(1) or 0)
            created = dt.datetime.strptime(match.group(2), _STAMP)
            size = path.stat().st_size
            found.append(BackupInfo(path, created, match.group(3) or "", size, number))
    return sorted(found, key=lambda b: (b.number, b.created, b.path.name), reverse=True)


def next_number(backups: Path) -> int:
    """The sequence number of the next backup: one more than the highest there."""
    return max((b.number for b in list_backups(backups)), default=0) + 1


def clean_partials(backups: Path) -> list[Path]:
    """Remove ``.partial`` files a killed backup left; returns the removed files.

    A file written to in the last :data:`PARTIAL_STALE_S` seconds (either way:
    the clock may have jumped) may be another process's backup in progress and
    is left alone.
    """
    if not backups.is_dir():
        return []
    removed = []
    now = time.time()
    for path in backups.iterdir():
        if not _PARTIAL.fullmatch(path.name):
            continue
        with contextlib.suppress(OSError):
            if abs(now - path.stat().st_mtime) > PARTIAL_STALE_S:
                path.unlink()
                removed.append(path)
                log.info("left-over partial backup removed: %s", path.name)
    return removed


def status_path(database: Path) -> Path:
    """Where the outcome of the last backup of ``database`` is kept."""
    return database.with_name(STATUS_NAME)


@dataclass(frozen=True, slots=True)
class BackupFailure:
    """The last backup failed.

    Attributes:
        at: when (naive UTC).
        message: why, in Indonesian, for the operator.
        code: the error code (``disk_full``, ``db_corrupt``...), or "".
    """

    at: dt.datetime
    message: str
    code: str


def last_failure(database: Path) -> BackupFailure | None:
    """The last backup's failure, or None when it succeeded (or none was tried)."""
    try:
        data = json.loads(status_path(database).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("ok", True):
        return None
    try:
        at = dt.datetime.fromisoformat(str(data.get("at")))
    except ValueError:
        at = dt.datetime(1970, 1, 1)
    return BackupFailure(at, str(data.get("message") or ""), str(data.get("code") or ""))


def _record(database: Path, error: BaseException | None) -> None:
    """Keep the outcome of a backup beside the database (never fails the caller)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
    if error is None:
        data: dict[str, object] = {"ok": True, "at": now}
    else:
        code = getattr(error, "code", "")
        message = getattr(error, "message", "") or type(error).__name__
        data = {"ok": False, "at": now, "code": str(code or ""), "message": str(message)}
    try:
        write_private(status_path(database), json.dumps(data))
    except OSError as problem:
        log.warning("backup status not written: %s", problem)


def rotate(backups: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (by sequence number); returns the deleted files."""
    removed = []
    for old in list_backups(backups)[max(keep, 1) :]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def verify(path: Path, key: bytes | None = None) -> bool:
    """Whether ``path`` is a SQLite database passing ``PRAGMA integrity_check``
    (an encrypted one: opened with ``key``)."""
    try:
        conn = _connect(f"file:{path}?mode=ro", key, uri=True)
        try:
            cipher.use_check_cache(conn)
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except (sqlite3.DatabaseError, cipher.dbapi().DatabaseError) as error:
        log.warning("integrity check of %s failed: %s", path, error)
        return False
    return bool(rows == [("ok",)])


def restore(
    backup: Path, target: Path, backups: Path | None = None, key: bytes | None = None
) -> BackupInfo | None:
    """Replace the database ``target`` by the backup ``backup``.

    Args:
        backup: the backup file to bring back (verified first).
        target: the live database file; the program must have closed it.
        backups: where to keep a backup of the current file first (default:
            the folder of ``backup``).
        key: the data key of the encrypted database and backups.

    Returns:
        The backup made of the replaced file (None when there was no file).

    Raises:
        FileNotFoundError: no such backup file.
        CorruptDatabase: the chosen backup is damaged; nothing was changed.
        DatabaseLocked: the database is still open somewhere.
        StoreEnvironmentError: disk full, folder unusable; the database was not replaced.
    """
    if not backup.is_file():
        raise FileNotFoundError(backup)
    if not verify(backup, key):
        raise CorruptDatabase(detail=f"backup {backup.name} is damaged")
    folder = backups or backup.parent
    previous = None
    if target.exists():
        _ensure_closed(target, key)
        previous = _backup_current(target, folder, key)
    partial = in_progress_name(target, "restoring")
    try:
        _copy(backup, partial, key)
        _close_waiting(partial, key, backup.name)
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(partial, target)
        cipher.fsync_dir(target.parent)
        cipher.forget_page_size(target)  # the backup's, maybe an older file's 4 KiB
        forget_marker(target)  # the restored file is the truth now
        _record(
            target, None
        )  # a verified copy is in place (the damaged file's copy may have failed)
    except BaseException as error:
        # The disk filling up while the copy is written: the operator's words, and
        # the database (not yet replaced) as it was.
        problem = _environment_problem(error, ErrorCode.RESTORE_DISK_FULL)
        if problem is not None:
            raise problem from error
        raise
    finally:
        partial.unlink(missing_ok=True)
    log.info("database %s restored from %s", target, backup)
    return previous


#: ``via_bundle`` of a mutation that was waiting in a restored backup.
RESTORED_MARK = "restored:"


def _close_waiting(path: Path, key: bytes | None, name: str) -> None:
    """Mark the mutations waiting in a restored copy as having left the device.

    After the backup was taken they may have been pushed and applied: an edit made
    after the restore must not be coalesced into one of them (the server answers a
    mutation id it knows from its store and applies nothing new: the edit would be
    acknowledged, never applied), nor a withdrawal drop a create the server already
    holds (``storage.outbox``: only a mutation that never left the device is open to
    coalescing). Marked with ``via_bundle`` = ``restored:<backup file>``, they are
    sent again as they are, which the server answers as repeats or applies once.
    """
    conn = _connect(path, key)
    try:
        columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(outbox)")}
        if {"state", "via_bundle"} <= columns:
            conn.execute(
                "UPDATE outbox SET via_bundle = ? WHERE state IN ('pending', 'sent')"
                " AND via_bundle IS NULL",
                (f"{RESTORED_MARK}{name}",),
            )
            conn.commit()
    finally:
        conn.close()


def _backup_current(target: Path, folder: Path, key: bytes | None) -> BackupInfo:
    try:
        return make_backup(target, folder, None, reason="before-restore", key=key)
    except CorruptDatabase:
        # A damaged file is still kept, byte for byte, before it is replaced.
        private_folder(folder)
        stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        number = next_number(folder)
        copy = folder / f"{PREFIX}{number:06d}-{stamp.strftime(_STAMP)}-damaged.db"
        copy_private(target, copy)
        return BackupInfo(copy, stamp, "damaged", copy.stat().st_size, number)


def _ensure_closed(target: Path, key: bytes | None = None) -> None:
    """Refuse while any other connection has the database open.

    Leaving WAL mode needs the only connection to the file; it also folds the
    WAL into the main file, so the backup made next is complete on its own.
    """
    conn = _connect(target, key, timeout=0.5)
    conn.isolation_level = None
    errors = _errors(key)
    try:
        row = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except errors.OperationalError as error:
        raise DatabaseLocked(detail=str(error)) from error
    except errors.DatabaseError:
        return  # a damaged file: nothing can have it open usefully; it is kept as is
    finally:
        conn.close()
    if row is None or str(row[0]).lower() != "delete":
        raise DatabaseLocked(detail=f"database still open elsewhere (journal mode {row})")


def _connect(
    path: str | Path,
    key: bytes | None,
    *,
    timeout: float = 5.0,
    uri: bool = False,
    page_size: int | None = None,
) -> Any:
    """A plain SQLite connection, or a SQLCipher one keyed with ``key`` (for pages of
    ``page_size`` bytes when given: :func:`storage.cipher.connect`)."""
    return cipher.connect_any(path, key, timeout=timeout, uri=uri, page_size=page_size)


def _errors(key: bytes | None) -> Any:
    """The driver module whose exceptions a connection of :func:`_connect` raises."""
    return sqlite3 if key is None else cipher.dbapi()


def _copy(source: Path, destination: Path, key: bytes | None = None) -> None:
    """A consistent, self-contained (rollback-journal) copy, flushed to disk."""
    destination.unlink(missing_ok=True)
    open_private(destination).close()  # owner-only before a byte is copied into it
    src = _connect(source, key)
    try:
        # SQLCipher copies page for page: the copy takes its source's page size
        # (cipher.connect), an older 4 KiB file's as a new 8 KiB one's.
        size = None if key is None else cipher.page_size(src)
        dst = _connect(destination, key, page_size=size)
    except BaseException:
        src.close()
        raise
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()
    with open(destination, "rb+") as handle:
        os.fsync(handle.fileno())
