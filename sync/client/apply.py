"""The apply stage: server records into the local store, pending local edits on top.

One path for every source of server records: feed pages (the pull stage hands
each page here), the records that come back with merged / conflict / rejected
push results, and feed bundles.

Rules (DESIGN.md "Data flow" 5):

- A record with no local mutation waiting (state ``pending`` or ``sent``) takes
  the server's fields, version and tombstone as they are.
- A field named by a waiting mutation keeps the local value (local stays on
  top). For a ``pending`` mutation the one merge function decides whether the
  server changed that field too: if both sides changed it to different values,
  a local conflict record is written (base, mine, theirs), the field takes the
  server's value and leaves the pending mutation, so it is not pushed into a
  second, server-side conflict. A ``sent`` mutation is left to the server's answer.
- A record known locally at a newer version than the one offered is left alone.

The rebase itself is :mod:`sync.client.rebase`; column conversions are
:mod:`sync.client.columns`. Pages are applied with statements compiled once per
:class:`Applier` and the DBAPI ``executemany`` (no ORM object per row): pulling
a hundred thousand supporters must take seconds, not minutes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, Table, bindparam, select, update

from silon_desktop.storage import indexes, outbox, retention
from silon_desktop.storage.models import utcnow
from silon_desktop.storage.types import storage_text
from sync.client.columns import BulkRows, DeriveFn, table_of, to_column
from sync.client.rebase import overlay
from sync.client.report import StageName
from sync.client.stage import Stage
from sync.protocol import ENTITIES, WITHDRAWAL_FIELDS, Record, decode_feed_page
from sync.snapshot import column_block

if TYPE_CHECKING:
    from silon_desktop.storage.db import Database

#: The page cache while server records are applied (feed pages, bundles, push answers):
#: a page of them touches the table and its indexes at random places, and an index of
#: a million supporters outgrows a smaller cache. With 8 KiB pages
#: (``storage.cipher.PAGE_SIZE``) a million-record feed sync took 67 s at 64 MiB and
#: 58 s at 256 MiB (4 KiB pages at 64 MiB: 58-61 s); the client's peak 436 MB. An
#: upper bound: only pages read take memory, and the connection's own size comes back
#: after (the pool keeps the connection, and a cache shrunk gives its pages back).
APPLY_CACHE_KIB = 256 * 1024
#: The page cache while the indexes of a snapshot's tables are built after its rows.
SORT_CACHE_KIB = indexes.SORT_CACHE_KIB
_CHUNK = 500


def default_derive(conn: Connection) -> DeriveFn:
    """The storage's derived columns, with the pair's rule set looked up once per pair.

    The answer depends only on the rule set and the verification columns
    (``EFFECTIVE_INPUTS``), which a large pull repeats from row to row: answers are
    kept per distinct input (a snapshot of a million supporters computes a few
    hundred). The returned dicts are shared: callers only read them.
    """
    from silon_desktop.storage.derived import (
        DEFAULT_RULE_SET,
        EFFECTIVE_INPUTS,
        supporter_effective,
    )
    from silon_desktop.storage.models import Election, Pair

    rule_sets: dict[str, str] = {}
    answers: dict[tuple[Any, ...], dict[str, Any]] = {}
    inputs = EFFECTIVE_INPUTS

    def derive(entity: str, values: dict[str, Any]) -> dict[str, Any]:
        if entity != "supporter":
            return {}
        pair_id = str(values.get("pair_id") or "")
        if pair_id not in rule_sets:
            found = conn.execute(
                select(Election.rule_set)
                .join(Pair, Pair.election_id == Election.id)
                .where(Pair.id == pair_id)
            ).scalar_one_or_none()
            rule_sets[pair_id] = found or DEFAULT_RULE_SET
        rule_set = rule_sets[pair_id]
        # Lists as tuples (hashable; a tuple never equals the same list's JSON text).
        key = (rule_set, *[tuple(v) if type(v) is list else v for v in map(values.get, inputs)])
        try:
            known = answers.get(key)
        except TypeError:  # an unhashable value: computed, not kept
            key, known = (), None
        if known is None:
            status, reasons = supporter_effective(values, rule_set)
            known = {"effective_status": status, "effective_reasons": reasons}
            if key and len(answers) < 100_000:
                answers[key] = known
        return known

    derive.inputs = ("pair_id", *EFFECTIVE_INPUTS)  # type: ignore[attr-defined]
    return derive


@dataclass(slots=True)
class ApplyStats:
    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0

    def add(self, other: ApplyStats) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.skipped += other.skipped
        self.conflicts += other.conflicts


@contextmanager
def apply_connection(
    db: Database, cache_kib: int = APPLY_CACHE_KIB, *, one_large_commit: bool = False
) -> Iterator[Connection]:
    """A write transaction for applying server data, foreign keys not enforced.

    The server is the authority on references; a feed page may carry a child
    whose parent arrives in a later page (the feed holds each record's latest
    state), so local enforcement would only get the order wrong.

    ``one_large_commit`` (a snapshot's install): the commit leaves copying its pages
    into the file to a background thread
    (:meth:`~silon_desktop.storage.db.Database.bulk_connection`). Not for feed pages,
    whose commits follow each other: the copy then never caught up with the next
    page, the log was never started again and grew, and every page read searched it
    (a million-record feed sync: 78 -> 95 s, client CPU 62 -> 95 s).
    """
    connection = db.bulk_connection() if one_large_commit else db.engine.connect()
    with connection as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        # A page touches the table and its six indexes at random places (UUID keys):
        # a larger page cache keeps them in memory as the table grows.
        (previous,) = raw.execute("PRAGMA cache_size").fetchone()
        raw.execute(f"PRAGMA cache_size = {-int(cache_kib)}")
        try:
            with conn.begin():
                yield conn
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
            raw.execute(f"PRAGMA cache_size = {int(previous)}")


def empty_tables(conn: Connection) -> frozenset[str]:
    """Entities whose local table is empty while no local mutation waits: a snapshot
    installed into them brings only records new here (each once), with nothing to
    look up, rebase or keep on top."""
    if outbox.any_waiting(conn):
        return frozenset()
    return frozenset(
        entity
        for entity in ENTITIES
        if conn.execute(select(table_of(entity).c.id).limit(1)).first() is None
    )


@contextmanager
def indexes_built_after(conn: Connection, entities: Iterable[str]) -> Iterator[None]:
    """The secondary indexes of these entities' (empty) tables dropped, then built
    again after the rows, in the caller's transaction (:func:`storage.indexes.built_after`).

    A snapshot's records are new and in one transaction: one sort per index at the end
    costs far less than keeping them up to date row by row in random order (a million
    supporters' UUIDs, NIKs, names: the pull slowed by half from 100,000 to 1.2M records).
    """
    with indexes.built_after(conn, [table_of(entity).name for entity in entities]):
        yield


class Applier:
    """Applies server records in the caller's transaction.

    Keeps each entity's compiled bulk statements for as long as it lives (one
    sync run, one bundle import).

    Args:
        derive: computes local derived columns for an entity's row values (by
            default the storage's, looked up on the connection).
    """

    def __init__(self, derive: DeriveFn | None = None) -> None:
        self.derive = derive
        self._bulk: dict[str, BulkRows] = {}
        #: Entities whose every record offered is new here with nothing waiting (a
        #: snapshot installed into an empty table): no lookups per block.
        self.fresh: frozenset[str] = frozenset()

    def records(
        self,
        conn: Connection,
        records: Sequence[Record],
        *,
        exclude_mutations: Iterable[str] = (),
    ) -> ApplyStats:
        """Apply server records.

        Args:
            conn: a connection inside a write transaction (see :func:`apply_connection`).
            records: the server's records, at most one per id.
            exclude_mutations: mutation ids not to treat as waiting (just answered).
        """
        stats = ApplyStats()
        by_entity: dict[str, list[Record]] = defaultdict(list)
        for rec in records:
            by_entity[rec.entity].append(rec)
        skip = set(exclude_mutations)
        derive = self.derive or default_derive(conn)
        for entity, recs in by_entity.items():
            stats.add(self._apply_entity(conn, entity, recs, derive, skip))
        return stats

    def feed_page(self, conn: Connection, page: dict[str, Any]) -> ApplyStats:
        """Apply a columnar feed page (``sync.protocol.encode_feed_page`` form), or a
        snapshot part whose blocks are in the column layout (``values``, ``count``).

        Live records new to this machine with no local edit waiting take the bulk path
        (:meth:`BulkRows.insert_columns`: one array per column, one ``executemany``);
        records held here at the same or a newer version with nothing waiting are
        skipped unread (the importing computer's own rows coming back); every other
        record goes through :meth:`records` (rebase, conflicts, tombstones, updates).

        Raises:
            ValueError: the page is malformed.
        """
        stats = ApplyStats()
        derive = self.derive or default_derive(conn)
        now_text = storage_text(utcnow())
        try:
            for block in page.get("entities") or []:
                entity = str(block["entity"])
                if entity not in ENTITIES:
                    continue  # an entity this client does not know yet
                columns = [str(c) for c in block["columns"]]
                arrays = block_columns(block, len(columns))
                if arrays and arrays[0]:
                    stats.add(self._block(conn, entity, columns, arrays, derive, now_text))
        except (KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"malformed feed page: {exc!r}") from exc
        return stats

    def _block(
        self,
        conn: Connection,
        entity: str,
        columns: list[str],
        arrays: list[list[Any]],
        derive: DeriveFn,
        now_text: str,
    ) -> ApplyStats:
        """One entity's block of a feed page or snapshot part, given by columns."""
        stats = ApplyStats()
        ids = [str(i) for i in arrays[columns.index("id")]]
        deleted = arrays[columns.index("deleted")]
        versions = arrays[columns.index("version")]
        table = table_of(entity)
        if entity in self.fresh:  # every record is new here and nothing waits
            known: dict[str, int] = {}
            waiting: dict[str, Any] = {}
        else:
            known = _existing_versions(conn, table, ids)
            waiting = outbox.waiting_by_record(conn, ids)
        bulk = self._bulk_rows(table, entity)
        if not known and not waiting and not any(deleted):
            stats.inserted += bulk.insert_columns(conn, columns, arrays, now_text, derive)
            return stats
        plain = [
            i
            for i, rid in enumerate(ids)
            if not deleted[i] and rid not in known and rid not in waiting
        ]
        if plain:
            picked = [[column[i] for i in plain] for column in arrays]
            stats.inserted += bulk.insert_columns(conn, columns, picked, now_text, derive)
        # A record already here at this version (or newer) with nothing waiting
        # is left as it is (e.g. what this computer pushed itself, coming back),
        # and so is the tombstone of a record never seen here.
        others = [
            i
            for i, rid in enumerate(ids)
            if rid in waiting or (rid in known and known[rid] < int(versions[i]))
        ]
        stats.skipped += len(ids) - len(plain) - len(others)
        if others:
            rows = [[column[i] for column in arrays] for i in others]
            sub = {"entities": [{"entity": entity, "columns": columns, "rows": rows}]}
            records = decode_feed_page({**sub, "cursor": "0", "has_more": False}).records
            stats.add(self.records(conn, records))
        return stats

    def _apply_entity(
        self,
        conn: Connection,
        entity: str,
        recs: list[Record],
        derive: DeriveFn,
        skip: set[str],
    ) -> ApplyStats:
        stats = ApplyStats()
        table = table_of(entity)
        ids = [r.id for r in recs]
        existing = _existing_versions(conn, table, ids)
        waiting = outbox.waiting_by_record(conn, ids, skip)
        now = utcnow()
        now_text = storage_text(now)
        bulk = self._bulk_rows(table, entity)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        tombstones: list[dict[str, Any]] = []
        for rec in recs:
            local_version = existing.get(rec.id)
            if local_version is not None and local_version > rec.version:
                stats.skipped += 1
                continue
            if rec.id in waiting:
                stats.conflicts += overlay(conn, table, rec, waiting[rec.id], local_version, derive)
                stats.updated += 1
                continue
            if rec.deleted:
                if local_version is None:
                    stats.skipped += 1  # a tombstone of a record never seen here
                else:
                    tombstones.append(
                        {
                            "_id": rec.id,
                            "scope": rec.scope,
                            "version": rec.version,
                            "now": now,
                            **_withdrawal_columns(table, entity, rec),
                        }
                    )
                    stats.updated += 1
                continue
            values = bulk.values(rec, now_text, derive)
            if local_version is None:
                inserts.append(values)
                stats.inserted += 1
            else:
                updates.append(values)
                stats.updated += 1
        bulk.write(conn, inserts, updates)
        if tombstones:
            conn.execute(
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values(
                    scope=bindparam("scope"),
                    version=bindparam("version"),
                    deleted=True,
                    updated_at=bindparam("now"),
                    **{n: bindparam(f"w_{n}") for n in _withdrawal_names(table)},
                ),
                tombstones,
            )
            if entity == "supporter":
                _blank_personal(conn, [t["_id"] for t in tombstones])
        return stats

    def _bulk_rows(self, table: Table, entity: str) -> BulkRows:
        rows = self._bulk.get(entity)
        if rows is None:
            derived = [c for c in ("effective_status", "effective_reasons") if c in table.c]
            rows = self._bulk[entity] = BulkRows(table, entity, derived)
        return rows


def _blank_personal(conn: Connection, ids: list[str]) -> None:
    """Blank the personal fields of supporters the server deleted here, now rather
    than at the next retention (the same rule: nothing of them waits or sits in
    conflict). A supporter moved to another kab/kota arrives as such a tombstone (a
    departure, ``sync.server.feed.departure_arm``): this PC may no longer hold it."""
    retention.blank(conn, retention.blankable(conn, ids))


def _withdrawal_names(table: Table) -> list[str]:
    return [n for n in WITHDRAWAL_FIELDS if n in table.c]


def _withdrawal_columns(table: Table, entity: str, rec: Record) -> dict[str, Any]:
    """A tombstone's withdrawal fields (reason, who, when) as column values."""
    spec = ENTITIES[entity]
    return {
        f"w_{n}": to_column(spec.spec(n), rec.fields.get(n), bool(table.c[n].nullable))
        for n in _withdrawal_names(table)
    }


def apply_records(
    conn: Connection, records: Sequence[Record], *, derive: DeriveFn | None = None
) -> ApplyStats:
    """Apply server records in the caller's transaction (see :meth:`Applier.records`)."""
    return Applier(derive).records(conn, records)


class ApplyStage(Stage):
    """The apply stage: pulled pages and the cursor after the last of them in ONE
    transaction (:meth:`transaction`), so a page is kept with its cursor or not at all."""

    def __init__(self, db: Database, applier: Applier) -> None:
        super().__init__(StageName.APPLY, db)
        self.applier = applier

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction for feed pages (:func:`apply_connection`): apply each
        with ``applier.feed_page`` and save the cursor after the last; a page that
        raises rolls back every page of the transaction with it."""
        with apply_connection(self.db) as conn:
            yield conn


@cache
def _versions_of(table: Table) -> Select[tuple[Any, Any]]:
    """``id, version`` of the rows whose id is among ``:ids`` (an expanding parameter:
    the ids travel with each execution, not inside a statement built for them)."""
    return select(table.c.id, table.c.version).where(
        table.c.id.in_(bindparam("ids", expanding=True))
    )


def _existing_versions(conn: Connection, table: Table, ids: list[str]) -> dict[str, int]:
    """The local version of each of these records held here.

    One statement per table, the ids bound at each execution: a statement built per
    chunk with its ids inside made SQLAlchemy bind parameters in reference cycles,
    each holding its 500 ids until the cyclic collector ran (about 120 MB for a
    million-record feed sync when it ran rarely)."""
    out: dict[str, int] = {}
    statement = _versions_of(table)
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(statement, {"ids": ids[start : start + _CHUNK]})
        out.update({str(r[0]): int(r[1]) for r in rows})
    return out


def drop_local_record(conn: Connection, entity: str, record_id: str) -> None:
    """Tombstone a local-only record the server refused to create."""
    table = table_of(entity)
    conn.execute(update(table).where(table.c.id == record_id).values(deleted=True))


def block_columns(block: Mapping[str, Any], width: int) -> list[list[Any]]:
    """A page block's values as one list per column: the column layout as it is
    (its ``count`` checked), or the rows turned into columns.

    Raises:
        ValueError: a row or column of the wrong length.
    """
    if "values" in block:
        arrays = column_block(block)
        if len(arrays) != width:
            raise ValueError("column lengths differ from the count")
        return arrays
    rows = block["rows"]
    if not rows:
        return [[] for _ in range(width)]
    if set(map(len, rows)) != {width}:
        raise ValueError("a row's length differs from its columns")
    return [list(c) for c in zip(*rows, strict=True)]


def block_count(block: Mapping[str, Any]) -> int:
    """How many records a page block holds (either layout)."""
    if "values" in block:
        values = block["values"]
        return int(block.get("count", len(values[0]) if values else 0))
    return len(block.get("rows") or ())
