"""The in-memory state of one push batch, shared by the push and duplicate checks."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import ColumnElement, String, bindparam, func, select
from sqlalchemy.engine import Connection

from sync.protocol import Mutation, MutationResult, Record
from sync.server import audit
from sync.server.roles import Actor, Role, area_of
from sync.server.schema import kabkota_elections, records

CHUNK = 900  # bound parameters per IN (...) list


@dataclass(slots=True)
class Rec:
    """A record as the batch sees it: loaded from the database or created by it."""

    entity: str
    id: str
    scope: str
    version: int
    deleted: bool
    fields: dict[str, Any]
    exists: bool = True  # stored before this batch
    dirty: bool = False
    #: The stored fields and tombstone flag before this batch (None for new records).
    orig: dict[str, Any] | None = None
    orig_deleted: bool = False
    #: The stored version before this batch (0 for new records).
    orig_version: int = 0
    #: Changed by the server itself in this batch (after the pusher's own change):
    #: the pusher does not hold that version, so the feed must bring it.
    by_server: bool = False
    #: An election a KPU kab/kota entered itself (``schema.kabkota_elections``): known
    #: when a kab/kota account writes (the only level its rights depend on), else False.
    kabkota_made: bool = False

    @property
    def area(self) -> str:
        """The kab/kota of a province-scope supporter (see sync.server.roles.area_of)."""
        return area_of(self.entity, self.scope, self.fields)

    def to_record(self) -> Record:
        return Record(
            self.entity, self.id, self.scope, self.version, self.deleted, dict(self.fields)
        )


@dataclass(slots=True)
class Batch:
    """Everything one push batch reads and will write, kept until its one commit."""

    actor: Actor
    batch_id: str
    now: float
    iso: str
    today: dt.date
    #: The election's rules (sync.server.rules) and value domains; off only in the bench baseline.
    rule_checks: bool = True
    state: dict[str, Rec] = field(default_factory=dict)
    results: list[MutationResult] = field(default_factory=list)
    fresh: list[tuple[Mutation, MutationResult]] = field(default_factory=list)
    conflict_rows: list[dict[str, Any]] = field(default_factory=list)
    audit_entries: list[audit.AuditEntry] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # dirty record ids, last change last
    #: ``records.origin`` of what this batch writes: the pushing device when it gets
    #: the answer itself (``POST /v1/push``), "" otherwise (bundles, CLI, seeds).
    origin: str = ""
    #: The rules' verdicts of supporter creates by key (sync.server.rules.check_create):
    #: None, or the refusal's code, field and message. Emptied when the batch writes a
    #: record of another kind (its pairs and elections decide these verdicts).
    create_rules: dict[tuple[Any, ...], tuple[Any, str, str] | None] = field(default_factory=dict)


def chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    """Slices small enough for one ``IN (...)`` list."""
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def among(
    conn: Connection, column: ColumnElement[Any], values: Sequence[str]
) -> Iterator[ColumnElement[bool]]:
    """Conditions ``column IN values``, one statement each, together covering ``values``.

    On SQLite one condition reads every value from one bound JSON array
    (``json_each``): an ``IN (...)`` list costs SQLAlchemy work per value and
    execution (a push looks up thousands of ids three times); elsewhere lists of
    :data:`CHUNK` values.
    """
    if not values:
        return
    if conn.dialect.name == "sqlite":
        listed = func.json_each(orjson.dumps(list(values)).decode("utf-8")).table_valued("value")
        yield column.in_(select(listed.c.value))
        return
    for part in chunks(values):
        yield column.in_(part)


#: The columns :func:`load` reads.
_LOADED = (
    records.c.id,
    records.c.entity,
    records.c.scope,
    records.c.version,
    records.c.deleted,
    records.c.fields,
)
#: SQLite: :func:`load`'s statement, built once, the ids one bound JSON array (as
#: :func:`among` makes it). A push loads four to six times (its precheck, records,
#: parents, elections): building the statement and its cache key each time cost
#: about 100 us of SQLAlchemy work per call; a statement built once keeps its key.
_LOAD_SQLITE = select(*_LOADED).where(
    records.c.id.in_(
        select(func.json_each(bindparam("ids", type_=String)).table_valued("value").c.value)
    )
)


def _loaded_rows(conn: Connection, wanted: list[str]) -> Iterator[Any]:
    """The rows of :data:`_LOADED` of the stored records among ``wanted``."""
    if not wanted:
        return
    if conn.dialect.name == "sqlite":
        yield from conn.execute(_LOAD_SQLITE, {"ids": orjson.dumps(wanted).decode("utf-8")})
        return
    for condition in among(conn, records.c.id, wanted):
        yield from conn.execute(select(*_LOADED).where(condition))


def load(conn: Connection, batch: Batch, ids: Iterable[str]) -> None:
    """Load the stored records of ``ids`` not in the batch state yet (missing ids stay out)."""
    wanted = sorted({i for i in ids if i and i not in batch.state})
    elections: list[str] = []
    if wanted:
        for r in _loaded_rows(conn, wanted):
            fields = orjson.loads(r.fields)
            batch.state[r.id] = Rec(
                r.entity,
                r.id,
                r.scope,
                int(r.version),
                bool(r.deleted),
                fields,
                orig=fields,
                orig_deleted=bool(r.deleted),
                orig_version=int(r.version),
            )
            if r.entity == "election":
                elections.append(r.id)
    if elections and batch.actor.role is Role.KABKOTA:
        _mark_kabkota_made(conn, batch, elections)


def _mark_kabkota_made(conn: Connection, batch: Batch, ids: list[str]) -> None:
    """Mark the loaded elections of ``ids`` that a KPU kab/kota entered itself."""
    for condition in among(conn, kabkota_elections.c.record_id, ids):
        for (record_id,) in conn.execute(select(kabkota_elections.c.record_id).where(condition)):
            batch.state[record_id].kabkota_made = True


def touch(batch: Batch, rec: Rec, *, by_server: bool = False) -> None:
    """Mark a record written by the batch (its feed position follows its last change).

    ``by_server``: the server's own change after the pusher's (see :attr:`Rec.by_server`).
    """
    rec.dirty = True
    rec.by_server = rec.by_server or by_server
    batch.order.append(rec.id)
    if rec.entity != "supporter" and batch.create_rules:
        batch.create_rules.clear()


def origin_of(actor: Actor, run: str) -> str:
    """The ``records.origin`` value of what ``actor``'s device pushes in sync run ``run``
    ("" without a run: an older client, never left out of its feed).

    Scoped to one run of the client's sync (push, then pull, in one process on one
    database) so that what the feed leaves out is surely in that database: a
    database restored from a backup, or a pull cut short, gets the rows of earlier
    runs from the feed as before.

    Stored on every record the run writes, so it is a digest of
    ``username/device_id/run`` rather than that text (about 50 bytes per record):
    64 bits as 16 hex characters, stored as its 8 bytes (revision 0012).
    """
    if not run:
        return ""
    text = f"{actor.username}/{actor.device_id}/{run}".encode()
    return hashlib.blake2b(text, digest_size=8).hexdigest()


def audit_entry(batch: Batch, action: str, rec: Rec, before: Any, after: Any) -> audit.AuditEntry:
    """An audit entry of the batch's caller about ``rec`` as it stands now (its state
    digest is taken here: call it after the change)."""
    return audit.AuditEntry(
        at=batch.iso,
        username=batch.actor.username,
        device_id=batch.actor.device_id,
        action=action,
        entity=rec.entity,
        record_id=rec.id,
        before=before,
        after=after,
        state=audit.state_digest(rec.fields, rec.version, rec.deleted, rec.entity, rec.scope),
    )


def mark_election_makers(conn: Connection, batch: Batch) -> int:
    """Set the server-owned ``made_by_kabkota`` of every live election stored without
    it (a server before the field): true for those a KPU kab/kota entered itself
    (``schema.kabkota_elections``), false for those made above it. Each is a new
    version by the server with its audit entry, so a PC that holds the election sees
    the field in its feed; the number set. The caller writes ``batch`` (a one-off
    repair: revision 0022)."""
    ids = [
        str(r[0])
        for r in conn.execute(
            select(records.c.id).where(records.c.entity == "election", records.c.deleted.is_(False))
        )
    ]
    load(conn, batch, ids)
    made: set[str] = set()
    for condition in among(conn, kabkota_elections.c.record_id, ids):
        made.update(
            str(r[0]) for r in conn.execute(select(kabkota_elections.c.record_id).where(condition))
        )
    marked = 0
    for record_id in ids:
        rec = batch.state[record_id]
        if rec.fields.get("made_by_kabkota") is not None:
            continue
        flag = record_id in made
        rec.fields = {**rec.fields, "made_by_kabkota": flag}
        rec.version += 1
        touch(batch, rec, by_server=True)
        entry = audit_entry(batch, "mark_election_maker", rec, None, {"made_by_kabkota": flag})
        entry.username = "server"
        batch.audit_entries.append(entry)
        marked += 1
    return marked
