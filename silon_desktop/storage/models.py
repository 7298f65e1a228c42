"""SQLAlchemy 2 typed models of the local store.

Synced entities mirror ``sync.protocol.ENTITIES`` field by field (a unit test
checks it). Each has a client-made UUID ``id``, the last known server
``version`` (0 until the server first accepts it), its ``scope`` (region code of
the election) and ``deleted`` (tombstone; rows are never removed by an edit).

Local-only tables: the outbox of mutations, conflicts, receipts, the sync state
and the offline login verifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    ColumnElement,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    false,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from silon_desktop.storage.types import PackedJSON, UtcDateTime


def utcnow() -> dt.datetime:
    """Now, aware in UTC (every datetime column is a :class:`UtcDateTime`)."""
    return dt.datetime.now(dt.UTC)


#: Named constraints, so later (batch) migrations can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class SyncedMixin:
    """Columns every synced record has."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: not indexed: no statement looks synced rows up by scope (revision 0010)
    scope: Mapped[str] = mapped_column(String(13))
    version: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Election(SyncedMixin, Base):
    __tablename__ = "election"

    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="bupati")
    region_code: Mapped[str] = mapped_column(String(13), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    dpt: Mapped[int | None] = mapped_column(Integer)
    subregion_count: Mapped[int | None] = mapped_column(Integer)
    rule_set: Mapped[str] = mapped_column(String(40), default="pilkada-2024")
    support_start: Mapped[dt.date | None] = mapped_column(Date)
    support_end: Mapped[dt.date | None] = mapped_column(Date)
    vermin_end: Mapped[dt.date | None] = mapped_column(Date)
    correction_end: Mapped[dt.date | None] = mapped_column(Date)
    verfak_end: Mapped[dt.date | None] = mapped_column(Date)
    registration_date: Mapped[dt.date | None] = mapped_column(Date)
    penetapan_date: Mapped[dt.date | None] = mapped_column(Date)
    #: The KPU decree's figures (None: not entered; the computed ones are used).
    official_threshold: Mapped[int | None] = mapped_column(Integer)
    official_spread: Mapped[int | None] = mapped_column(Integer)
    official_party_votes: Mapped[int | None] = mapped_column(Integer)
    #: The last DPRD election of the region (None: not entered).
    dprd_seats: Mapped[int | None] = mapped_column(Integer)
    dprd_valid_votes: Mapped[int | None] = mapped_column(Integer)
    #: Server-owned (``sync.protocol``): a KPU kab/kota entered the election itself
    #: (True), or the province or KPU RI made it (False); None: not known (a server
    #: before the field, or not synced yet).
    made_by_kabkota: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class Pair(SyncedMixin, Base):
    """Bakal pasangan calon."""

    __tablename__ = "pair"

    election_id: Mapped[str] = mapped_column(ForeignKey("election.id"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    route: Mapped[str] = mapped_column(String(20), default="perseorangan")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    deputy_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")


class Candidate(SyncedMixin, Base):
    __tablename__ = "candidate"

    pair_id: Mapped[str] = mapped_column(ForeignKey("pair.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="kepala")
    nik: Mapped[str] = mapped_column(String(16), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(1), default="")
    birth_place: Mapped[str] = mapped_column(String(100), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(500), default="")
    education: Mapped[str] = mapped_column(String(40), default="")
    occupation: Mapped[str] = mapped_column(String(100), default="")
    marital_status: Mapped[str] = mapped_column(String(1), default="")


class Document(SyncedMixin, Base):
    """A requirement document (syarat calon); the file sits in the documents folder."""

    __tablename__ = "document"

    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidate.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    size: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="belum")
    note: Mapped[str] = mapped_column(String(500), default="")


class Party(SyncedMixin, Base):
    """Partai pengusung."""

    __tablename__ = "party"

    pair_id: Mapped[str] = mapped_column(ForeignKey("pair.id"), index=True)
    party_name: Mapped[str] = mapped_column(String(100), default="")
    seats: Mapped[int | None] = mapped_column(Integer)
    votes: Mapped[int | None] = mapped_column(Integer)


class PairKey(Base):
    """A small local number for each pair's UUID (revision 0012, issue 19).

    The supporter table and its five list indexes hold this number (one or two
    bytes) instead of the pair's 36-character UUID: about 200 bytes less per
    supporter. Local only: the wire, the outbox and every query still name the pair
    by its UUID (:class:`PairRef` translates). A pair's number is made when the pair
    row is inserted (trigger ``pair_key_for_pair``) or by :func:`pair_keys_sql`
    where supporters may arrive before their pair (a feed page); never changed or
    reused (``AUTOINCREMENT`` is not needed: rows are never deleted).
    """

    __tablename__ = "pair_key"

    key: Mapped[int] = mapped_column(Integer, primary_key=True)
    pair_id: Mapped[str] = mapped_column(String(36), unique=True)


pair_key_t: Table = PairKey.__table__  # type: ignore[assignment]

#: Every pair inserted gets its number (any path: the repository, a sync, a snapshot).
PAIR_KEY_TRIGGER = (
    "CREATE TRIGGER pair_key_for_pair AFTER INSERT ON pair BEGIN"
    " INSERT OR IGNORE INTO pair_key (pair_id) VALUES (NEW.id); END"
)
event.listen(Pair.__table__, "after_create", DDL(PAIR_KEY_TRIGGER))  # type: ignore[no-untyped-call]

#: Numbers for pair UUIDs not numbered yet (``executemany`` with ``pair_id``).
PAIR_KEYS_SQL = "INSERT OR IGNORE INTO pair_key (pair_id) VALUES (?)"


class PairRef(TypeDecorator[str]):
    """A pair's UUID, stored as its :class:`PairKey` number.

    SQL-level, so every statement SQLAlchemy compiles keeps naming pairs by UUID: a
    bound UUID becomes ``(SELECT key FROM pair_key WHERE pair_id = ?)`` (in a WHERE,
    an INSERT or an UPDATE; SQLite evaluates it once per statement, so
    ``pair_id = ?`` still searches the indexes), and the column in a SELECT list
    reads back the UUID. The column inside another expression (a function, a join
    condition) is the number: :func:`pair_uuid` gives the UUID there. Inserting a
    supporter of a pair with no number fails (NOT NULL): the number must exist first.
    """

    impl = Integer
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return (
            select(pair_key_t.c.key)
            .where(pair_key_t.c.pair_id == type_coerce(bindvalue, String))
            .scalar_subquery()
        )

    def column_expression(self, column: Any) -> Any:
        return pair_uuid(column)


def pair_keys(conn: Connection, pair_ids: Iterable[str]) -> dict[str, int]:
    """The local numbers of these pair UUIDs, each made first where it is missing
    (in the caller's transaction)."""
    wanted = sorted(set(pair_ids))
    if not wanted:
        return {}
    conn.exec_driver_sql(PAIR_KEYS_SQL, [(pair_id,) for pair_id in wanted])
    found = conn.execute(
        select(pair_key_t.c.pair_id, pair_key_t.c.key).where(pair_key_t.c.pair_id.in_(wanted))
    )
    return {str(pair_id): int(key) for pair_id, key in found}


def pair_uuid(column: Any) -> ColumnElement[str]:
    """The pair UUID of a :class:`PairRef` column, as an SQL expression."""
    return (
        select(pair_key_t.c.pair_id)
        .where(pair_key_t.c.key == type_coerce(column, Integer))
        .scalar_subquery()
    )


class Supporter(SyncedMixin, Base):
    """Pendukung of an independent pair, with administrative and field verification."""

    __tablename__ = "supporter"

    #: the pair's UUID, stored as its local number (:class:`PairRef`, revision 0012)
    pair_id: Mapped[str] = mapped_column(PairRef, ForeignKey("pair_key.key"))
    nik: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    birth_place: Mapped[str] = mapped_column(String(100), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="")
    marital_status: Mapped[str] = mapped_column(String(1), default="")
    occupation: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    rt: Mapped[str] = mapped_column(String(3), default="")
    rw: Mapped[str] = mapped_column(String(3), default="")
    desa_code: Mapped[str] = mapped_column(String(13), default="")
    kecamatan_code: Mapped[str] = mapped_column(String(8), default="")
    kabkota_code: Mapped[str] = mapped_column(String(5), default="")
    has_id_scan: Mapped[bool] = mapped_column(Boolean, default=False)
    nik_from_number: Mapped[bool] = mapped_column(Boolean, default=False)
    check_status: Mapped[str] = mapped_column(String(3), default="")
    check_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    admin_status: Mapped[str] = mapped_column(String(3), default="")
    admin_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    admin_by: Mapped[str] = mapped_column(String(64), default="")
    admin_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    field_status: Mapped[str] = mapped_column(String(3), default="")
    field_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    field_method: Mapped[str] = mapped_column(String(20), default="")
    field_by: Mapped[str] = mapped_column(String(64), default="")
    field_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    external_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Server-owned: a citizen's objection on the public pages is open (revision 0005).
    public_objection: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The round the row arrived in: submission | correction_1 | correction_2.
    round: Mapped[str] = mapped_column(String(16), default="submission")
    #: Withdrawal (revision 0007), set with the tombstone: why (ganda,
    #: ditarik_pendukung, salah_input, diganti_impor, lainnya), a note, who,
    #: when, and for a duplicate merged away the id of the row kept.
    withdrawn_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    withdrawn_note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    withdrawn_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    duplicate_of: Mapped[str] = mapped_column(String(36), default="", server_default="")
    #: Local, derived from the fields above for fast filtering and counting:
    #: the effective status (field > admin > check) and its reasons as "A,B".
    effective_status: Mapped[str] = mapped_column(String(3), default="")
    effective_reasons: Mapped[str] = mapped_column(String(200), default="")

    #: The supporters table lists, filters and sorts a pair's LIVE rows
    #: (``pair_id = ? AND deleted IS 0``) by the last column, so ``deleted`` comes
    #: second: a page, a count or the end of the table reads index entries only.
    #: Queries on ``pair_id`` alone still use the first column (revision 0003).
    #: ``pair_id`` is the pair's local number (revision 0012): one byte per entry.
    #: The kecamatan and desa indexes end in ``nik`` (then the implicit rowid, the
    #: paging tie-breaker): a filtered list pages in NIK order without a sort.
    __table_args__ = (
        Index("ix_supporter_pair_nik", "pair_id", "deleted", "nik"),
        Index("ix_supporter_pair_status", "pair_id", "deleted", "effective_status"),
        Index("ix_supporter_pair_name", "pair_id", "deleted", "name"),
        Index("ix_supporter_pair_kecamatan", "pair_id", "deleted", "kecamatan_code", "nik"),
        Index("ix_supporter_pair_desa", "pair_id", "deleted", "desa_code", "nik"),
        # Rows with a citizen's objection: counted and filtered (revision 0005), from
        # a partial index holding those rows only (revision 0010: a few rows, where an
        # index over every row took about 47 bytes per supporter). SQLite uses it for
        # a query whose WHERE repeats ``public_objection IS 1``, as the filter and
        # the count do (``supporter_queries``).
        Index(
            "ix_supporter_pair_objection",
            "pair_id",
            "deleted",
            "public_objection",  # in the entries (0 bytes): the count reads them alone
            sqlite_where=text("public_objection IS 1"),
        ),
    )


SYNCED_MODELS: dict[str, type[SyncedMixin]] = {
    "election": Election,
    "pair": Pair,
    "candidate": Candidate,
    "document": Document,
    "party": Party,
    "supporter": Supporter,
}

#: Columns of a synced model that are local and never travel on the wire.
LOCAL_COLUMNS = frozenset(
    {"id", "scope", "version", "deleted", "updated_at", "effective_status", "effective_reasons"}
)


class OutboxMutation(Base):
    """A local edit waiting for (or done with) the server.

    ``state``: pending (not sent; later edits coalesce into it), sent (in a batch
    whose answer has not come), acked (applied or merged), conflict, rejected.
    """

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    scope: Mapped[str] = mapped_column(String(13))
    op: Mapped[str] = mapped_column(String(10))
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    #: {field: [old, new]} in wire form (JSON values)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: a :class:`silon_desktop.storage.outbox.State` (rows are made by ``outbox.outbox_row``)
    state: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: not indexed: nothing looks outbox rows up by batch (revision 0008)
    batch_id: Mapped[str | None] = mapped_column(String(36))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    acked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    server_version: Mapped[int | None] = mapped_column(Integer)
    #: the server's answer for this mutation, as received
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    via_bundle: Mapped[str | None] = mapped_column(String(255))


class Conflict(Base):
    """A field changed on both sides: mine, theirs and original, kept after resolution."""

    __tablename__ = "conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(40))
    base: Mapped[Any] = mapped_column(JSON, nullable=True)
    mine: Mapped[Any] = mapped_column(JSON, nullable=True)
    theirs: Mapped[Any] = mapped_column(JSON, nullable=True)
    server_version: Mapped[int] = mapped_column(Integer, default=0)
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    detected_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    #: mine | theirs | edited
    resolution: Mapped[str | None] = mapped_column(String(10))
    resolved_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    resolution_mutation_id: Mapped[str | None] = mapped_column(String(36))


class Receipt(Base):
    """A signed receipt of the server for an accepted push batch: proof of filing."""

    __tablename__ = "receipt"

    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    server_time: Mapped[str] = mapped_column(String(40))
    #: stored compressed (revision 0011); read back as the dict it was
    body: Mapped[dict[str, Any]] = mapped_column(PackedJSON)
    signature: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


#: The :class:`SyncState` key of the last complete sync ("YYYY-MM-DDTHH:MM:SS", UTC).
LAST_SYNC_STATE_KEY = "last_success_at"


class SyncState(Base):
    """Key-value sync state: feed cursor, stage statuses, last successful sync."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class LocalAccount(Base):
    """The offline login verifier (an argon2 hash, never the password)."""

    __tablename__ = "local_account"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    verifier: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="")
    scope: Mapped[str] = mapped_column(String(13), default="")
    server_url: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class RecordHistory(Base):
    """Local journal of every edit made on this device (added in revision 0002).

    Outbox rows are coalesced and may be purged once acknowledged; the journal
    keeps each edit as made: who, on which device, when, old and new values
    (``{field: [old, new]}`` in wire form, as in the outbox).
    """

    __tablename__ = "record_history"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36))
    #: create | update | delete
    action: Mapped[str] = mapped_column(String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user: Mapped[str] = mapped_column(String(64), default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (Index("ix_record_history_record", "entity", "record_id"),)
