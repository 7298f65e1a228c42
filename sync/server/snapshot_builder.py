"""Snapshots prepared before they are asked for (format: :mod:`sync.snapshot`).

After a push's commit, :func:`pushed` (one call in :func:`sync.server.push.apply_batch`)
names the pusher's read scope to its process's :class:`SnapshotBuilder`. A worker
thread, with its own database connections and never inside the push's
transaction, waits until pushes paused for :data:`QUIET_S` (at most
:data:`MAX_WAIT_S` after the first it was told of), then brings up to date the
snapshot of every scope it was told of and of every scope the process keeps
(:meth:`sync.server.snapshots.SnapshotCache.refresh`: only the parts whose records
changed are rebuilt). A fresh client's first request is then served stored parts.

The thread exists only while there is work: it ends when nothing is pending and
starts again at the next push. A failure is logged and the next push tries again;
requests still build what they need themselves.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref

from sqlalchemy import Engine

from sync.server.roles import Actor
from sync.server.snapshots import SnapshotCache, cache_key
from sync.server.state import ServerState
from sync.snapshot import CLIENT_LAYOUT

log = logging.getLogger(__name__)

#: Seconds without a push before the builder starts: a sync's pushes come back to
#: back, so it builds after the sync, not between its batches (with 1 s, bench_sync
#: measured 563 us of server CPU per pushed mutation against 287 before the builder,
#: load 6-8: builds between batches encoding the same tail again are the likely share).
QUIET_S = 5.0
#: Seconds after the first push it was told of when the builder starts regardless
#: (long: under a steady stream of pushes the build would take the pushes' CPU).
MAX_WAIT_S = 60.0

#: The builder of each engine by ``id``; held weakly (the app keeps its builder, and
#: a builder its engine), so a closed app's builder and engine go with it.
_builders: weakref.WeakValueDictionary[int, SnapshotBuilder] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def _of(engine: Engine) -> SnapshotBuilder | None:
    builder = _builders.get(id(engine))
    return builder if builder is not None and builder.state.engine is engine else None


def pushed(engine: Engine, actor: Actor) -> None:
    """A push of ``actor`` committed on ``engine``: prepare its scope's snapshot
    (nothing when no server app of this process serves snapshots from ``engine``)."""
    builder = _of(engine)
    if builder is not None:
        builder.wanted(actor)


def attach(state: ServerState, cache: SnapshotCache) -> SnapshotBuilder:
    """A builder of ``state``'s engine filling ``cache`` (the caller keeps it:
    the registry holds it weakly)."""
    builder = SnapshotBuilder(state, cache)
    with _registry_lock:
        _builders[id(state.engine)] = builder
    return builder


def detach(engine: Engine) -> None:
    """Stop and forget the builder of ``engine`` (the app's shutdown)."""
    with _registry_lock:
        builder = _of(engine)
        if builder is not None:
            del _builders[id(engine)]
    if builder is not None:
        builder.stop()


class SnapshotBuilder:
    """Keeps a process's snapshots current in a worker thread (see the module docstring)."""

    def __init__(self, state: ServerState, cache: SnapshotCache) -> None:
        self.state = state
        self.cache = cache
        self._lock = threading.Lock()
        self._pending: dict[str, Actor] = {}
        self._first = 0.0
        self._last = 0.0
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._stopped = False
        self._stopping = threading.Event()  # wakes the thread's wait at once

    def wanted(self, actor: Actor) -> None:
        """Prepare ``actor``'s read scope (in the layout this client asks for) soon."""
        now = time.monotonic()
        with self._lock:
            if self._stopped:
                return
            if not self._pending:
                self._first = now
            self._pending.setdefault(cache_key(actor, CLIENT_LAYOUT), actor)
            self._last = now
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="snapshot-builder", daemon=True
                )
                self._thread.start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is pending or being built; False on ``timeout``."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """Build nothing more; wait for a build under way to end."""
        with self._lock:
            self._stopped = True
            self._pending.clear()
            thread = self._thread
        self._stopping.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        while True:
            self._wait_quiet()
            with self._lock:
                todo = list(self._pending.values())
                self._pending.clear()
                if not todo or self._stopped:
                    self._thread = None
                    self._idle.set()
                    return
            self._build(todo)

    def _wait_quiet(self) -> None:
        """Sleep until pushes paused for QUIET_S, or MAX_WAIT_S after the first."""
        while True:
            with self._lock:
                if self._stopped or not self._pending:
                    return
                due = min(self._last + QUIET_S, self._first + MAX_WAIT_S)
            delay = due - time.monotonic()
            if delay <= 0 or self._stopping.wait(delay):
                return

    def _build(self, todo: list[Actor]) -> None:
        """Bring up to date the scopes pushed to (in the layout this client asks for)
        and every kept one."""
        jobs = {cache_key(actor, CLIENT_LAYOUT): (actor, CLIENT_LAYOUT) for actor in todo}
        for built in self.cache.kept():
            if built.actor is not None:
                jobs.setdefault(cache_key(built.actor, built.layout), (built.actor, built.layout))
        for actor, layout in jobs.values():
            with self._lock:
                if self._stopped:
                    return
            try:
                self.cache.refresh(self.state, actor, layout=layout)
            except Exception:
                log.exception("snapshot build failed (a request builds it instead)")
