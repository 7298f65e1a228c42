"""Large commits hand the WAL's checkpoint to a background thread.

In WAL mode every committed page is written twice: to the ``-wal`` file at the
commit, and later into the database file by a checkpoint. SQLite runs that
checkpoint itself, inside the commit that makes the log longer than
``wal_autocheckpoint`` pages (1,000), on the committing connection: after an
import of 1.2 million supporters its commit copied about 1 GB of pages back and
took 4.0 s, of which writing and syncing the commit itself was under 1 s; a
million-record first sync's commit took 2.0 s against 0.5 s without the copy.

One large commit (:meth:`silon_desktop.storage.db.Database.bulk_connection`: an
import, a snapshot installed) turns that off for itself and then asks this
module's :class:`Checkpointer` to copy the pages in a thread of its own, which runs
while the caller goes on (SQLite releases the GIL while it copies, so it uses the
second core):

- ``PASSIVE``: it copies what it can and never waits for, nor blocks, a reader or
  a writer (the operator keeps working meanwhile);
- once no bulk commit came for :data:`QUIET_S` and every frame was copied,
  ``TRUNCATE`` without waiting (busy timeout 0): the log file shrinks to nothing
  instead of keeping a gigabyte beside the database until the program closes (not
  sooner: a log truncated under a writer still busy makes it read its pages anew).

Not for commits that follow each other, such as feed pages (``sync.client.apply``):
the copy never caught up with the next page, the log was never started again and
grew, and every page read searched it (a million-record feed sync: 78 -> 95 s).

The thread has a connection of its own with a small page cache (a checkpoint copies
frames without it), opened when the thread starts and closed when it ends: taken
from the engine's pool, it took the writer's connection with its large cache and
left the writer a cold one (a million-record feed sync peaked at 277 MB against 195).

Durability is unchanged: a commit is on disk (``synchronous=FULL``) when it
returns, whether its pages were copied yet or not, and a kill or power cut
during a checkpoint loses nothing (SQLite copies again at the next open).
Readers see the same data either way. Other commits keep SQLite's own automatic
checkpoint, which skips (never waits) while this thread copies. A failed
checkpoint (a full disk) is logged and tried again at the next bulk commit, at
the next ordinary commit, or when the last connection closes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: SQLite's own ``wal_autocheckpoint`` (pages), restored after a bulk commit.
AUTOCHECKPOINT_PAGES = 1000
#: A log smaller than this (bytes: SQLite's 1,000 pages of an older file's 4 KiB; a new
#: file's 8 KiB pages reach SQLite's own at 8 MB) is left to SQLite's own checkpoint at
#: the next ordinary commit.
MIN_WAL_BYTES = AUTOCHECKPOINT_PAGES * 4096
#: Seconds without a bulk commit before the log is truncated.
QUIET_S = 1.0
#: The checkpoint connection's page cache (KiB).
CACHE_KIB = 256


class Checkpointer:
    """Checkpoints one database's WAL in a background thread (see the module
    docstring). The thread exists only while there is work.

    Args:
        connect: opens a new DB-API connection to the database (keyed, for an
            encrypted one); the thread's own.
    """

    def __init__(self, connect: Callable[[], Any], path: Path) -> None:
        self._connect = connect
        self._wal = path.with_name(path.name + "-wal")
        self._lock = threading.Lock()
        self._wanted = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._kick = threading.Event()  # a new request, or stop: ends the quiet wait
        self._idle = threading.Event()
        self._idle.set()
        #: checkpoints run (a test and the benchmark read it)
        self.runs = 0
        #: seconds without a bulk commit before the log is truncated
        self.quiet_s = QUIET_S

    def soon(self) -> None:
        """Checkpoint the WAL in the background when it is large (after a bulk commit)."""
        if self.wal_bytes() < MIN_WAL_BYTES:
            return
        with self._lock:
            if self._stopped:
                return
            self._wanted = True
            self._kick.set()
            self._idle.clear()
            if self._thread is None:
                self._start()

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
            self._kick.set()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        conn: Any = None
        try:
            conn = self._connect()
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        except Exception as error:  # noqa: BLE001 (a background helper never raises)
            log.warning("WAL checkpoint skipped: %s", type(error).__name__)
            with self._lock:
                self._wanted = False  # the next bulk commit tries again
            self._finish(conn)
            return
        copied_all = False
        while True:
            with self._lock:
                if self._stopped:
                    break
                wanted, self._wanted = self._wanted, False
                self._kick.clear()
            if wanted:
                copied_all = self._passive(conn)
                self._kick.wait(self.quiet_s)  # woken early by the next bulk commit
                continue
            if copied_all:
                # Quiet since the last copy: nobody's cache to disturb now. (Outside
                # the lock: a bulk commit asking meanwhile is not held up, and the
                # thread starts again for it in _finish.)
                self._truncate(conn)
            break
        self._finish(conn)

    def _finish(self, conn: Any) -> None:
        if conn is not None:
            conn.close()
        with self._lock:
            self._thread = None
            if self._wanted and not self._stopped:  # asked for while closing: again
                self._start()
            else:
                self._idle.set()

    def _start(self) -> None:
        """Start the thread (the lock held)."""
        self._thread = threading.Thread(target=self._run, name="silon-checkpoint", daemon=True)
        self._thread.start()

    def _passive(self, conn: Any) -> bool:
        """Copy what can be copied now; True when every frame of the log was."""
        try:
            busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except Exception as error:  # noqa: BLE001 (a full disk: tried again later)
            log.warning("WAL checkpoint failed: %s", type(error).__name__)
            return False
        self.runs += 1
        return not busy and frames == copied

    def _truncate(self, conn: Any) -> None:
        """Empty the log when nobody uses it right now, without waiting for anyone."""
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except Exception as error:  # noqa: BLE001 (in use: the log keeps its size, no harm)
            log.debug("WAL not truncated: %s", type(error).__name__)
