"""Apply server records to the local store, rebasing pending local edits on top.

One path for every source of server records: feed pages, the records that come
back with merged / conflict / rejected push results, and feed bundles.

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

Pages are applied with Core ``executemany`` (no ORM object per row): pulling a
hundred thousand supporters must take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from silon_desktop.storage.models import (
    SYNCED_MODELS,
    Conflict,
    OutboxMutation,
    utcnow,
)
from sync.client_rows import BulkRows, storage_text
from sync.merge import DELETED_FIELD, merge_fields
from sync.protocol import (
    ENTITIES,
    FieldSpec,
    FieldType,
    Record,
    decode_feed_page,
    decode_value,
    encode_value,
)

if TYPE_CHECKING:
    from silon_desktop.storage.db import Database

WAITING = ("pending", "sent")
APPLY_CACHE_KIB = 64 * 1024
_CHUNK = 500

outbox_t: Table = OutboxMutation.__table__  # type: ignore[assignment]
conflict_t: Table = Conflict.__table__  # type: ignore[assignment]

#: Computes local derived columns (supporter effective_status / effective_reasons)
#: from a row's column values. The default is :func:`default_derive` on the page's
#: connection; tests may pass their own.
DeriveFn = Callable[[str, dict[str, Any]], dict[str, Any]]


def default_derive(conn: Connection) -> DeriveFn:
    """The storage's derived columns, with the pair's rule set looked up once per pair."""
    from silon_desktop.storage.derived import DEFAULT_RULE_SET, supporter_effective
    from silon_desktop.storage.models import Election, Pair

    rule_sets: dict[str, str] = {}

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
        status, reasons = supporter_effective(values, rule_sets[pair_id])
        return {"effective_status": status, "effective_reasons": reasons}

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


def table_of(entity: str) -> Table:
    return SYNCED_MODELS[entity].__table__  # type: ignore[attr-defined, no-any-return]


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


def to_column(spec: FieldSpec, value: Any, nullable: bool) -> Any:
    """A wire value as the value stored in the local column."""
    if value is None and not nullable:
        return _BLANKS[spec.type]
    decoded = decode_value(spec, value)
    if isinstance(decoded, dt.datetime) and decoded.tzinfo is not None:
        decoded = decoded.astimezone(dt.UTC).replace(tzinfo=None)
    return decoded


def to_wire(spec: FieldSpec, value: Any) -> Any:
    """A local column value as its wire value."""
    return encode_value(spec, value)


_BLANKS: dict[FieldType, Any] = {
    FieldType.STR: "",
    FieldType.INT: 0,
    FieldType.BOOL: False,
    FieldType.LIST: [],
    FieldType.DATE: None,
    FieldType.DATETIME: None,
}


Converter = Callable[[Any], Any]


def _converter(spec: FieldSpec, nullable: bool) -> Converter:
    """A fast wire -> column conversion for one field (the common types pass through)."""
    blank = None if nullable else _BLANKS[spec.type]
    plain = {FieldType.STR: str, FieldType.BOOL: bool, FieldType.LIST: list, FieldType.INT: int}
    wanted = plain.get(spec.type)
    if wanted is not None:

        def passthrough(value: Any) -> Any:
            if value is None:
                return blank
            if type(value) is wanted:
                return value
            return to_column(spec, value, nullable)  # validates, raises ValueError

        return passthrough
    if spec.type is FieldType.DATE:

        def date(value: Any) -> Any:
            return blank if value is None else dt.date.fromisoformat(value)

        return date

    def other(value: Any) -> Any:
        return blank if value is None else to_column(spec, value, nullable)

    return other


class _Columns:
    """Per-entity conversion of wire fields to column values (cached)."""

    _cache: dict[str, list[tuple[str, FieldSpec, bool]]] = {}
    _converters: dict[str, list[tuple[str, Converter]]] = {}

    @classmethod
    def of(cls, entity: str) -> list[tuple[str, FieldSpec, bool]]:
        cols = cls._cache.get(entity)
        if cols is None:
            table = table_of(entity)
            cols = [(f.name, f, bool(table.c[f.name].nullable)) for f in ENTITIES[entity].fields]
            cls._cache[entity] = cols
        return cols

    @classmethod
    def converters(cls, entity: str) -> list[tuple[str, Converter]]:
        convs = cls._converters.get(entity)
        if convs is None:
            convs = [(n, _converter(spec, nullable)) for n, spec, nullable in cls.of(entity)]
            cls._converters[entity] = convs
        return convs


def record_values(rec: Record, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Column values of a record's fields (all of them, or only ``names``)."""
    fields = rec.fields
    if names is None:
        return {name: conv(fields.get(name)) for name, conv in _Columns.converters(rec.entity)}
    wanted = set(names)
    return {
        name: conv(fields.get(name))
        for name, conv in _Columns.converters(rec.entity)
        if name in wanted
    }


