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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, bindparam, select, update

from silon_desktop.storage import outbox
from silon_desktop.storage.models import utcnow
from silon_desktop.storage.types import storage_text
from sync.client.columns import BulkRows, DeriveFn, table_of, to_column
from sync.client.rebase import overlay
from sync.client.report import StageName
from sync.client.stage import Stage
from sync.protocol import ENTITIES, WITHDRAWAL_FIELDS, Record, decode_feed_page

if TYPE_CHECKING:
    from silon_desktop.storage.db import Database

APPLY_CACHE_KIB = 64 * 1024
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
def apply_connection(db: Database) -> Iterator[Connection]:
    """A write transaction for applying server data, foreign keys not enforced.

    The server is the authority on references; a feed page may carry a child
    whose parent arrives in a later page (the feed holds each record's latest
    state), so local enforcement would only get the order wrong.
    """
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        # A page touches the table and its six indexes at random places (UUID keys):
        # a larger page cache keeps them in memory as the table grows.
        raw.execute(f"PRAGMA cache_size = {-APPLY_CACHE_KIB}")
        try:
            with conn.begin():
                yield conn
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


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
        """Apply a columnar feed page (``sync.protocol.encode_feed_page`` form).

        Live records new to this machine with no local edit waiting take the bulk path
        (tuples straight from the columnar rows); records held here at the same or a
        newer version with nothing waiting are skipped unread (the importing
        computer's own rows coming back); every other record goes through
        :meth:`records` (rebase, conflicts, tombstones, updates).

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
                rows = block["rows"]
                id_i, del_i = columns.index("id"), columns.index("deleted")
                ids = [str(r[id_i]) for r in rows]
                table = table_of(entity)
                known = _existing_versions(conn, table, ids)
                waiting = outbox.waiting_by_record(conn, ids)
                plain = [
                    r
                    for r in rows
                    if not r[del_i] and r[id_i] not in known and r[id_i] not in waiting
                ]
                bulk = self._bulk_rows(table, entity)
                bulk.insert_tuples(
                    conn, bulk.columnar_inserts(conn, columns, plain, now_text, derive)
                )
                stats.inserted += len(plain)
                # A record already here at this version (or newer) with nothing waiting
                # is left as it is (e.g. what this computer pushed itself, coming back),
                # and so is the tombstone of a record never seen here.
                ver_i = columns.index("version")
                others = [
                    r
                    for r in rows
                    if r[id_i] in waiting or (r[id_i] in known and known[r[id_i]] < int(r[ver_i]))
                ]
                stats.skipped += len(rows) - len(plain) - len(others)
                if others:
                    sub = {"entities": [{"entity": entity, "columns": columns, "rows": others}]}
                    records = decode_feed_page({**sub, "cursor": "0", "has_more": False}).records
                    stats.add(self.records(conn, records))
        except (KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"malformed feed page: {exc!r}") from exc
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
        return stats

    def _bulk_rows(self, table: Table, entity: str) -> BulkRows:
        rows = self._bulk.get(entity)
        if rows is None:
            derived = [c for c in ("effective_status", "effective_reasons") if c in table.c]
            rows = self._bulk[entity] = BulkRows(table, entity, derived)
        return rows


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
    """The apply stage: each pulled page and its cursor in ONE transaction."""

    def __init__(self, db: Database, applier: Applier) -> None:
        super().__init__(StageName.APPLY, db)
        self.applier = applier

    def page(self, page: dict[str, Any], save: Callable[[Connection], None]) -> ApplyStats:
        """Apply a feed page, then ``save`` (the cursor) in the same transaction.

        Raises:
            ValueError: the page is malformed (nothing of it is kept).
        """
        with apply_connection(self.db) as conn:
            stats = self.applier.feed_page(conn, page)
            save(conn)
        return stats


def _existing_versions(conn: Connection, table: Table, ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(select(table.c.id, table.c.version).where(table.c.id.in_(chunk)))
        out.update({str(r[0]): int(r[1]) for r in rows})
    return out


def drop_local_record(conn: Connection, entity: str, record_id: str) -> None:
    """Tombstone a local-only record the server refused to create."""
    table = table_of(entity)
    conn.execute(update(table).where(table.c.id == record_id).values(deleted=True))
