"""Encryption at rest of the local database: SQLCipher 4 through ``sqlcipher3``.

Why SQLCipher: it is the audited, widely deployed format for encrypted SQLite
(AES-256 in CBC mode per page with an HMAC-SHA512 per page, a random salt per
file), SQLAlchemy and Alembic work on top of it unchanged, and its file is
encrypted as a whole: the main file, its ``-wal`` and every backup made with the
SQLite backup API. ``sqlcipher3`` (coleifer's maintained binding, a drop-in
``sqlite3`` module) ships its own SQLCipher in its wheel, so no system library
is needed on an office PC or in the PyInstaller bundle.

The key is the folder's random 256-bit data key (see :mod:`keyfile`), given as
a RAW key (``PRAGMA key = "x'<64 hex>'"``): no password-based key derivation
runs per connection, so opening a connection costs no more than with SQLite.
The key is always the first statement of a connection (:func:`connect`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: The data key's length in bytes (AES-256).
KEY_BYTES = 32
#: Page cache per encrypted connection, in KiB (SQLite's negative cache_size). A page
#: read from the file is decrypted and its HMAC checked; a page in this cache is not.
#: 64 MiB holds the supporter indexes of a million-row pair, so the table's second
#: count, the status counts and the scroll read them without decrypting again. It is
#: an upper bound: only pages read take memory. (SQLCipher's default is 8 MB, plain
#: SQLite's 2 MB, where the OS page cache serves re-reads for free.)
CACHE_KIB = 65_536
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Page size, in bytes, of a database this program makes (encrypted here, plain in
#: ``storage.db``). SQLCipher's default is 4096; larger pages cost fewer decryptions,
#: HMACs and b-tree levels per row in bulk work, and more per page a random write
#: touches. Measured on a million supporters (README, Benchmarks), alternated on one
#: server folder: a fresh client's first sync 14.5-14.9 s at 4 KiB, 13.2-13.3 s at
#: 8 KiB, 12.5-12.9 s at 16 KiB; the same records from the feed alone (random index
#: inserts) 58-61 s at 4 KiB, 67 s at 8 KiB and 85 s at 16 KiB with a 64 MiB cache,
#: 58 s at 8 KiB and 70 s at 16 KiB with the feed's cache at 256 MiB
#: (``sync.client.apply.APPLY_CACHE_KIB``). 8 KiB gains the bulk paths and, with that
#: cache, loses nothing on the feed.
PAGE_SIZE = 8_192
#: The page size of every encrypted file made before :data:`PAGE_SIZE` (SQLCipher 4's
#: default). Such a file keeps it: a file's page size cannot change in place.
LEGACY_PAGE_SIZE = 4_096
#: SQLite's "file is not a database": what a key, or a page size, that does not fit
#: the file gives at the first read.
_NOT_A_DATABASE = 26
#: The page size that last opened each file, tried first at its next connection.
_PAGE_SIZES: dict[str, int] = {}
_PAGE_SIZES_LOCK = threading.Lock()
_QUIET_LOCK = threading.Lock()
#: SQLite VM instructions between two calls of the conversion's progress handler
_PROGRESS_STEPS = 50_000
#: Share of a file's conversion given to the copy (the rest: the check of the copy,
#: whose integrity check compares every index entry with its row: 2.5 times as long as
#: the copy on 200,000 supporters, 5.5 times on a million)
_COPY_SHARE = 0.2
#: The check's expected time against the copy's (its progress is estimated by the clock:
#: SQLite's integrity check runs as one step, without calling a progress handler). With
#: :data:`CHECK_CACHE_KIB`, a million supporters: copy 1.8 s, check 9.9 s.
_CHECK_PER_COPY = 4.0
#: The page cache of SQLite's checks of a whole file (KiB: :func:`use_check_cache`).
#: ``integrity_check`` looks up every index entry's row, all over the table: on a
#: million encrypted supporters it took 44.5-44.8 s with the connections' 64 MiB and
#: 9.6-10.0 s with 256 MiB (the conversion's check 45 s against 9.9 s; the whole
#: conversion 36 s with 4 KiB pages). An upper bound, held only while a check runs.
CHECK_CACHE_KIB = 256 * 1024
#: Seconds between two progress reports of a conversion
REPORT_EVERY_S = 0.2


class ConversionCancelled(Exception):
    """The operator stopped the conversion (the plain database is left as it was)."""

    message = "Enkripsi dibatalkan; data tetap seperti semula."


def dbapi() -> Any:
    """The ``sqlcipher3.dbapi2`` module (a drop-in ``sqlite3``)."""
    from sqlcipher3 import dbapi2

    return dbapi2


def is_connection(conn: object) -> bool:
    """Whether ``conn`` is a raw SQLite connection (plain ``sqlite3`` or SQLCipher)."""
    if isinstance(conn, sqlite3.Connection):
        return True
    # Only a loaded sqlcipher3 made SQLCipher connections: a plain database's process
    # (the table on a key-less folder, the headless commands) does not load it here.
    loaded = sys.modules.get("sqlcipher3.dbapi2")
    return loaded is not None and isinstance(conn, loaded.Connection)


def apply_key(conn: Any, key: bytes, page_size: int = PAGE_SIZE) -> None:
    """Key a fresh SQLCipher connection (the first statements it runs), for a file of
    pages of ``page_size`` bytes (SQLCipher cannot read it from the encrypted file).

    Raises:
        ValueError: not a 256-bit key.
    """
    if len(key) != KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    # A raw key as hex: no PBKDF2 per connection. The hex digits are ours (no injection).
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {int(page_size)}")
    # Set with the key, before the first read. cipher_memory_security stays OFF
    # (SQLCipher 4.5+'s default: wiping every freed buffer costs on every query).
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    # SQLCipher encrypts the database and its journals, not SQLite's other temporary
    # files (the sorter of an index build, a large ORDER BY): they stay in memory, set
    # here rather than trusted to the binding's build option (SQLITE_TEMP_STORE=2).
    conn.execute("PRAGMA temp_store = MEMORY")


def connect(
    path: str | Path,
    key: bytes,
    *,
    timeout: float = 10.0,
    uri: bool = False,
    page_size: int | None = None,
) -> Any:
    """A SQLCipher connection on ``path`` keyed with ``key`` (usable from any thread).

    The file's page size: ``page_size`` when given (a copy made by the backup API must
    take its source's: SQLCipher 4.19 crashed the process copying 4 KiB pages into a
    file of larger pages, or left a copy no page size opens); :data:`PAGE_SIZE` for a
    file still without content; else the one found by reading the schema,
    :data:`PAGE_SIZE` or :data:`LEGACY_PAGE_SIZE` (the one that last opened the file
    first: :func:`forget_page_size` when the file is replaced). Both failing is the
    first one's error, as a wrong key or a damaged file gave before.
    """
    name = str(path)
    if page_size is not None:
        return _keyed(name, key, page_size, timeout=timeout, uri=uri)
    file = _file_of(name, uri)
    if not _has_content(file):
        return _keyed(name, key, PAGE_SIZE, timeout=timeout, uri=uri)
    with _PAGE_SIZES_LOCK:
        known = _PAGE_SIZES.get(str(file))
    first = known or PAGE_SIZE
    sizes = (first, LEGACY_PAGE_SIZE if first == PAGE_SIZE else PAGE_SIZE)
    failed: BaseException | None = None
    for size in sizes:
        try:
            with _quiet(known is None and failed is None):
                # the key's pragmas read the schema (cache_size needs it): the first read
                conn = _keyed(name, key, size, timeout=timeout, uri=uri)
        except dbapi().DatabaseError as error:
            if getattr(error, "sqlite_errorcode", None) != _NOT_A_DATABASE:
                raise
            failed = failed or error
            continue
        with _PAGE_SIZES_LOCK:
            _PAGE_SIZES[str(file)] = size
        return conn
    assert failed is not None
    raise failed


def forget_page_size(path: Path) -> None:
    """The file at ``path`` was replaced (a restore): its page size is found again at
    its next connection, with the first try as quiet as for a file never opened."""
    with _PAGE_SIZES_LOCK:
        _PAGE_SIZES.pop(str(path), None)


def use_check_cache(conn: Any) -> None:
    """Give a connection that is about to run ``integrity_check`` on a whole file (a
    backup's verification, the check before an official export, the conversion's,
    the self-check) the page cache :data:`CHECK_CACHE_KIB`; plain SQLite or SQLCipher
    alike. Not the start's ``quick_check``: it reads each page once (1.6-2.1 s on a
    million encrypted supporters either way), beside the window's own memory."""
    conn.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")


