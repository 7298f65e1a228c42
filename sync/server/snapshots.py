"""Building and caching scope snapshots (format: :mod:`sync.snapshot`).

A snapshot is built on demand from the ``records`` table in ONE read
transaction (repeatable read on PostgreSQL), so it is exactly the scope as of
its cursor. Each process keeps the latest snapshot per read scope in memory (the
parts gzip-compressed, about 50 bytes per record) and serves it again while the
scope has changed little since: at most :data:`STALE_RECORDS` records or a
twentieth of the snapshot, whichever is more. The client pulls the feed after
the snapshot's cursor, so a slightly older snapshot only means a slightly longer
feed.
"""

from __future__ import annotations

import gzip
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import orjson
from sqlalchemy import Engine, func, select

from sync import snapshot as fmt
from sync.protocol import ENTITIES, ENTITY_ORDER, RECORD_COLUMNS, WITHDRAWAL_FIELDS
from sync.server.db import read_tx
from sync.server.feed import scope_filter
from sync.server.roles import Actor
from sync.server.schema import records
from sync.server.state import ServerState

#: A cached snapshot is rebuilt once this many records of its scope changed after it.
STALE_RECORDS = 5_000
#: Snapshots kept per process (one per read scope asked for lately).
CACHED_SCOPES = 8


@dataclass(frozen=True, slots=True)
class Built:
    """A snapshot ready to serve: signed manifest and the parts as gzip bytes."""

    manifest: dict[str, Any]
    parts: tuple[bytes, ...]
    cursor: int
    count: int


def scope_label(actor: Actor) -> str:
    """The manifest's scope: ``*`` (everything), ``32.*`` (a region and all below it)
    or ``32.14`` (exactly that scope)."""
    prefix = actor.read_prefix()
    if prefix is None:
        return "*"
    region, exact = prefix
    if exact:
        return region
    return f"{region}.*" if region else "*"


@contextmanager
def open_parts(
    engine: Engine, actor: Actor, *, columns: bool = False
) -> Iterator[tuple[int, Iterator[tuple[int, bytes]]]]:
    """``(cursor, parts)`` read in one transaction; each part is ``(records, bytes)``,
    in the column layout when ``columns`` (see :mod:`sync.snapshot`)."""
    part_records = fmt.PART_RECORDS
    selected = (
        records.c.id,
        records.c.entity,
        records.c.scope,
        records.c.version,
        records.c.deleted,
        records.c.fields,
    )
    stmt = select(*selected).order_by(records.c.seq)
    condition = scope_filter(actor)
    if condition is not None:
        stmt = stmt.where(condition)
    with engine.connect() as raw:
        conn = raw
        if raw.dialect.name == "postgresql":
            conn = raw.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            cursor = int(
                conn.execute(select(func.coalesce(func.max(records.c.seq), 0))).scalar_one()
            )
            result = conn.execution_options(stream_results=True, yield_per=part_records).execute(
                stmt.where(records.c.seq <= cursor)
            )
            parts = (
                (len(rows), _part(rows, cursor, columns))
                for rows in result.partitions(part_records)
            )
            yield cursor, parts


def _part(rows: Any, cursor: int, columns: bool = False) -> bytes:
    """A part's bytes from ``records`` rows: every record's fields parsed in ONE
    ``orjson.loads`` (the stored JSON texts joined into an array), each column
    taken with ``map`` in C, no list built per record for the column layout."""
    grouped: dict[str, list[Any]] = {}
    for r in rows:
        if r.entity in ENTITIES:
            grouped.setdefault(r.entity, []).append(r)
    blocks = []
    for name in ENTITY_ORDER:
        group = grouped.get(name)
        if not group:
            continue
        values = _columns(name, group)
        block: dict[str, Any] = {
            "entity": name,
            "columns": [*RECORD_COLUMNS, *ENTITIES[name].field_names],
        }
        if columns:
            block["values"] = values
            block["count"] = len(group)
        else:
            block["rows"] = [list(row) for row in zip(*values, strict=True)]
        blocks.append(block)
    page = {"cursor": str(cursor), "has_more": False, "server_time": "", "entities": blocks}
    return fmt.part_bytes(page)


def _columns(entity: str, group: list[Any]) -> list[list[Any]]:
    """One list per wire column (record columns, then fields) of one entity's rows.

    As in the feed, a tombstone carries only its withdrawal fields."""
    fields = orjson.loads("[" + ",".join([r.fields for r in group]) + "]")
    deleted = [bool(r.deleted) for r in group]
    out: list[list[Any]] = [
        [r.id for r in group],
        [r.scope for r in group],
        [int(r.version) for r in group],
        deleted,
    ]
    gone = [i for i, d in enumerate(deleted) if d]
    for field in ENTITIES[entity].field_names:
        column = list(map(dict.get, fields, repeat(field)))
        if gone and field not in WITHDRAWAL_FIELDS:
            for i in gone:
                column[i] = None
        out.append(column)
    return out


def build(state: ServerState, actor: Actor, *, columns: bool = False) -> Built:
    """A fresh snapshot of what ``actor`` may read, signed by the server key."""
    listed: list[tuple[int, str]] = []
    blobs: list[bytes] = []
    with open_parts(state.engine, actor, columns=columns) as (cursor, parts):
        for count, data in parts:
            listed.append((count, fmt.part_digest(data)))
            blobs.append(gzip.compress(data, compresslevel=5))
    manifest = _seal(state, actor, cursor, listed)
    return Built(manifest, tuple(blobs), cursor, sum(n for n, _ in listed))


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


class SnapshotCache:
    """The latest snapshot per read scope of this process (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: OrderedDict[str, Built] = OrderedDict()
        self._building: dict[str, threading.Lock] = {}

    def get(self, state: ServerState, actor: Actor, *, columns: bool = False) -> Built:
        key = repr((actor.read_prefix(), columns))
        with self._lock:
            scope_lock = self._building.setdefault(key, threading.Lock())
        with scope_lock:  # one build per scope at a time; the others wait for it
            with self._lock:
                cached = self._built.get(key)
            if cached is not None and not _stale(state.engine, actor, cached):
                with self._lock:
                    self._built.move_to_end(key)
                return cached
            fresh = build(state, actor, columns=columns)
            with self._lock:
                self._built[key] = fresh
                self._built.move_to_end(key)
                while len(self._built) > CACHED_SCOPES:
                    self._built.popitem(last=False)
            return fresh

    def find(self, actor: Actor, snapshot_id: str) -> Built | None:
        """The cached snapshot of that id, only when it is of ``actor``'s read scope."""
        prefix = actor.read_prefix()
        with self._lock:
            for columns in (False, True):
                built = self._built.get(repr((prefix, columns)))
                if built is not None and built.manifest["snapshot_id"] == snapshot_id:
                    return built
        return None


def _stale(engine: Engine, actor: Actor, built: Built) -> bool:
    limit = max(STALE_RECORDS, built.count // 20)
    stmt = select(records.c.id).where(records.c.seq > built.cursor)
    condition = scope_filter(actor)
    if condition is not None:
        stmt = stmt.where(condition)
    inner = stmt.limit(limit + 1).subquery()
    with read_tx(engine) as conn:
        changed = int(conn.execute(select(func.count()).select_from(inner)).scalar_one())
    return changed > limit
