"""Is the local database whole? Damage and lost changes are told, never hidden.

Two questions, both answered without the program's engine (a plain read-only
SQLite connection), so they can run on any thread:

- :func:`check`: SQLite's own check of the file. ``quick`` (``PRAGMA
  quick_check``: pages, records, free list; fast) runs at start; ``full``
  (``PRAGMA integrity_check``: also that every index matches its table) runs
  before every official export or report (:func:`require_intact`), which then
  refuses rather than write partial counts.
- :func:`lost_changes`: were committed changes lost, e.g. the ``-wal`` file
  deleted after a crash? Every commit on an engine watched by
  :func:`watch_commits` writes a small marker beside the database
  (``<database>.commits.json``: the highest outbox and journal sequence numbers
  as committed). The marker lives outside the WAL, so when the WAL is lost the
  database holds less than its marker says, and the start says so.

A restore (:func:`silon_desktop.storage.backup.restore`) removes the marker: the
restored file is then the truth.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event

from silon_desktop.storage.errors import CorruptDatabase

log = logging.getLogger(__name__)

#: How many problem lines SQLite is asked for at most.
MAX_PROBLEMS = 20
#: The counters kept in the marker, read by :data:`_COUNTERS_SQL` in this order.
_COUNTERS = ("outbox", "journal")
#: One statement for both (it runs in every write transaction, before its commit).
_COUNTERS_SQL = "SELECT (SELECT max(seq) FROM outbox), (SELECT max(seq) FROM record_history)"
_STASH = "silon_commit_counters"
_marker_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Health:
    """The verdict of one check.

    Attributes:
        full: True for ``integrity_check``, False for ``quick_check``.
        problems: SQLite's lines naming what is damaged (empty: whole).
    """

    full: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(path: Path, *, full: bool = False, key: bytes | None = None) -> Health:
    """SQLite's check of the database file at ``path`` (WAL content included).

    ``key``: the data key of an encrypted (SQLCipher) file. A file so damaged
    that SQLite cannot even read its header counts as damaged (the error is the
    problem line). A missing file raises ``FileNotFoundError``.
    """
    if not path.exists():
        raise FileNotFoundError(path)
    pragma = "integrity_check" if full else "quick_check"
    errors = _errors(key)
    try:
        conn = _connect(path, key)
        try:
            if full:  # quick_check reads each page once: the start's memory stays small
                from silon_desktop.storage import cipher

                cipher.use_check_cache(conn)
            rows = conn.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
        finally:
            conn.close()
    except errors.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise
        return Health(full, [str(error)])
    except errors.DatabaseError as error:
        return Health(full, [str(error)])
    problems = [str(row[0]) for row in rows if row and row[0] != "ok"]
    if problems:
        log.error("database %s failed %s: %d problem(s)", path.name, pragma, len(problems))
    return Health(full, problems)


def _connect(path: Path, key: bytes | None) -> Any:
    """A read-only connection, plain or SQLCipher keyed with ``key``."""
    from silon_desktop.storage import cipher

    return cipher.connect_any(f"file:{path}?mode=ro", key, uri=True, timeout=10)


def _errors(key: bytes | None) -> Any:
    """The DB-API module whose exceptions the connection raises."""
    if key is None:
        return sqlite3
    from silon_desktop.storage import cipher

    return cipher.dbapi()


def require_intact(path: Path, key: bytes | None = None) -> None:
    """The full check before an official export or report (``key``: see :func:`check`).

    Raises:
        CorruptDatabase: the file is damaged; nothing may be counted from it.
    """
    health = check(path, full=True, key=key)
    if not health.ok:
        raise CorruptDatabase(detail="; ".join(health.problems[:3]))


# --------------------------------------------------------------- lost changes
@dataclass(frozen=True, slots=True)
class LostChanges:
    """Committed changes the database no longer holds.

    Attributes:
        expected: counter -> the value the marker recorded at the last commit.
        found: counter -> the value in the database now.
    """

    expected: dict[str, int]
    found: dict[str, int]

    @property
    def missing(self) -> int:
        """At least how many outbox or journal rows are gone (a lower bound)."""
        return max(self.expected[k] - self.found.get(k, 0) for k in self.expected)


def marker_path(database: Path) -> Path:
    """The commit marker beside ``database``."""
    return database.with_name(database.name + ".commits.json")


def watch_commits(engine: Engine, database: Path) -> None:
    """Keep the commit marker of ``database`` up to date for every commit on ``engine``.

    The counters are read inside each write transaction just before it commits
    (they are exactly what is committed) and written to the marker when the
    connection goes back to the pool; a rolled-back transaction writes nothing.
    """
    marker = marker_path(database)
    last: dict[str, Any] = {}

    def on_commit(conn: Connection) -> None:
        counters = _read_counters(conn.connection.driver_connection)
        if counters is not None:
            conn.connection.info[_STASH] = counters

    def on_rollback(conn: Connection) -> None:
        conn.connection.info.pop(_STASH, None)

    def on_checkin(_dbapi: Any, record: Any) -> None:
        counters = record.info.pop(_STASH, None)
        if counters is None:
            return
        with _marker_lock:
            if last.get("counters") == counters:
                return
            try:
                _write_marker(marker, counters)
            except OSError as error:
                log.warning("commit marker not written: %s", error)
                return
            last["counters"] = counters

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    event.listen(engine, "checkin", on_checkin)


def forget_marker(database: Path) -> None:
    """Remove the commit marker (after a restore: the restored file is the truth)."""
    marker_path(database).unlink(missing_ok=True)


def lost_changes(database: Path, key: bytes | None = None) -> LostChanges | None:
    """Changes committed here that the database no longer holds, or None.

    Call before the program commits anything (each commit rewrites the marker).
    No marker (a first start, a restore) or an unreadable one: None. ``key``:
    the data key of an encrypted file.
    """
    try:
        expected = json.loads(marker_path(database).read_text(encoding="utf-8"))["counters"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(expected, dict) or not database.exists():
        return None
    try:
        conn = _connect(database, key)
        try:
            found = _read_counters(conn)
        finally:
            conn.close()
    except _errors(key).DatabaseError as error:
        log.warning("commit counters unreadable: %s", error)
        return None
    if found is None:
        return None
    wanted = {str(k): int(v) for k, v in expected.items() if isinstance(v, int)}
    if any(found.get(k, 0) < v for k, v in wanted.items()):
        log.error("committed changes lost: marker %s, database %s", wanted, found)
        return LostChanges(wanted, found)
    return None


def _read_counters(conn: Any) -> dict[str, int] | None:
    try:
        row = conn.execute(_COUNTERS_SQL).fetchone()
    except Exception:  # noqa: BLE001 (sqlite3's or SQLCipher's: an older schema, no tables yet)
        return None
    return {name: int(value or 0) for name, value in zip(_COUNTERS, row, strict=True)}


#: The marker's fixed size: rewritten in place at every commit, one write within one
#: disk sector (no rename, which cost ~80 us per commit on ext4: a quarter of an edit).
_MARKER_BYTES = 256


def _write_marker(marker: Path, counters: dict[str, int]) -> None:
    """Rewrite the marker in place, owner-only, padded to :data:`_MARKER_BYTES`.

    One ``pwrite`` of a fixed size into the same file: a reader sees the old or the
    new counters (JSON allows the trailing spaces); a longer file from an older
    version is cut to size. Durability is as before: the page cache, no fsync.
    """
    data = json.dumps({"counters": counters}).encode("utf-8")
    if len(data) > _MARKER_BYTES:  # never with two counters; keep the replace path
        write_private(marker, data.decode("utf-8"))
        return
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    try:
        padded = data.ljust(_MARKER_BYTES)
        if hasattr(os, "pwrite"):
            os.pwrite(fd, padded, 0)
        else:
            _seek_write(fd, padded)
        if os.fstat(fd).st_size != _MARKER_BYTES:
            os.ftruncate(fd, _MARKER_BYTES)
    finally:
        os.close(fd)


def _seek_write(fd: int, data: bytes) -> None:
    """Windows has no ``os.pwrite``: seek to the start and write."""
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)


def write_private(target: Path, content: str) -> None:
    """Replace ``target`` by ``content`` (UTF-8) atomically, readable by its owner only."""
    partial = target.with_name(target.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, content.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(partial, target)
