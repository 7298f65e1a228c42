"""Large commits hand the WAL's checkpoint to a background thread.

In WAL mode every committed page is written twice: to the ``-wal`` file at the
commit, and later into the database file by a checkpoint. SQLite runs that
checkpoint itself, inside the commit that makes the log longer than
``wal_autocheckpoint`` pages (1,000), on the committing connection: after an
import of 1.2 million supporters its commit copied about 1 GB of pages back and
took 4.0 s, of which writing and syncing the commit itself was under 1 s; a
million-record first sync's commit took 2.0 s against 0.5 s without the copy.

A bulk write (:meth:`silon_desktop.storage.db.Database.bulk_transaction`: an
import, a snapshot installed, a feed page applied) turns that off for its own
commit and then asks this module's :class:`Checkpointer` to copy the pages in a
thread of its own, which runs while the caller goes on (SQLite releases the
GIL while it copies, so it uses the second core):

- ``PASSIVE`` first: it copies what it can and never waits for, nor blocks, a
  reader or a writer (the operator keeps working meanwhile);
- then, when every frame was copied, ``TRUNCATE`` without waiting (busy
  timeout 0): the log file shrinks to nothing instead of keeping a gigabyte
  beside the database until the program closes.

Durability is unchanged: a commit is on disk (``synchronous=FULL``) when it
returns, whether its pages were copied yet or not, and a kill or power cut
during a checkpoint loses nothing (SQLite copies again at the next open).
Readers see the same data either way. Other commits keep SQLite's own automatic
checkpoint. A failed checkpoint (a full disk) is logged and tried again at the
next bulk commit or when the last connection closes.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: SQLite's own ``wal_autocheckpoint`` (pages), restored after a bulk commit.
AUTOCHECKPOINT_PAGES = 1000
#: A log smaller than this (bytes: SQLite's 1,000 pages of 4 KiB) is left to
#: SQLite's own checkpoint at the next ordinary commit.
MIN_WAL_BYTES = AUTOCHECKPOINT_PAGES * 4096


class Checkpointer:
    """Checkpoints one database's WAL in a background thread (see the module
    docstring). The thread exists only while there is work."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self._engine = engine
        self._wal = path.with_name(path.name + "-wal")
        self._lock = threading.Lock()
        self._wanted = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        #: checkpoints run (a test and the benchmark read it)
        self.runs = 0

    def soon(self) -> None:
        """Checkpoint the WAL in the background when it is large (after a bulk commit)."""
        if self.wal_bytes() < MIN_WAL_BYTES:
            return
        with self._lock:
            if self._stopped:
                return
            self._wanted = True
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="silon-checkpoint", daemon=True
                )
                self._thread.start()

    def wal_bytes(self) -> int:
        """The ``-wal`` file's size now (0 when there is none)."""
        try:
            return self._wal.stat().st_size
        except OSError:
            return 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no checkpoint is wanted or running; False on ``timeout``."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """Start no more checkpoints; wait for one under way (closing the database)."""
        with self._lock:
            self._stopped = True
            self._wanted = False
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted or self._stopped:
                    self._thread = None
                    self._idle.set()
                    return
                self._wanted = False
            self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            raw = self._engine.raw_connection()
        except Exception as error:  # noqa: BLE001 (a background helper never raises)
            log.warning("WAL checkpoint skipped: %s", type(error).__name__)
            return
        try:
            cursor = raw.cursor()
            try:
                busy, frames, copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                self.runs += 1
                if not busy and frames == copied:
                    # Everything is in the database file: shrink the log if nobody
                    # uses it right now, without waiting for anyone.
                    timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
                    cursor.execute("PRAGMA busy_timeout = 0")
                    try:
                        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    finally:
                        cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")
            finally:
                cursor.close()
        except Exception as error:  # noqa: BLE001 (a full disk: tried again later)
            log.warning("WAL checkpoint failed: %s", type(error).__name__)
        finally:
            raw.close()
