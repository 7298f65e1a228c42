"""An idle SQLite server folds its write-ahead log into the database.

While pushes come in, the WAL grows to the checkpoint size (64 MB, see
:func:`sync.server.db.make_engine`) before its pages are copied back, and the file
keeps that size: after a burst of pushes a running server held up to 64 MB beside
its database however few records it had (a 200,000-supporter server: 333 bytes
per record). Once nothing has been written for :data:`IDLE_S` seconds, a
background thread folds the WAL in and truncates it, as a clean stop does
(:func:`sync.server.db.fold_wal`). It never waits for a writer or a reader: a
busy database is left for the next round.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: Seconds without a write (the WAL's modification time) before the WAL is folded in.
IDLE_S = 30.0


def fold_if_idle(database: Path, idle_s: float = IDLE_S, now: float | None = None) -> bool:
    """Fold ``database``'s WAL in and truncate it when it holds pages and was not
    written for ``idle_s`` seconds. True when folded; never raises."""
    try:
        wal = database.with_name(database.name + "-wal").stat()
    except FileNotFoundError:
        return False
    if wal.st_size == 0 or (time.time() if now is None else now) - wal.st_mtime < idle_s:
        return False
    try:
        con = sqlite3.connect(database, timeout=0)
        try:
            con.execute("PRAGMA busy_timeout=0")
            busy, _frames, _done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            con.close()
    except sqlite3.Error as error:  # locked by a writer: the next round tries again
        log.debug("write-ahead log not folded in: %s", error)
        return False
    return int(busy) == 0


class IdleFolder:
    """The background thread of one server process (SQLite only: a PostgreSQL
    engine gets none). :meth:`stop` ends it."""

    def __init__(self, engine: Engine, idle_s: float = IDLE_S) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        database = engine.url.database
        if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
            self._thread = threading.Thread(
                target=self._run,
                args=(Path(database), idle_s),
                name="silon-wal-fold",
                daemon=True,
            )
            self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self, database: Path, idle_s: float) -> None:
        while not self._stop.wait(idle_s / 3):
            fold_if_idle(database, idle_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