def page_size(conn: Any) -> int:
    """The page size a SQLCipher connection was keyed for (:func:`connect`)."""
    return int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])


def _keyed(name: str, key: bytes, size: int, *, timeout: float, uri: bool) -> Any:
    conn = dbapi().connect(name, timeout=timeout, uri=uri, check_same_thread=False)
    try:
        apply_key(conn, key, size)
    except BaseException:
        conn.close()
        raise
    return conn


def _file_of(name: str, uri: bool) -> Path:
    """The file a connection's name opens (a ``file:`` URI's path without its query)."""
    if uri and name.startswith("file:"):
        return Path(name[len("file:") :].split("?", 1)[0])
    return Path(name)


def _has_content(file: Path) -> bool:
    """Whether the database at ``file`` holds pages: in the file or, not yet
    checkpointed, in its WAL (a WAL file's first transaction leaves the main file
    empty until the checkpoint)."""
    for candidate in (file, file.with_name(file.name + "-wal")):
        with contextlib.suppress(OSError):
            if candidate.stat().st_size > 0:
                return True
    return False


@contextlib.contextmanager
def _quiet(guess: bool) -> Iterator[None]:
    """SQLCipher's own log lines silenced while a ``guess`` at a file's page size is
    tried (its first connection in this process): a file of the other size fails its
    HMAC there, which SQLCipher prints on stderr ("hmac check failed"), alarming on an
    office PC's console for a file that is fine; the second try, which decides, keeps
    them. The level is the process's (SQLCipher has no other), so guesses take turns:
    another thread's SQLCipher lines in this instant go too, its errors still reach
    the program as exceptions."""
    if not guess:
        yield
        return
    with _QUIET_LOCK:
        level_of = dbapi().connect(":memory:")
        try:
            # None: a SQLCipher older than 4.6 has no log levels (its lines stay)
            level = level_of.execute("PRAGMA cipher_log_level").fetchone()
            if level is not None:
                level_of.execute("PRAGMA cipher_log_level = NONE")
            try:
                yield
            finally:
                if level is not None:
                    level_of.execute(f"PRAGMA cipher_log_level = {level[0]}")
        finally:
            level_of.close()


