"""Building and caching scope snapshots (format: :mod:`sync.snapshot`).

A snapshot is built from the ``records`` table in ONE read transaction
(repeatable read on PostgreSQL), so it is exactly the scope as of its cursor.
Each process keeps the latest snapshot per read scope in memory (the parts
gzip-compressed, about 50 bytes per record).

Parts are cut by feed position: part ``n`` holds the scope's records whose
``seq`` lies in its span ``(lo, hi]``. A record's ``seq`` only moves forward when
it is written, so a span never gains records, and it lost one exactly when its
count dropped. A new snapshot therefore keeps every part of the previous one
whose span still counts the same records (its bytes and digest as they were),
rebuilds only the spans that lost records (merged with their neighbours), and
cuts new parts from what came after the previous cursor: after a push, the cost
is that of what changed, not of the scope.

:mod:`sync.server.snapshot_builder` prepares snapshots in the background after
each push's commit, so a first request is served stored parts. A request serves
the cached snapshot again while its scope changed little since (at most
:data:`STALE_RECORDS` records or a twentieth of it, whichever is more), and
otherwise brings it up to date first. The client pulls the feed after the
snapshot's cursor, so a slightly older snapshot only means a slightly longer feed.
"""

from __future__ import annotations

import gzip
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from sync import snapshot as fmt
from sync.server.db import read_tx
from sync.server.feed import (
    WIRE_COLUMNS,
    departure_arm,
    in_feed_order,
    record_blocks,
    scope_filter,
)
from sync.server.roles import Actor
from sync.server.schema import records
from sync.server.state import ServerState

#: A cached snapshot is rebuilt once this many records of its scope changed after it.
STALE_RECORDS = 5_000
#: Snapshots kept per process (one per read scope asked for lately).
CACHED_SCOPES = 8
#: Seconds a replaced snapshot's parts stay downloadable: a client that read its
#: manifest finishes fetching it while the builder prepares newer ones (before,
#: such a client got 410 and started again, and again under steady pushes).
RETIRED_S = 900.0
#: Replaced snapshots kept at most (they share most parts with their successor).
RETIRED_KEPT = 16


@dataclass(frozen=True, slots=True)
class Span:
    """Where a part's records lie in the feed: ``lo < seq <= hi``, ``records`` of them."""

    lo: int
    hi: int
    records: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Built:
    """A snapshot ready to serve: signed manifest and the parts as gzip bytes."""

    manifest: dict[str, Any]
    parts: tuple[bytes, ...]
    cursor: int
    count: int
    spans: tuple[Span, ...] = ()
    layout: fmt.Layout = fmt.Layout.ROWS
    actor: Actor | None = None  # whose read scope it is (kept current by the builder)


def scope_label(actor: Actor) -> str:
    """The manifest's scope: ``*`` (everything), ``32.*`` (a region and all below it)
    or ``32.14`` (exactly that scope)."""
    return fmt.scope_label(actor.read_prefix())


@contextmanager
def snapshot_tx(engine: Engine) -> Iterator[tuple[Connection, int]]:
    """``(conn, cursor)``: one read transaction (repeatable read on PostgreSQL) and
    the feed position it sees everything up to."""
    with engine.connect() as raw:
        conn = raw
        if raw.dialect.name == "postgresql":
            conn = raw.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            cursor = int(
                conn.execute(select(func.coalesce(func.max(records.c.seq), 0))).scalar_one()
            )
            yield conn, cursor


def _in_scope(stmt: Any, actor: Actor) -> Any:
    condition = scope_filter(actor)
    return stmt if condition is None else stmt.where(condition)


def read_span(
    conn: Connection,
    actor: Actor,
    lo: int,
    hi: int,
    cursor: int,
    *,
    layout: fmt.Layout = fmt.Layout.ROWS,
) -> Iterator[tuple[Span, bytes]]:
    """The parts of the records of ``actor``'s scope with ``lo < seq <= hi``: each
    ``(span, bytes)``, at most :data:`sync.snapshot.PART_RECORDS` records, in the
    ``layout``; the spans together cover ``(lo, hi]``."""
    part_records = fmt.PART_RECORDS
    stmt = in_feed_order(actor, WIRE_COLUMNS, [records.c.seq > lo, records.c.seq <= hi])
    result = conn.execution_options(stream_results=True, yield_per=part_records).execute(stmt)
    start = lo
    pending: tuple[Sequence[Any], bytes] | None = None
    for rows in result.partitions(part_records):
        if pending is not None:
            done_rows, data = pending
            end = int(done_rows[-1].seq)
            yield Span(start, end, len(done_rows), fmt.part_digest(data)), data
            start = end
        pending = (rows, _part(rows, cursor, layout))
    if pending is not None:
        done_rows, data = pending
        yield Span(start, hi, len(done_rows), fmt.part_digest(data)), data