def apply_records(
    conn: Connection,
    records: Sequence[Record],
    *,
    derive: DeriveFn | None = None,
    exclude_mutations: Iterable[str] = (),
) -> ApplyStats:
    """Apply server records in the caller's transaction.

    Args:
        conn: a connection inside a write transaction (see :func:`apply_connection`).
        records: the server's records, at most one per id.
        derive: computes local derived columns for an entity's row values.
        exclude_mutations: mutation ids not to treat as waiting (just answered).
    """
    stats = ApplyStats()
    by_entity: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        by_entity[rec.entity].append(rec)
    skip = set(exclude_mutations)
    derive = derive or default_derive(conn)
    for entity, recs in by_entity.items():
        stats.add(_apply_entity(conn, entity, recs, derive, skip))
    return stats


def apply_feed_page(
    conn: Connection, page: dict[str, Any], *, derive: DeriveFn | None = None
) -> ApplyStats:
    """Apply a columnar feed page (``sync.protocol.encode_feed_page`` form).

    Live records new to this machine with no local edit waiting take the bulk path
    (tuples straight from the columnar rows); every other record goes through
    :func:`apply_records` (rebase, conflicts, tombstones, updates).

    Raises:
        ValueError: the page is malformed.
    """
    stats = ApplyStats()
    derive = derive or default_derive(conn)
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
            waiting = _waiting_mutations(conn, ids, set())
            plain = [
                r for r in rows if not r[del_i] and r[id_i] not in known and r[id_i] not in waiting
            ]
            bulk = _bulk_rows(conn, table, entity)
            bulk.insert_tuples(conn, bulk.columnar_inserts(columns, plain, now_text, derive))
            stats.inserted += len(plain)
            others = [r for r in rows if r[del_i] or r[id_i] in known or r[id_i] in waiting]
            if others:
                sub = {"entities": [{"entity": entity, "columns": columns, "rows": others}]}
                records = decode_feed_page({**sub, "cursor": "0", "has_more": False}).records
                stats.add(apply_records(conn, records, derive=derive))
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"malformed feed page: {exc!r}") from exc
    return stats


def _apply_entity(
    conn: Connection,
    entity: str,
    recs: list[Record],
    derive: DeriveFn | None,
    skip: set[str],
) -> ApplyStats:
    stats = ApplyStats()
    table = table_of(entity)
    ids = [r.id for r in recs]
    existing = _existing_versions(conn, table, ids)
    waiting = _waiting_mutations(conn, ids, skip)
    now = utcnow()
    now_text = storage_text(now)
    bulk = _bulk_rows(conn, table, entity)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    tombstones: list[dict[str, Any]] = []
    for rec in recs:
        local_version = existing.get(rec.id)
        if local_version is not None and local_version > rec.version:
            stats.skipped += 1
            continue
        if rec.id in waiting:
            stats.conflicts += _overlay(conn, table, rec, waiting[rec.id], local_version, derive)
            stats.updated += 1
            continue
        base = {"scope": rec.scope, "version": rec.version, "deleted": rec.deleted}
        if rec.deleted:
            if local_version is None:
                stats.skipped += 1  # a tombstone of a record never seen here
            else:
                tombstones.append({"_id": rec.id, **base, "updated_at": now})
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
    _execute_many(conn, table, [], [], tombstones)
    return stats


_bulk: dict[str, BulkRows] = {}


def _bulk_rows(conn: Connection, table: Table, entity: str) -> BulkRows:
    rows = _bulk.get(entity)
    if rows is None:
        derived = [c for c in ("effective_status", "effective_reasons") if c in table.c]
        rows = _bulk[entity] = BulkRows(conn, table, entity, derived)
    return rows


def _execute_many(
    conn: Connection,
    table: Table,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    tombstones: list[dict[str, Any]],
) -> None:
    if inserts:
        conn.execute(insert(table), inserts)
    for rows in (updates, tombstones):
        if rows:
            cols = [k for k in rows[0] if k != "_id"]
            stmt = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in cols})
            )
            conn.execute(stmt, rows)