def connect_any(
    path: str | Path,
    key: bytes | None,
    *,
    timeout: float = 10.0,
    uri: bool = False,
    page_size: int | None = None,
) -> Any:
    """A raw connection outside any engine: plain SQLite when ``key`` is None, else
    SQLCipher keyed with ``key`` (:func:`connect`, which takes ``page_size``)."""
    if key is None:
        return sqlite3.connect(path, timeout=timeout, uri=uri)
    return connect(path, key, timeout=timeout, uri=uri, page_size=page_size)


def is_plain(path: Path) -> bool:
    """Whether ``path`` is an unencrypted SQLite file (its header is readable)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def opens_with(path: Path, key: bytes) -> bool:
    """Whether ``key`` opens the encrypted file ``path`` (its schema can be read)."""
    try:
        conn = connect(f"file:{path}?mode=ro", key, timeout=1.0, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except dbapi().DatabaseError:
        return False
    return True


def encrypt_plain(
    path: Path,
    key: bytes,
    *,
    wal: bool = True,
    progress: Callable[[float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> None:
    """Convert the plain SQLite database ``path`` into a SQLCipher file with ``key``.

    ``sqlcipher_export`` copies the plain file into an encrypted one beside it
    (``<name>.encrypting``), which is checked (integrity check and the same
    tables with the same row counts), flushed to disk and renamed over the
    plain file; the plain ``-wal``/``-shm`` are removed (the WAL was folded into
    the main file first). The caller makes a backup before. On any failure the
    plain file is left as it was and the partial encrypted file is removed.

    ``progress`` is called now and then (at most five times a second; during the
    check from a helper thread) with the share done, 0.0 to 1.0: the encrypted
    file's size against the plain file's while copying, then the check's time
    against its expected time. ``cancel`` is asked as often; when it says yes the
    copy or the check stops, the partial file is removed and
    :class:`ConversionCancelled` is raised (the plain file untouched).

    Raises:
        ConversionCancelled: ``cancel`` said yes (nothing changed).
        sqlite3.DatabaseError / OSError: the conversion failed (nothing changed).
    """
    target = path.with_name(path.name + ".encrypting")
    target.unlink(missing_ok=True)
    plain = dbapi().connect(str(path), timeout=10.0, isolation_level=None)
    try:
        # Fold the WAL into the main file; a plain copy of the data must not stay in it.
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = _row_counts(plain)
        pages, page_size = (
            int(plain.execute(f"PRAGMA {name}").fetchone()[0])
            for name in ("page_count", "page_size")
        )
        watch = _Watch(target, pages * page_size, progress, cancel)
        plain.set_progress_handler(watch.tick, _PROGRESS_STEPS)
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        plain.execute(f"PRAGMA encrypted.cipher_page_size = {PAGE_SIZE}")
        # Set while the new file has no table: retention gives freed pages back.
        plain.execute("PRAGMA encrypted.auto_vacuum = INCREMENTAL")
        try:
            plain.execute("SELECT sqlcipher_export('encrypted')")
        except dbapi().OperationalError as error:
            if watch.cancelled:
                raise ConversionCancelled() from error
            raise
        plain.set_progress_handler(None, 0)
        watch.report(_COPY_SHARE)
        version = plain.execute("PRAGMA main.user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    except BaseException:
        plain.close()
        target.unlink(missing_ok=True)
        raise
    plain.close()
    try:
        _owner_only(target)
        if watch.asked():
            raise ConversionCancelled()
        check = connect(target, key)
        try:
            use_check_cache(check)
            with watch.checking(check):
                ok = check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                same = ok and _row_counts(check) == counts
            if not same:
                raise dbapi().DatabaseError("the encrypted copy differs from the plain database")
            if wal:  # the live database; a backup stays a self-contained file
                check.execute("PRAGMA journal_mode = WAL")
        except dbapi().OperationalError as error:
            if watch.cancelled:  # interrupted by the operator's cancel
                raise ConversionCancelled() from error
            raise
        finally:
            check.close()
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
        if watch.asked():  # the last moment the plain file can still stay
            raise ConversionCancelled()
        for suffix in ("-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(target, path)
        fsync_dir(path.parent)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    watch.report(1.0)
    log.info("local database converted to an encrypted file: %s", path)


#: The name ending of a damaged plain file kept whole in an encrypted database
#: (:func:`seal_whole`); a backup's listing does not take it for a backup.
SEALED = ".sealed"
#: Bytes of the damaged file per row of ``sealed_file`` (below SQLite's 1 GB value limit)
_SEAL_PART = 16 * 1024 * 1024


def seal_whole(path: Path, key: bytes) -> Path:
    """Keep the plain file ``path``, which SQLite cannot read whole (a damaged backup:
    :func:`encrypt_plain` cannot copy it), byte for byte in a SQLCipher database keyed
    with ``key`` beside it (``<name>.sealed``, table ``sealed_file``: ``part``,
    ``content``), then remove the plain file. The sealed file is written under another
    name, read back through a new connection and compared (SHA-256) with the plain
    bytes, flushed and renamed into place before the plain file goes: stopped or
    killed before, the plain file is as it was and a later call starts again.

    Returns:
        the sealed file.

    Raises:
        sqlite3.DatabaseError / OSError: nothing sealed (the plain file as it was).
    """
    import hashlib

    target = path.with_name(path.name + SEALED)
    partial = path.with_name(path.name + ".sealing")
    partial.unlink(missing_ok=True)
    digest = hashlib.sha256()
    try:
        conn = connect(partial, key)
        try:
            conn.execute("CREATE TABLE sealed_file (part INTEGER PRIMARY KEY, content BLOB)")
            with open(path, "rb") as source:
                for part, chunk in enumerate(iter(lambda: source.read(_SEAL_PART), b"")):
                    digest.update(chunk)
                    conn.execute("INSERT INTO sealed_file VALUES (?, ?)", (part, chunk))
            conn.commit()
        finally:
            conn.close()
        _owner_only(partial)
        if _sealed_digest(partial, key) != digest.hexdigest():
            raise dbapi().DatabaseError(f"the sealed copy of {path.name} differs")
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
        fsync_dir(path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    path.unlink()
    fsync_dir(path.parent)
    log.warning("damaged plain file %s kept whole, encrypted, as %s", path.name, target.name)
    return target


def _sealed_digest(path: Path, key: bytes) -> str:
    """SHA-256 of the bytes a sealed file holds, read through a connection of its own."""
    import hashlib

    digest = hashlib.sha256()
    conn = connect(path, key)
    try:
        for (chunk,) in conn.execute("SELECT content FROM sealed_file ORDER BY part"):
            digest.update(chunk)
    finally:
        conn.close()
    return digest.hexdigest()


@contextlib.contextmanager
def by_the_clock(
    progress: Callable[[float], None],
    expected_s: float,
    *,
    cancel: Callable[[], bool] | None = None,
    interrupt: Callable[[], None] | None = None,
) -> Iterator[None]:
    """While a step that reports nothing runs (one long SQLite statement): a helper
    thread reports the share of ``expected_s`` gone by (at most 0.98) and calls
    ``interrupt`` once ``cancel`` says yes."""
    stop = threading.Event()

    def run() -> None:
        begun = time.monotonic()
        while not stop.wait(max(REPORT_EVERY_S, 0.02)):
            if cancel is not None and cancel():
                if interrupt is not None:
                    interrupt()
                return
            progress(min((time.monotonic() - begun) / max(expected_s, 0.01), 0.98))

    ticker = threading.Thread(target=run, name="conversion-clock", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()


class _Watch:
    """The conversion's progress handler: the share copied (the encrypted file's
    size against the plain one's), and the operator's cancel."""

    def __init__(
        self,
        target: Path,
        expected: int,
        progress: Callable[[float], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> None:
        self.target = target
        self.expected = max(expected, 1)
        self.progress = progress
        self.cancel = cancel
        self.cancelled = False
        self.last = 0.0
        self.started = time.monotonic()

    def asked(self) -> bool:
        self.cancelled = self.cancelled or bool(self.cancel is not None and self.cancel())
        return self.cancelled

    def report(self, share: float) -> None:
        if self.progress is not None:
            self.progress(share)

    def checking(self, conn: Any) -> contextlib.AbstractContextManager[None]:
        """While the copy is checked: its share reported by the clock, ``conn``
        interrupted when cancelled."""
        expected = max(time.monotonic() - self.started, 0.01) * _CHECK_PER_COPY
        return by_the_clock(
            lambda share: self.report(_COPY_SHARE + (1 - _COPY_SHARE) * share),
            expected,
            cancel=self.asked,
            interrupt=conn.interrupt,
        )

    def tick(self) -> int:
        """SQLite's progress handler: non-zero interrupts the statement."""
        if self.asked():
            return 1
        now = time.monotonic()
        if self.progress is not None and now - self.last >= REPORT_EVERY_S:
            self.last = now
            try:
                size = self.target.stat().st_size
            except OSError:
                size = 0
            # indexes are built row by row, so the copy can outgrow the original a little
            self.progress(_COPY_SHARE * min(size / self.expected, 0.99))
        return 0


def _row_counts(conn: Any) -> dict[str, int]:
    tables = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    # Table names come from the file's own schema, quoted as identifiers.
    return {
        name: int(conn.execute(f'SELECT count(*) FROM main."{name}"').fetchone()[0])  # noqa: S608
        for name in tables
    }


def _owner_only(path: Path) -> None:
    if os.name == "posix":
        os.chmod(path, 0o600)


def fsync_dir(folder: Path) -> None:
    """Make ``folder``'s entries durable (after an ``os.replace`` into it); also used by
    the backups."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