@contextmanager
def open_parts(
    engine: Engine, actor: Actor, *, layout: fmt.Layout = fmt.Layout.ROWS
) -> Iterator[tuple[int, Iterator[tuple[int, bytes]]]]:
    """``(cursor, parts)`` read in one transaction; each part is ``(records, bytes)``,
    in ``layout`` (see :mod:`sync.snapshot`)."""
    with snapshot_tx(engine) as (conn, cursor):
        spans = read_span(conn, actor, 0, cursor, cursor, layout=layout)
        yield cursor, ((span.records, data) for span, data in spans)


def _part(rows: Any, cursor: int, layout: fmt.Layout = fmt.Layout.ROWS) -> bytes:
    """A part's bytes from ``records`` rows (:func:`sync.server.feed.record_blocks`)."""
    page = {
        "cursor": str(cursor),
        "has_more": False,
        "server_time": "",
        "entities": record_blocks(rows, layout),
    }
    return fmt.part_bytes(page)


def build(
    state: ServerState,
    actor: Actor,
    *,
    layout: fmt.Layout = fmt.Layout.ROWS,
    previous: Built | None = None,
) -> Built:
    """A snapshot of what ``actor`` may read, signed by the server key: the parts of
    ``previous`` (of the same scope and layout) whose spans lost no record kept as
    they are, the rest read anew (see the module docstring)."""
    if previous is not None and previous.layout != layout:
        previous = None
    spans: list[Span] = []
    blobs: list[bytes] = []
    with snapshot_tx(state.engine) as (conn, cursor):
        if previous is not None and cursor == previous.cursor:
            return previous
        for step in _plan(conn, actor, previous, cursor):
            if isinstance(step, int):  # a part of the previous snapshot, still whole
                assert previous is not None
                spans.append(previous.spans[step])
                blobs.append(previous.parts[step])
                continue
            lo, hi = step
            for span, data in read_span(conn, actor, lo, hi, cursor, layout=layout):
                spans.append(span)
                blobs.append(gzip.compress(data, compresslevel=5))
    listed = [(span.records, span.sha256) for span in spans]
    manifest = _seal(state, actor, cursor, listed)
    count = sum(span.records for span in spans)
    return Built(manifest, tuple(blobs), cursor, count, tuple(spans), layout, actor)


def _plan(
    conn: Connection, actor: Actor, previous: Built | None, cursor: int
) -> list[int | tuple[int, int]]:
    """What a new snapshot is made of, in feed order: the index of a previous part
    kept whole, or a span ``(lo, hi)`` to read. Neighbouring spans to read are one
    span. A small last part is read again with what came after it when that is at
    least as much: parts grow by doubling, so builds after many small pushes
    neither leave a part per push nor encode the same tail again and again."""
    if previous is None or not previous.spans:
        return [(0, cursor)]
    plan: list[int | tuple[int, int]] = []
    last = len(previous.spans) - 1
    new = _count(conn, actor, previous.cursor, cursor) if cursor > previous.cursor else 0
    for index, span in enumerate(previous.spans):
        whole = _count(conn, actor, span.lo, span.hi) == span.records
        small_tail = index == last and span.records < fmt.PART_RECORDS // 2
        if whole and not (small_tail and 0 < span.records <= new):
            plan.append(index)
        else:
            _extend(plan, span.lo, span.hi)
    if cursor > previous.cursor:
        _extend(plan, previous.cursor, cursor)
    return plan


def _extend(plan: list[int | tuple[int, int]], lo: int, hi: int) -> None:
    """Append the span ``(lo, hi)`` to ``plan``, merged with a span to read before it."""
    if plan and isinstance(plan[-1], tuple):
        lo = plan.pop()[0]  # type: ignore[index]
    plan.append((lo, hi))


def _count(conn: Connection, actor: Actor, lo: int, hi: int) -> int:
    """How many records of ``actor``'s scope lie in ``lo < seq <= hi`` now."""
    stmt = _in_scope(select(func.count()).select_from(records), actor)
    stmt = stmt.where(records.c.seq > lo, records.c.seq <= hi)
    return int(conn.execute(stmt).scalar_one())


def _seal(
    state: ServerState, actor: Actor, cursor: int, listed: list[tuple[int, str]]
) -> dict[str, Any]:
    """A new snapshot's manifest over ``listed`` parts, signed by the server key."""
    return fmt.seal_manifest(
        state.key,
        snapshot_id=str(uuid.uuid4()),
        created_at=state.config.clock.iso(),
        scope=scope_label(actor),
        cursor=str(cursor),
        parts=listed,
    )