def _existing_versions(conn: Connection, table: Table, ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(select(table.c.id, table.c.version).where(table.c.id.in_(chunk)))
        out.update({str(r[0]): int(r[1]) for r in rows})
    return out


def _waiting_mutations(
    conn: Connection, ids: list[str], skip: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """Waiting outbox rows per record id, oldest first."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not conn.execute(
        select(outbox_t.c.seq).where(outbox_t.c.state.in_(WAITING)).limit(1)
    ).first():
        return out  # the common case of a fresh pull: nothing to rebase
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = conn.execute(
            select(outbox_t)
            .where(outbox_t.c.record_id.in_(chunk), outbox_t.c.state.in_(WAITING))
            .order_by(outbox_t.c.seq)
        ).mappings()
        for row in rows:
            if row["mutation_id"] not in skip:
                out[str(row["record_id"])].append(dict(row))
    return out


def _overlay(
    conn: Connection,
    table: Table,
    rec: Record,
    mutations: list[dict[str, Any]],
    local_version: int | None,
    derive: DeriveFn | None,
) -> int:
    """Apply ``rec`` under waiting local mutations; returns the conflicts written."""
    conflicts = 0
    kept: set[str] = set()  # fields whose local value stays on top
    local_delete = False
    for mut in mutations:
        if mut["op"] == "delete":
            local_delete = True
            continue
        changes: dict[str, list[Any]] = dict(mut["changes"] or {})
        if mut["state"] == "pending" and rec.deleted:
            conflicts += _delete_conflict(conn, rec, mut)
            continue
        if mut["state"] == "pending":
            result = merge_fields({k: (v[0], v[1]) for k, v in changes.items()}, rec.fields)
            for name, fc in result.conflicts.items():
                _insert_conflict(conn, rec, name, fc.base, fc.mine, fc.theirs, mut["mutation_id"])
                changes.pop(name)
                conflicts += 1
            if result.conflicts:
                _rewrite_changes(conn, mut, changes)
        kept.update(changes)
    values: dict[str, Any] = {"scope": rec.scope, "version": rec.version, "updated_at": utcnow()}
    if local_delete:
        values["deleted"] = True
    else:
        values["deleted"] = rec.deleted
    if not rec.deleted:
        theirs = [n for n in ENTITIES[rec.entity].field_names if n not in kept]
        values.update(record_values(rec, theirs))
    if local_version is None:
        if rec.deleted:
            return conflicts
        values.update(record_values(rec, kept))  # no local row: nothing to keep on top
        conn.execute(insert(table).values(id=rec.id, **values))
    else:
        conn.execute(update(table).where(table.c.id == rec.id).values(**values))
    if derive is not None and not rec.deleted:
        rederive(conn, rec.entity, rec.id, derive)
    return conflicts


def rederive(conn: Connection, entity: str, record_id: str, derive: DeriveFn) -> None:
    """Recompute a local row's derived columns from what it holds now."""
    table = table_of(entity)
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is not None:
        extra = derive(entity, dict(row))
        if extra:
            conn.execute(update(table).where(table.c.id == record_id).values(**extra))


def waiting_fields(conn: Connection, record_id: str) -> set[str]:
    """Fields named by the record's mutations still waiting for the server."""
    changes = conn.execute(
        select(outbox_t.c.changes).where(
            outbox_t.c.record_id == record_id, outbox_t.c.state.in_(WAITING)
        )
    ).scalars()
    return {name for change in changes for name in (change or {})}


def _rewrite_changes(conn: Connection, mut: dict[str, Any], changes: dict[str, Any]) -> None:
    """Drop conflicted fields from a pending mutation (the conflict keeps them)."""
    values: dict[str, Any] = {"changes": changes, "updated_at": utcnow()}
    if not changes:
        values["state"] = "conflict"
    conn.execute(update(outbox_t).where(outbox_t.c.seq == mut["seq"]).values(**values))


def _delete_conflict(conn: Connection, rec: Record, mut: dict[str, Any]) -> int:
    """The server deleted a record this device edited: keep the edit as a conflict."""
    changes = dict(mut["changes"] or {})
    mine = {k: v[1] for k, v in changes.items()}
    _insert_conflict(conn, rec, DELETED_FIELD, False, mine, True, mut["mutation_id"])
    conn.execute(
        update(outbox_t)
        .where(outbox_t.c.seq == mut["seq"])
        .values(state="conflict", updated_at=utcnow())
    )
    return 1


def _insert_conflict(
    conn: Connection,
    rec: Record,
    name: str,
    base: Any,
    mine: Any,
    theirs: Any,
    mutation_id: str | None,
) -> None:
    conn.execute(
        insert(conflict_t).values(
            entity=rec.entity,
            record_id=rec.id,
            field=name,
            base=base,
            mine=mine,
            theirs=theirs,
            server_version=rec.version,
            mutation_id=mutation_id,
            detected_at=utcnow(),
        )
    )


def drop_local_record(conn: Connection, entity: str, record_id: str) -> None:
    """Tombstone a local-only record the server refused to create."""
    table = table_of(entity)
    conn.execute(update(table).where(table.c.id == record_id).values(deleted=True))


def local_wire(conn: Connection, entity: str, record_id: str) -> dict[str, Any] | None:
    """A local record's fields in wire form (None when unknown)."""
    table = table_of(entity)
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None:
        return None
    return {name: to_wire(spec, row[name]) for name, spec, _ in _Columns.of(entity)}