def export(state: ServerState, actor: Actor, path: Any) -> dict[str, Any]:
    """Write the snapshot of ``actor``'s scope to a file, part by part (bounded memory).

    The manifest must come first in the file but names every part's digest, so
    the parts are written to a temporary file beside the output first.
    """
    import os
    import tempfile
    from pathlib import Path

    target = Path(path)
    listed: list[tuple[int, str]] = []
    fd, spool_name = tempfile.mkstemp(prefix=".snapshot-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as spool, open_parts(state.engine, actor) as (cursor, parts):
            for count, data in parts:
                listed.append((count, fmt.part_digest(data)))
                spool.write(data + b"\n")
        manifest = _seal(state, actor, cursor, listed)

        def lines() -> Iterator[bytes]:
            with open(spool_name, "rb") as spool:
                for line in spool:
                    yield line.rstrip(b"\n")

        fmt.write_file(target, manifest, lines())
    finally:
        os.unlink(spool_name)
    return manifest


def reads(actor: Actor) -> tuple[tuple[str, bool] | None, bool]:
    """What ``actor`` reads, as the cache tells scopes apart: its read prefix and
    whether it reads its province's records by area (:attr:`Actor.reads_by_area`).
    The prefix alone is the same for a kab/kota's Bawaslu and a trainer of that
    kab/kota (``("32.14", False)``): the Bawaslu's snapshot, holding the supporters of
    the province's governor election living there, was served to the trainer."""
    return (actor.read_prefix(), actor.reads_by_area)


def cache_key(actor: Actor, layout: fmt.Layout) -> str:
    """The cache's key for ``actor``'s read scope in one layout (:func:`reads`)."""
    return repr((*reads(actor), layout.value))


class SnapshotCache:
    """The latest snapshot per read scope of this process (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: OrderedDict[str, Built] = OrderedDict()
        self._building: dict[str, threading.Lock] = {}
        #: snapshot_id -> (monotonic time it stops being served, snapshot)
        self._retired: OrderedDict[str, tuple[float, Built]] = OrderedDict()

    def get(
        self, state: ServerState, actor: Actor, *, layout: fmt.Layout = fmt.Layout.ROWS
    ) -> Built:
        """The snapshot to serve ``actor``: the cached one while its scope changed
        little since (:func:`_stale`), else one brought up to date first."""
        return self._current(state, actor, layout, None)

    def refresh(
        self, state: ServerState, actor: Actor, *, layout: fmt.Layout = fmt.Layout.ROWS
    ) -> Built:
        """The snapshot of ``actor``'s scope brought up to date when anything of the
        scope changed since it was built (the builder's call)."""
        return self._current(state, actor, layout, 0)

    def _current(
        self, state: ServerState, actor: Actor, layout: fmt.Layout, limit: int | None
    ) -> Built:
        key = cache_key(actor, layout)
        with self._lock:
            scope_lock = self._building.setdefault(key, threading.Lock())
        with scope_lock:  # one build per scope at a time; the others wait for it
            with self._lock:
                cached = self._built.get(key)
            if cached is not None and not _stale(state.engine, actor, cached, limit):
                with self._lock:
                    self._built.move_to_end(key)
                return cached
            fresh = build(state, actor, layout=layout, previous=cached)
            with self._lock:
                if cached is not None and cached is not fresh:
                    self._retire(cached)
                self._built[key] = fresh
                self._built.move_to_end(key)
                while len(self._built) > CACHED_SCOPES:
                    self._retire(self._built.popitem(last=False)[1])
            return fresh

    def _retire(self, built: Built) -> None:
        """Keep a replaced snapshot downloadable for :data:`RETIRED_S` (lock held)."""
        now = time.monotonic()
        for sid, (until, _old) in list(self._retired.items()):
            if until <= now:
                del self._retired[sid]
        if RETIRED_S > 0:
            self._retired[built.manifest["snapshot_id"]] = (now + RETIRED_S, built)
        while len(self._retired) > RETIRED_KEPT:
            self._retired.popitem(last=False)

    def peek(self, actor: Actor, *, layout: fmt.Layout = fmt.Layout.ROWS) -> Built | None:
        """The cached snapshot of ``actor``'s scope as it is (nothing built or checked)."""
        with self._lock:
            return self._built.get(cache_key(actor, layout))

    def kept(self) -> list[Built]:
        """Every cached snapshot, least recently asked first."""
        with self._lock:
            return list(self._built.values())

    def find(self, actor: Actor, snapshot_id: str) -> Built | None:
        """The snapshot of that id, kept or replaced less than :data:`RETIRED_S`
        ago, only when it is of ``actor``'s read scope."""
        with self._lock:
            for layout in fmt.Layout:
                built = self._built.get(cache_key(actor, layout))
                if built is not None and built.manifest["snapshot_id"] == snapshot_id:
                    return built
            until, old = self._retired.get(snapshot_id, (0.0, None))
        if old is None or until <= time.monotonic() or old.actor is None:
            return None
        return old if reads(old.actor) == reads(actor) else None


def _stale(engine: Engine, actor: Actor, built: Built, limit: int | None = None) -> bool:
    """Whether more than ``limit`` records of the scope changed after ``built``
    (None: :data:`STALE_RECORDS` or a twentieth of the snapshot, whichever is more),
    or any record left it (a kab/kota's departure: the snapshot would still hand
    out the personal data of a supporter the reader may no longer read)."""
    if limit is None:
        limit = max(STALE_RECORDS, built.count // 20)
    stmt = _in_scope(select(records.c.id).where(records.c.seq > built.cursor), actor)
    inner = stmt.limit(limit + 1).subquery()
    left = departure_arm(actor, built.cursor)
    with read_tx(engine) as conn:
        if left is not None and conn.execute(left.limit(1)).first() is not None:
            return True
        changed = int(conn.execute(select(func.count()).select_from(inner)).scalar_one())
    return changed > limit
