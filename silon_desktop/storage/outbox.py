"""The outbox: local edits waiting for the server, and their state transitions.

Format (table ``outbox``, model :class:`~silon_desktop.storage.models.OutboxMutation`),
one row per mutation; bulk writers (``storage.bulk``) insert rows of exactly
this shape with Core ``executemany`` (see :func:`outbox_row`):

=============== ==============================================================
seq             local order (autoincrement); mutations are pushed oldest first
mutation_id     UUID4 text: the idempotency key. Never changes once the row has
                left the device (sent or exported to a bundle).
entity          ``sync.protocol.ENTITIES`` name, e.g. ``"supporter"``
record_id       the record's UUID
scope           the record's scope (region code of its election)
op              ``"upsert"`` (create when ``base_version`` is 0, else update),
                ``"delete"`` (tombstone) or ``"restore"`` (a withdrawal undone)
base_version    the server version the (first coalesced) edit was made on
changes         JSON object ``{field: [old, new]}`` in WIRE form
                (``sync.protocol.encode_value``: dates ``YYYY-MM-DD``, datetimes
                ISO 8601 UTC with ``Z``, lists of strings). A create has
                ``old = null`` for every field it sets; a delete only the
                withdrawal fields it sets (``sync.protocol.WITHDRAWAL_FIELDS``:
                a withdrawn supporter's reason, who, when), often ``{}``.
state           :class:`State`: ``pending`` -> ``sent`` -> ``acked`` | ``conflict`` | ``rejected``
created_at      when the first edit was made (UTC)
updated_at      when the last edit was coalesced into it
batch_id        the push batch it was sent in (kept when re-queued)
sent_at         when it was (last) sent
acked_at        when the answer arrived
server_version  the record's version in the server's answer
result          the server's answer for this mutation, as received (JSON)
via_bundle      the bundle file it was exported to, if any (``restored:<backup>``:
                it was waiting in a restored backup, so it may have left)
=============== ==============================================================

Coalescing (:func:`enqueue`): a new edit of a record merges into the record's
newest mutation that is ``pending`` and has never left the device
(``sent_at``, ``batch_id`` and ``via_bundle`` all null):

- upsert onto upsert: per field the earliest ``old`` and the latest ``new``;
  a field changed back to its old value drops out; an update left with no
  field is removed (a create is kept even when empty: it makes the record);
  ``base_version`` stays the earliest.
- delete onto upsert: when that upsert is a create (base 0) and it is the only
  outbox row the record ever had, the server has never seen the record: both
  are dropped (the local row stays as a tombstone at version 0, no mutation).
  Otherwise the upsert becomes the delete (its field changes stay in the row
  for a restore but are never sent: a delete sends only its own withdrawal
  changes, the reason).
- restore onto a delete that never left the device: the delete is taken back
  (an upsert again with the edit folded into it, or no mutation at all);
  otherwise a ``restore`` mutation of its own, never coalesced into: what
  follows it starts a new mutation.
- anything after a delete, or after a mutation that already left the device,
  starts a new mutation. A second delete of a deleted record is a no-op.

The bulk writer (``storage.bulk``) merges with the same :func:`merge_changes`
through :func:`coalesce_updates`; a bulk create is one ``INSERT ... SELECT``
per batch of exactly the :func:`outbox_row` shape, whose ``changes`` is a
marker ``{"$record": [null, MASK]}``: the values are read from the record
whenever the mutation is read as one (:func:`claim_batch`, :func:`waiting`,
:func:`waiting_by_record`; see ``storage.record_changes``), so an import does
not store every supporter twice.

Every other transition is here too, each in the caller's transaction:

- claiming (:func:`claim_batch`): ``pending`` -> ``sent`` with a batch id and
  time. Rows left ``sent`` by a crash or a lost answer are claimed again first
  with the SAME mutation ids: the server answers a repeated id with its stored
  result, so resending is safe. Such rows are never coalesced into.
- answers (:func:`record_answers`): ``sent`` -> ``acked`` | ``conflict`` |
  ``rejected`` with the server's version and its answer as received;
  refusals of a whole batch (:func:`refuse`) reject the one mutation named.
- conflict rewrites while applying server records under local edits
  (:func:`drop_conflicted`, :func:`mark_conflict`).
- bundles: marking what leaves on a stick (:func:`export_waiting`) and taking
  in another office's mutations (:func:`take_in`).
- retention (UU PDP Art. 43-44): ``acked`` rows whose batch has a verified
  receipt move to the archive file beside the database, without their values
  (:func:`archive_acknowledged`, :func:`archived`); a deleted supporter's values
  are nulled in its answered rows (:func:`blank_values`). See
  ``storage.retention``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    LargeBinary,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from silon_desktop.storage import record_changes
from silon_desktop.storage.compiled import ManyStatement
from silon_desktop.storage.db import read_only
from silon_desktop.storage.errors import (
    CorruptDatabase,
    StoreEnvironmentError,
    environment_error,
    environment_errors,
)
from silon_desktop.storage.models import OutboxMutation, Receipt, utcnow
from silon_desktop.storage.types import storage_text
from sync.protocol import (
    ENTITIES,
    WITHDRAWAL_FIELDS,
    JsonValue,
    Mutation,
    MutationResult,
    Op,
    ResultStatus,
    encode_value,
    new_id,
)

log = logging.getLogger(__name__)


class State(StrEnum):
    """The state of an outbox row (column ``state``)."""

    PENDING = "pending"  # not sent; later edits of the record coalesce into it
    SENT = "sent"  # claimed into a batch whose answer has not been recorded
    ACKED = "acked"  # applied or merged by the server
    CONFLICT = "conflict"  # some field changed on both sides (see table ``conflict``)
    REJECTED = "rejected"  # refused by the server; the local row was put back


#: States of mutations still waiting for the server.
WAITING: tuple[State, ...] = (State.PENDING, State.SENT)

#: Server answer -> outbox state.
_STATE_FOR_RESULT = {
    ResultStatus.APPLIED: State.ACKED,
    ResultStatus.MERGED: State.ACKED,
    ResultStatus.CONFLICT: State.CONFLICT,
    ResultStatus.REJECTED: State.REJECTED,
}
#: The same as column text (read once per answer).
_STATE_TEXT = {status: state.value for status, state in _STATE_FOR_RESULT.items()}
_CHUNK = 500  # ids per IN (...) clause
_WAITING_VALUES = [s.value for s in WAITING]

outbox_t: Table = OutboxMutation.__table__  # type: ignore[assignment]
receipt_t: Table = Receipt.__table__  # type: ignore[assignment]

WireChanges = dict[str, list[JsonValue]]
#: Where outbox transitions run: a Core connection, or an ORM session's connection.
Executor = Connection | Session


def _conn(where: Executor) -> Connection:
    return where.connection() if isinstance(where, Session) else where


def encode_changes(entity: str, changes: Mapping[str, tuple[Any, Any]]) -> WireChanges:
    """``{field: (old, new)}`` of Python values as the wire form ``{field: [old, new]}``."""
    spec = ENTITIES[entity]
    return {
        name: [encode_value(spec.spec(name), old), encode_value(spec.spec(name), new)]
        for name, (old, new) in changes.items()
    }


def outbox_row(
    entity: str,
    record_id: str,
    scope: str,
    op: Op | str,
    base_version: int,
    changes: WireChanges,
    *,
    now: dt.datetime | None = None,
    mutation_id: str | None = None,
) -> dict[str, Any]:
    """The column values of a new ``pending`` outbox row (for Core bulk inserts).

    Args:
        changes: ``{field: [old, new]}`` already in wire form.
    """
    stamp = now or utcnow()
    return {
        "mutation_id": mutation_id or new_id(),
        "entity": entity,
        "record_id": record_id,
        "scope": scope,
        "op": str(Op(op)),
        "base_version": base_version,
        "changes": changes,
        "state": State.PENDING.value,
        "created_at": stamp,
        "updated_at": stamp,
        "batch_id": None,
        "sent_at": None,
        "acked_at": None,
        "server_version": None,
        "result": None,
        "via_bundle": None,
    }


# -- coalescing ------------------------------------------------------------------------


def merge_changes(
    earlier: Mapping[str, Sequence[JsonValue]],
    later: Mapping[str, Sequence[JsonValue]],
    confirmed: Collection[str] = (),
) -> WireChanges:
    """The one merge of pending changes: per field the earliest old and the latest new;
    a field changed back to its earliest old value drops out, unless ``confirmed`` names
    it (:func:`enqueue`)."""
    merged = {name: [pair[0], pair[1]] for name, pair in earlier.items()}
    for name, (old, new) in later.items():
        first_old = merged[name][0] if name in merged else old
        if first_old == new and name not in confirmed:
            merged.pop(name, None)
        else:
            merged[name] = [first_old, new]
    return merged


def _open_to_coalescing(state: str, sent_at: Any, batch_id: Any, via_bundle: Any) -> bool:
    """Pending and never left the device (not sent, not exported to a bundle)."""
    return state == State.PENDING and sent_at is None and batch_id is None and via_bundle is None


def enqueue(
    session: Session,
    entity: str,
    record_id: str,
    scope: str,
    op: Op | str,
    base_version: int,
    changes: Mapping[str, Sequence[JsonValue]],
    confirmed: Collection[str] = (),
) -> str | None:
    """Record an edit, coalescing it into the record's open pending mutation.

    Args:
        session: the session writing the row (same transaction).
        changes: ``{field: [old, new]}`` in wire form; ignored for a delete.
        confirmed: fields of ``changes`` sent even where old equals new: a value a
            person confirmed as it stands (a verdict kept on a row with a citizen's
            objection, which the server resolves only with a verdict naming the status).

    Returns:
        The mutation id now carrying the edit, or None when nothing is left to
        send (an update that undid itself, a create deleted before any push).
    """
    op = Op(op)
    wire = {name: [pair[0], pair[1]] for name, pair in changes.items()}
    open_row = _open_mutation(session, entity, record_id)
    if op is Op.RESTORE:
        return _restore_onto(session, entity, record_id, scope, base_version, open_row)
    if open_row is not None and open_row.op == Op.RESTORE:
        # A restore stays a mutation of its own: what follows it is sent after it.
        return _insert(session, entity, record_id, scope, op, base_version, wire, confirmed)
    if open_row is None or open_row.op == Op.DELETE:
        if open_row is not None and op is Op.DELETE:
            return open_row.mutation_id
        return _insert(session, entity, record_id, scope, op, base_version, wire, confirmed)
    if op is Op.DELETE:
        return _delete_onto(session, open_row, wire)
    return _coalesce(session, open_row, wire, confirmed)


def has_rows(session: Session, entity: str, record_id: str) -> bool:
    """Whether the record has any outbox row (sent or not)."""
    return (
        session.scalar(
            select(OutboxMutation.seq)
            .where(OutboxMutation.record_id == record_id, OutboxMutation.entity == entity)
            .limit(1)
        )
        is not None
    )


#: The newest outbox row of a record (built once: it runs on every edit).
_NEWEST_OF_RECORD = (
    select(OutboxMutation)
    .where(
        OutboxMutation.record_id == bindparam("record_id"),
        OutboxMutation.entity == bindparam("entity"),
    )
    .order_by(OutboxMutation.seq.desc())
    .limit(1)
)


def _open_mutation(session: Session, entity: str, record_id: str) -> OutboxMutation | None:
    # No autoflush: the edit's own row changes wait for the one flush at commit.
    # The outbox rows of the record are as flushed: a row is inserted or deleted
    # with a flush of its own, and a row changed in this session is the one the
    # select returns (the session's object, not re-read).
    with session.no_autoflush:
        newest = session.scalars(
            _NEWEST_OF_RECORD, {"record_id": record_id, "entity": entity}
        ).first()
    if newest is None or not _open_to_coalescing(
        newest.state, newest.sent_at, newest.batch_id, newest.via_bundle
    ):
        return None
    return newest


def _insert(
    session: Session,
    entity: str,
    record_id: str,
    scope: str,
    op: Op,
    base_version: int,
    wire: WireChanges,
    confirmed: Collection[str] = (),
) -> str | None:
    if op is Op.DELETE:
        wire = withdrawal_changes(wire)
    else:
        wire = {k: v for k, v in wire.items() if v[0] != v[1] or k in confirmed}
        if not wire and base_version != 0:
            return None  # an update that changes nothing
    row = OutboxMutation(**outbox_row(entity, record_id, scope, op, base_version, wire))
    session.add(row)
    session.flush()
    return row.mutation_id


def _coalesce(
    session: Session, row: OutboxMutation, wire: WireChanges, confirmed: Collection[str] = ()
) -> str | None:
    merged = merge_changes(row.changes, wire, confirmed)
    if not merged and row.base_version != 0:
        session.delete(row)
        session.flush()
        return None
    row.changes = merged
    row.updated_at = utcnow()
    return row.mutation_id  # written by the session's next flush (at the latest, its commit)


def withdrawal_changes(wire: WireChanges) -> WireChanges:
    """The changes a delete carries: the withdrawal fields it sets."""
    return {k: v for k, v in wire.items() if k in WITHDRAWAL_FIELDS and v[0] != v[1]}


def _delete_onto(session: Session, row: OutboxMutation, wire: WireChanges) -> str | None:
    is_create = row.base_version == 0
    others = session.scalar(
        select(func.count())
        .select_from(OutboxMutation)
        .where(
            OutboxMutation.record_id == row.record_id,
            OutboxMutation.entity == row.entity,
            OutboxMutation.seq != row.seq,
        )
    )
    if is_create and not others:
        session.delete(row)
        session.flush()
        return None
    row.op = str(Op.DELETE)
    # The folded edit's changes stay in the row (never sent: see _claimed), so a
    # restore can give the edit back.
    folded = {k: v for k, v in (row.changes or {}).items() if k not in WITHDRAWAL_FIELDS}
    row.changes = {**folded, **withdrawal_changes(wire)}
    row.updated_at = utcnow()
    session.flush()
    return row.mutation_id


def _restore_onto(
    session: Session,
    entity: str,
    record_id: str,
    scope: str,
    base_version: int,
    open_row: OutboxMutation | None,
) -> str | None:
    """A withdrawal undone.

    - The delete has not left the device: it is taken back (an edit folded into
      it is an upsert again; nothing else: no mutation at all).
    - Otherwise a ``restore`` mutation of its own.

    Returns the mutation id carrying the record's state, or None when nothing is
    left to send. (A record created here and deleted before any push has no
    mutation left at all: :meth:`Repository.restore` creates it again.)
    """
    if open_row is not None and open_row.op == Op.DELETE:
        folded = {k: v for k, v in (open_row.changes or {}).items() if k not in WITHDRAWAL_FIELDS}
        if folded or open_row.base_version == 0:
            open_row.op = str(Op.UPSERT)
            open_row.changes = folded
            open_row.updated_at = utcnow()
            session.flush()
            return open_row.mutation_id
        session.delete(open_row)
        session.flush()
        return None
    row = OutboxMutation(**outbox_row(entity, record_id, scope, Op.RESTORE, base_version, {}))
    session.add(row)
    session.flush()
    return row.mutation_id


def coalesce_updates(
    conn: Connection,
    entity: str,
    scope: str,
    changed: Mapping[str, tuple[int, WireChanges]],
    now: dt.datetime,
) -> None:
    """Updates of many records at once (the bulk writer), with :func:`enqueue`'s rules.

    Args:
        changed: record id -> (its version, ``{field: [old, new]}`` in wire form),
            each with at least one changed field.
    """
    if not changed:
        return
    open_rows = _open_upserts(conn, entity, list(changed))
    fresh: list[dict[str, Any]] = []
    rewrites: list[dict[str, Any]] = []
    drops: list[int] = []
    for record_id, (version, diff) in changed.items():
        row = open_rows.get(record_id)
        if row is None:
            fresh.append(outbox_row(entity, record_id, scope, Op.UPSERT, version, diff, now=now))
            continue
        merged = merge_changes(row["changes"], diff)
        if not merged and row["base_version"] != 0:
            drops.append(int(row["seq"]))
        else:
            rewrites.append({"_seq": row["seq"], "changes": merged, "updated_at": now})
    if rewrites:
        conn.execute(
            update(outbox_t)
            .where(outbox_t.c.seq == bindparam("_seq"))
            .values(changes=bindparam("changes"), updated_at=bindparam("updated_at")),
            rewrites,
        )
    for start in range(0, len(drops), _CHUNK):
        conn.execute(delete(outbox_t).where(outbox_t.c.seq.in_(drops[start : start + _CHUNK])))
    if fresh:
        conn.execute(insert(outbox_t), fresh)


def _open_upserts(
    conn: Connection, entity: str, record_ids: list[str]
) -> dict[str, Mapping[str, Any]]:
    """Per record, its newest mutation when that one is an upsert still open to coalescing."""
    newest: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(record_ids), _CHUNK):
        query = (
            select(outbox_t)
            .where(
                outbox_t.c.entity == entity,
                outbox_t.c.record_id.in_(record_ids[start : start + _CHUNK]),
            )
            .order_by(outbox_t.c.seq)
        )
        for row in conn.execute(query).mappings():
            newest[row["record_id"]] = dict(row)
    return {
        record_id: row
        for record_id, row in newest.items()
        if row["op"] == Op.UPSERT.value
        and _open_to_coalescing(row["state"], row["sent_at"], row["batch_id"], row["via_bundle"])
    }


# -- claiming --------------------------------------------------------------------------

_CLAIM_COLUMNS = (
    outbox_t.c.seq,
    outbox_t.c.mutation_id,
    outbox_t.c.entity,
    outbox_t.c.record_id,
    outbox_t.c.scope,
    outbox_t.c.op,
    outbox_t.c.base_version,
    type_coerce(outbox_t.c.changes, Text).label("changes_json"),
    type_coerce(outbox_t.c.created_at, Text).label("created_text"),
)


@dataclass(slots=True)
class Claimed:
    """A waiting mutation in wire form: ``changes`` is a pre-serialised JSON fragment,
    never parsed on the way out; ``changes_json`` is that JSON text; ``seq`` the
    outbox row (answers are recorded by it)."""

    wire: dict[str, Any]
    changes_json: str
    seq: int = 0

    def mutation(self) -> Mutation:
        w = self.wire
        changes = orjson.loads(self.changes_json) if self.changes_json else {}
        return Mutation(
            id=w["id"],
            entity=w["entity"],
            record_id=w["record_id"],
            scope=w["scope"],
            op=Op(w["op"]),
            base_version=w["base_version"],
            changes={k: (v[0], v[1]) for k, v in changes.items()},
            created_at=w["created_at"],
        )


_DELETE = Op.DELETE.value


def _claimed(row: Any, expanded: Mapping[str, str] | None = None) -> Claimed:
    # Once per claimed mutation: the row is unpacked as a tuple (the order of
    # _CLAIM_COLUMNS) rather than read by name.
    seq, mutation_id, entity, record_id, scope, op, base_version, text, created = row
    text = text or "{}"
    if expanded and record_id in expanded and record_changes.is_marked(text):
        text = expanded[record_id]
    if op == _DELETE and text != "{}":
        # An edit folded into the delete stays in the row (for a restore), never on
        # the wire: a delete tells the server only the withdrawal.
        text = orjson.dumps(withdrawal_changes(orjson.loads(text))).decode("utf-8")
    # created: "YYYY-MM-DD HH:MM:SS.ffffff", naive UTC
    wire = {
        "id": mutation_id,
        "entity": entity,
        "record_id": record_id,
        "scope": scope,
        "op": op,
        "base_version": int(base_version or 0),
        "changes": orjson.Fragment(text),
        "created_at": created[:23].replace(" ", "T") + "Z" if created else "",
    }
    return Claimed(wire, text, seq)


def claim_batch(
    where: Executor, limit: int, in_flight: Collection[str] = ()
) -> tuple[str, list[Claimed]]:
    """Claim up to ``limit`` mutations (unanswered ``sent`` ones first) as a new batch.

    Args:
        in_flight: batch ids sent in this run and not answered yet (not claimed again).

    Returns:
        The batch id ("" when nothing waits) and the claimed mutations, oldest first.
    """
    conn = _conn(where)
    rows: list[Any] = []
    batch_id = str(uuid.uuid4())
    now = utcnow()
    for state in (State.SENT, State.PENDING):
        if len(rows) >= limit:
            break
        condition = [outbox_t.c.state == state.value]
        if state is State.SENT and in_flight:
            condition.append(outbox_t.c.batch_id.not_in(list(in_flight)))
        # One statement: the oldest rows of the state (through the state index, in
        # seq order), updated by primary key and read back (RETURNING, in no order).
        oldest = (
            select(outbox_t.c.seq)
            .where(*condition)
            .order_by(outbox_t.c.seq)
            .limit(limit - len(rows))
            .scalar_subquery()
        )
        found = conn.execute(
            update(outbox_t)
            .where(outbox_t.c.seq.in_(oldest))
            .values(state=State.SENT.value, batch_id=batch_id, sent_at=now)
            .returning(*_CLAIM_COLUMNS)
        ).all()
        rows += sorted(found, key=_seq)
    if not rows:
        return "", []
    expanded = _expand(conn, rows)
    claimed = [_claimed(r, expanded) for r in rows]
    _keep_only_sent(
        conn, [c for r, c in zip(rows, claimed, strict=True) if r.changes_json != c.changes_json]
    )
    return batch_id, claimed


def _seq(row: Any) -> int:
    return int(row.seq)


def _keep_only_sent(conn: Connection, gone: Sequence[Claimed]) -> None:
    """Deletes that leave the device keep in their row only what is sent: the
    withdrawal changes.

    An edit folded into a delete stays in the row only so that a restore of a delete
    that never left the device can give it back (:func:`_restore_onto`). Once the
    delete is sent (or exported in a bundle) it is no longer open, a restore is a
    mutation of its own, and the folded edit was never told to the server: kept,
    it would read as acknowledged with the delete (the row's ``changes`` of an
    ``acked`` or ``conflict`` mutation are what the server applied) and as waiting
    for the server (:func:`waiting_fields`).
    """
    deletes = [c for c in gone if c.wire["op"] == Op.DELETE.value]
    if deletes:
        conn.execute(
            update(outbox_t)
            .where(outbox_t.c.mutation_id == bindparam("_id"))
            .values(changes=bindparam("_changes")),
            [{"_id": c.wire["id"], "_changes": orjson.loads(c.changes_json)} for c in deletes],
        )


def _expand(conn: Connection, rows: Sequence[Any]) -> dict[str, str]:
    """Creates stored as a marker, read from their records (``storage.record_changes``):
    record id -> the full changes text."""
    marked: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        if record_changes.is_marked(row.changes_json):
            marked.setdefault(row.entity, []).append((row.record_id, row.changes_json))
    expanded: dict[str, str] = {}
    for entity, items in marked.items():
        expanded.update(record_changes.expand(conn, entity, items))
    return expanded


def waiting(where: Executor, mutation_id: str | None = None) -> list[Claimed]:
    """Mutations still waiting for the server (one, given its id), oldest first."""
    conn = _conn(where)
    condition: list[ColumnElement[bool]] = [outbox_t.c.state.in_(_WAITING_VALUES)]
    if mutation_id is not None:
        condition.append(outbox_t.c.mutation_id == mutation_id)
    rows = conn.execute(select(*_CLAIM_COLUMNS).where(*condition).order_by(outbox_t.c.seq)).all()
    expanded = _expand(conn, rows)
    return [_claimed(r, expanded) for r in rows]


def waiting_count(where: Executor) -> int:
    """How many mutations wait for the server (pending or sent)."""
    return int(
        _conn(where)
        .execute(
            select(func.count()).select_from(outbox_t).where(outbox_t.c.state.in_(_WAITING_VALUES))
        )
        .scalar_one()
    )


def counts(where: Executor) -> dict[State, int]:
    """How many mutations are in each state (every state present, 0 when none)."""
    rows = _conn(where).execute(select(outbox_t.c.state, func.count()).group_by(outbox_t.c.state))
    found = {str(state): int(n) for state, n in rows}
    return {state: found.get(state.value, 0) for state in State}


# -- answers ---------------------------------------------------------------------------


def _answer(key: ColumnElement[Any]) -> ManyStatement:
    return ManyStatement(
        lambda: (
            update(outbox_t)
            .where(key == bindparam("_id"))
            .values(
                state=bindparam("state"),
                acked_at=bindparam("acked_at"),
                server_version=bindparam("server_version"),
                result=bindparam("result"),
            )
        )
    )


_ANSWER = _answer(outbox_t.c.mutation_id)
#: The same by primary key, for mutations claimed in this run (no lookup of the id).
_ANSWER_BY_SEQ = _answer(outbox_t.c.seq)


def record_answers(
    where: Executor,
    answers: Iterable[tuple[MutationResult, Mapping[str, Any]]],
    seqs: Mapping[str, int] | None = None,
) -> int:
    """Store the server's answers: state, the record's version, the answer as received.

    Args:
        answers: each result with its wire form as the server sent it.
        seqs: mutation id -> outbox row (``Claimed.seq``) of the mutations answered,
            when the caller has them: those rows are updated by primary key.

    Returns:
        How many outbox rows took an answer (an id this device never sent is skipped).
    """
    stamp = storage_text(utcnow())
    by_seq: list[dict[str, Any]] = []
    by_id: list[dict[str, Any]] = []
    for result, raw in answers:
        seq = seqs.get(result.mutation_id) if seqs else None
        row = {
            "_id": result.mutation_id if seq is None else seq,
            "state": _STATE_TEXT[result.status],
            "acked_at": stamp,
            "server_version": result.version or None,
            "result": orjson.dumps(raw).decode(),
        }
        (by_id if seq is None else by_seq).append(row)
    conn = _conn(where)
    return _ANSWER_BY_SEQ.run(conn, by_seq) + _ANSWER.run(conn, by_id)


def refuse(
    conn: Connection, mutation_id: str, detail: str
) -> tuple[Mutation, MutationResult] | None:
    """The server refused a whole batch (403) because of this mutation: reject it alone.

    The rest of the batch stays ``sent`` and goes again.

    Returns:
        The refused mutation and the rejection recorded for it, or None when the
        mutation is not waiting here (the refusal concerns something else).
    """
    found = waiting(conn, mutation_id)
    if not found:
        return None
    result = MutationResult(
        mutation_id, ResultStatus.REJECTED, code="FORBIDDEN", field="scope", message=detail[:500]
    )
    record_answers(conn, [(result, result.to_wire())])
    return found[0].mutation(), result


# -- applying server records under local edits -------------------------------------------


def any_waiting(conn: Connection) -> bool:
    """Whether any mutation waits for the server (a fresh pull usually has none)."""
    found = conn.execute(
        select(outbox_t.c.seq).where(outbox_t.c.state.in_(_WAITING_VALUES)).limit(1)
    ).first()
    return found is not None


def waiting_by_record(
    conn: Connection, record_ids: Sequence[str], skip: Collection[str] = ()
) -> dict[str, list[dict[str, Any]]]:
    """The waiting outbox rows of these records (oldest first), by record id.

    Args:
        skip: mutation ids not to count as waiting (just answered).
    """
    out: dict[str, list[dict[str, Any]]] = {}
    if not any_waiting(conn):
        return out
    for start in range(0, len(record_ids), _CHUNK):
        chunk = list(record_ids[start : start + _CHUNK])
        rows = conn.execute(
            select(outbox_t)
            .where(outbox_t.c.record_id.in_(chunk), outbox_t.c.state.in_(_WAITING_VALUES))
            .order_by(outbox_t.c.seq)
        ).mappings()
        for row in rows:
            if row["mutation_id"] not in skip:
                out.setdefault(str(row["record_id"]), []).append(dict(row))
    marked = [
        (record_id, item)
        for record_id, items in out.items()
        for item in items
        if record_changes.MARKER in (item["changes"] or {})
    ]
    for record_id, item in marked:
        text = record_changes.expand(
            conn, item["entity"], [(record_id, record_changes.ENCODE(item["changes"]))]
        )[record_id]
        item["changes"] = orjson.loads(text)
    return out


def refile_create(
    conn: Connection, entity: str, record_id: str, scope: str, changes: WireChanges
) -> str:
    """A record's create sent again with ``changes`` (after the server refused it).

    The record's newest mutation takes it when still open (pending, never left the
    device); otherwise a new pending mutation carries it.

    Returns:
        The id of the mutation carrying the create.
    """
    newest = conn.execute(_NEWEST_OF_RECORD, {"record_id": record_id, "entity": entity}).first()
    if newest is not None and _open_to_coalescing(
        newest.state, newest.sent_at, newest.batch_id, newest.via_bundle
    ):
        conn.execute(
            update(outbox_t)
            .where(outbox_t.c.seq == newest.seq)
            .values(op=Op.UPSERT.value, base_version=0, changes=changes, updated_at=utcnow())
        )
        return str(newest.mutation_id)
    row = outbox_row(entity, record_id, scope, Op.UPSERT, 0, changes)
    conn.execute(outbox_t.insert(), [row])
    return str(row["mutation_id"])


def waiting_fields(conn: Connection, record_id: str) -> set[str]:
    """Fields named by the record's mutations still waiting for the server."""
    rows = conn.execute(
        select(outbox_t.c.entity, outbox_t.c.changes).where(
            outbox_t.c.record_id == record_id, outbox_t.c.state.in_(_WAITING_VALUES)
        )
    )
    return {name for entity, change in rows for name in record_changes.field_names(entity, change)}


def drop_conflicted(conn: Connection, seq: int, remaining: Mapping[str, Any]) -> None:
    """A pending mutation keeps only ``remaining`` fields (the conflicts keep the others);
    with none left it becomes a ``conflict``."""
    values: dict[str, Any] = {"changes": dict(remaining), "updated_at": utcnow()}
    if not remaining:
        values["state"] = State.CONFLICT.value
    conn.execute(update(outbox_t).where(outbox_t.c.seq == seq).values(**values))


def mark_conflict(conn: Connection, seq: int) -> None:
    """A pending mutation whose record the server deleted: kept as a ``conflict``."""
    conn.execute(
        update(outbox_t)
        .where(outbox_t.c.seq == seq)
        .values(state=State.CONFLICT.value, updated_at=utcnow())
    )


# -- bundles ----------------------------------------------------------------------------


def export_waiting(conn: Connection, bundle_name: str) -> list[Mutation]:
    """Every waiting mutation, marked as gone out in the bundle ``bundle_name``.

    They stay waiting (pushed again when online; the server answers repeats from
    its store), but later edits no longer coalesce into them.
    """
    claimed = waiting(conn)
    _keep_only_sent(conn, claimed)
    mutations = [c.mutation() for c in claimed]
    if mutations:
        conn.execute(
            update(outbox_t)
            .where(outbox_t.c.mutation_id == bindparam("_id"))
            .values(via_bundle=bundle_name),
            [{"_id": m.id} for m in mutations],
        )
    return mutations


def take_in(conn: Connection, mutations: Sequence[Mutation], bundle_name: str) -> tuple[int, int]:
    """Another office's mutations (an outbox bundle) join this outbox as ``pending``
    with the same ids; ones already here are left alone.

    Returns:
        (mutations taken in, mutations already known).
    """
    now = utcnow()
    known: set[str] = set()
    ids = [m.id for m in mutations]
    for start in range(0, len(ids), _CHUNK):
        known.update(
            conn.execute(
                select(outbox_t.c.mutation_id).where(
                    outbox_t.c.mutation_id.in_(ids[start : start + _CHUNK])
                )
            ).scalars()
        )
    fresh = [m for m in mutations if m.id not in known]
    if fresh:
        conn.execute(
            insert(outbox_t),
            [
                {
                    **outbox_row(
                        m.entity,
                        m.record_id,
                        m.scope,
                        m.op,
                        m.base_version,
                        {k: [v[0], v[1]] for k, v in m.changes.items()},
                        now=now,
                        mutation_id=m.id,
                    ),
                    "created_at": _made_at(m.created_at, now),
                    "via_bundle": bundle_name,
                }
                for m in fresh
            ],
        )
    return len(fresh), len(known)


def _made_at(created_at: str, fallback: dt.datetime) -> dt.datetime:
    """When the edit was made at the other office, for the record's history."""
    try:
        return dt.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return fallback


# -- retention -------------------------------------------------------------------------
#
# Acknowledged mutations whose batch has a verified receipt leave the working database
# for the archive file beside it (ARCHIVE_NAME): one row each WITHOUT the values (the
# field names only: the values are in the record, on the server, and in nobody's
# interest here), enough for the record's history to say when it was saved, pushed,
# in which batch and acknowledged. A verified receipt follows once no mutation of its
# batch is left in the outbox (archive_receipts): kept as it came (the packed body, the
# signature), so the proof of filing is checked as before, from the archive; it names
# mutation ids, results, the account and the device, never a supporter's values. The
# newest outbox row always stays: it keeps the sequence numbers rising (SQLite reuses a
# rowid above the highest left).

ARCHIVE_NAME = "outbox-archive.db"
#: A damaged archive set aside: this prefix, the UTC time to the microsecond, ``.db``
#: (``damaged_archives``).
DAMAGED_ARCHIVE_PREFIX = "outbox-archive.rusak-"
_ARCHIVE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS acked ("
    " mutation_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, entity TEXT NOT NULL,"
    " record_id TEXT NOT NULL, scope TEXT NOT NULL, op TEXT NOT NULL, fields TEXT NOT NULL,"
    " state TEXT NOT NULL, created_at TEXT, sent_at TEXT, batch_id TEXT, acked_at TEXT,"
    " server_version INTEGER, via_bundle TEXT, archived_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_acked_record ON acked (entity, record_id)",
    # Each distinct list of field names once (issue 19): an import's creates all name
    # the same 18 fields, 208 bytes of each archived row before.
    "CREATE TABLE IF NOT EXISTS fieldsets (id INTEGER PRIMARY KEY, names TEXT NOT NULL UNIQUE)",
    # What the rows of one batch share, once (issue 19: 130 of an archived row's 258
    # bytes repeated the batch id, its times, the scope, the operation and the state);
    # "" stands for a missing time or batch.
    "CREATE TABLE IF NOT EXISTS batches (id INTEGER PRIMARY KEY, scope TEXT NOT NULL,"
    " op TEXT NOT NULL, state TEXT NOT NULL, sent_at TEXT NOT NULL, batch_id TEXT NOT NULL,"
    " acked_at TEXT NOT NULL, archived_at TEXT NOT NULL,"
    " UNIQUE (batch_id, sent_at, acked_at, archived_at, scope, op, state))",
    # The working database's receipt rows as stored there (issue 19: 525 receipts of a
    # 1M-row import's push, 14 bytes per supporter of the encrypted working file).
    "CREATE TABLE IF NOT EXISTS receipts (batch_id TEXT PRIMARY KEY, server_time TEXT NOT NULL,"
    " body BLOB NOT NULL, signature TEXT NOT NULL, key_id TEXT NOT NULL,"
    " verified INTEGER NOT NULL, received_at TEXT, archived_at TEXT NOT NULL)",
)
#: The batches outbox rows still name: a row has a batch id once it was sent (pending
#: rows have none), so the state index skips a large import that waits unsent.
_BATCHES_LEFT = select(outbox_t.c.batch_id).where(
    outbox_t.c.state.in_([state.value for state in State if state is not State.PENDING]),
    outbox_t.c.batch_id.is_not(None),
)
#: Verified receipts no outbox row points to any more (every mutation of the batch
#: archived), as stored: the packed body and the time as their bytes and text.
_RECEIPTS_DONE = (
    select(
        receipt_t.c.batch_id,
        receipt_t.c.server_time,
        type_coerce(receipt_t.c.body, LargeBinary),
        receipt_t.c.signature,
        receipt_t.c.key_id,
        receipt_t.c.verified,
        type_coerce(receipt_t.c.received_at, Text),
    )
    .where(receipt_t.c.verified.is_(True), receipt_t.c.batch_id.not_in(_BATCHES_LEFT))
    .order_by(receipt_t.c.batch_id)
    .limit(bindparam("limit", type_=Integer))
)
_RECEIPTS_DELETE = delete(receipt_t).where(
    receipt_t.c.batch_id.in_(bindparam("ids", expanding=True)),
    receipt_t.c.batch_id.not_in(_BATCHES_LEFT),
)
_ARCHIVE_RECEIPT = (
    "INSERT OR IGNORE INTO receipts (batch_id, server_time, body, signature, key_id,"
    " verified, received_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_ARCHIVED_RECEIPT = (
    "SELECT batch_id, server_time, body, signature, key_id, verified, received_at"
    " FROM receipts WHERE batch_id = ?"
)
#: Rows archived since the field sets: ``fields`` is "" and ``fieldset`` names them.
_ARCHIVE_FIELDSET = "ALTER TABLE acked ADD COLUMN fieldset INTEGER"
#: Rows archived since the batches: their own scope, op, state and archived_at are "",
#: sent_at, batch_id and acked_at null, and ``batch`` names the shared ones.
_ARCHIVE_BATCH = "ALTER TABLE acked ADD COLUMN batch INTEGER"
#: SQLite's generic result code: in the archive's reads, a table or column it lacks.
_SQLITE_ERROR = 1
#: The columns ``batches`` holds for a row, in :func:`_batch`'s key order.
_BATCH_COLUMNS = ("batch_id", "sent_at", "acked_at", "archived_at", "scope", "op", "state")
_ARCHIVE_INSERT = (
    "INSERT OR IGNORE INTO acked (mutation_id, seq, entity, record_id, scope, op, fields,"
    " state, created_at, server_version, via_bundle, archived_at, fieldset, batch)"
    " VALUES (?, ?, ?, ?, '', '', '', '', ?, ?, ?, '', ?, ?)"
)
_ARCHIVED_ROWS = (
    "SELECT a.*, b.batch_id AS b_batch_id, b.sent_at AS b_sent_at, b.acked_at AS b_acked_at,"
    " b.archived_at AS b_archived_at, b.scope AS b_scope, b.op AS b_op, b.state AS b_state"
    " FROM acked AS a LEFT JOIN batches AS b ON b.id = a.batch"
    " WHERE a.entity = ? AND a.record_id = ? ORDER BY a.seq"
)
#: Acknowledged rows proven by a verified receipt, oldest first (the newest row stays).
_PURGEABLE = text(
    "SELECT o.mutation_id, o.seq, o.entity, o.record_id, o.scope, o.op,"
    " (SELECT json_group_array(key) FROM json_each(o.changes)) AS fields,"
    " o.state, o.created_at, o.sent_at, o.batch_id, o.acked_at, o.server_version,"
    " o.via_bundle, json_extract(o.changes, '$.\"$record\"[1]') AS record_mask"
    " FROM outbox AS o JOIN receipt AS r ON r.batch_id = o.batch_id AND r.verified"
    " WHERE o.state = :acked AND o.seq > :after"
    " AND o.seq < (SELECT max(seq) FROM outbox)"
    " ORDER BY o.seq LIMIT :limit"
)
_PURGEABLE_COUNT = text(
    "SELECT count(*) FROM outbox AS o JOIN receipt AS r ON r.batch_id = o.batch_id"
    " AND r.verified WHERE o.state = :acked AND o.seq < (SELECT max(seq) FROM outbox)"
)
#: Field values of one record's rows replaced by nulls (the field names stay).
_BLANK_VALUES = text(
    "UPDATE outbox SET changes = (SELECT json_group_object(key, json('[null, null]'))"
    " FROM json_each(outbox.changes)) WHERE entity = :entity AND record_id = :record_id"
    " AND state IN (:acked, :rejected) AND changes != '{}'"
)


def archive_path(database: Path) -> Path:
    """The archive of acknowledged mutations beside ``database``."""
    return database.with_name(ARCHIVE_NAME)


def damaged_archives(database: Path) -> list[Path]:
    """Archives found damaged and set aside beside ``database`` (:func:`_open_archive`),
    oldest first: kept as they were, for the admin to recover what they hold."""
    return sorted(database.parent.glob(DAMAGED_ARCHIVE_PREFIX + "*.db"))


def remove_archive(database: Path) -> None:
    """Delete the archive beside ``database`` and any set aside as damaged: for data that
    is deleted whole (practice data started over, ``sync.client.training.start_over``),
    whose history must not follow the same record ids into the next session."""
    path = archive_path(database)
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    for damaged in damaged_archives(database):
        damaged.unlink(missing_ok=True)


def purgeable_count(conn: Connection) -> int:
    """How many acknowledged mutations :func:`archive_acknowledged` would move."""
    return int(conn.execute(_PURGEABLE_COUNT, {"acked": State.ACKED.value}).scalar_one())


def archive_acknowledged(database: Path, engine: Engine, chunk: int = 5_000) -> int:
    """Move acknowledged mutations with a verified receipt to the archive file.

    Each chunk is written to the archive (committed, idempotent by mutation id)
    before it is deleted from the outbox, so a crash between the two only
    archives a chunk twice. Returns how many rows left the outbox.

    Args:
        database: the working database file (the archive goes beside it).
        engine: the working database's engine (reads take no write lock, and
            nothing is committed when nothing is moved).
        chunk: rows per step.
    """
    moved, after = 0, 0
    archive = _open_archive(database)
    try:
        fieldsets: dict[str, int] = {}
        batches: dict[tuple[Any, ...], int] = {}
        while True:
            with read_only(engine).connect() as conn:
                params = {"acked": State.ACKED.value, "after": after, "limit": chunk}
                rows = [tuple(r) for r in conn.execute(_PURGEABLE, params)]
            if not rows:
                return moved
            stamp = storage_text(utcnow())
            rows = [_archived_fields(row) for row in rows]
            archive = _write_archive(
                database,
                archive,
                partial(_insert_acked, rows=rows, stamp=stamp, known=(fieldsets, batches)),
            )
            seqs = [int(row[1]) for row in rows]
            with engine.begin() as conn:
                for part in range(0, len(seqs), _CHUNK):
                    conn.execute(
                        delete(outbox_t).where(
                            outbox_t.c.seq.in_(seqs[part : part + _CHUNK]),
                            outbox_t.c.state == State.ACKED.value,
                        )
                    )
            moved += len(rows)
            after = seqs[-1]
    finally:
        archive.close()


def _insert_acked(
    archive: sqlite3.Connection,
    fresh: bool,
    *,
    rows: list[tuple[Any, ...]],
    stamp: str,
    known: tuple[dict[str, int], dict[tuple[Any, ...], int]],
) -> None:
    """Insert rows of :data:`_PURGEABLE` into the archive (:func:`_write_archive`'s
    write); ``known`` caches the archive's field-set and batch ids, forgotten for a
    ``fresh`` archive (they were the damaged one's)."""
    fieldsets, batches = known
    if fresh:
        fieldsets.clear()
        batches.clear()
    archive.executemany(
        _ARCHIVE_INSERT,
        [
            (
                *row[:4],  # mutation_id, seq, entity, record_id
                *row[8:9],  # created_at
                *row[12:14],  # server_version, via_bundle
                _fieldset(archive, fieldsets, str(row[6])),
                # batch_id, sent_at, acked_at, the stamp, scope, op, state
                _batch(archive, batches, (row[10], row[9], row[11], stamp, *row[4:6], row[7])),
            )
            for row in rows
        ],
    )


def _insert_receipts(
    archive: sqlite3.Connection, _fresh: bool, *, rows: list[tuple[Any, ...]], stamp: str
) -> None:
    """Insert rows of :data:`_RECEIPTS_DONE` into the archive (:func:`_write_archive`'s
    write)."""
    archive.executemany(_ARCHIVE_RECEIPT, [(*row, stamp) for row in rows])


def archive_receipts(database: Path, engine: Engine, chunk: int = 500) -> int:
    """Move the verified receipts whose batches left the outbox to the archive file
    (after :func:`archive_acknowledged`). Each chunk is written to the archive
    (committed, idempotent by batch id) before it is deleted from the working
    database, which checks again that no outbox row names the batch: a crash between
    the two keeps a receipt in both. Returns how many left the working database."""
    moved = 0
    with read_only(engine).connect() as conn:
        if conn.execute(_RECEIPTS_DONE, {"limit": 1}).first() is None:
            return 0
    archive = _open_archive(database)
    try:
        while True:
            with read_only(engine).connect() as conn:
                rows = [tuple(r) for r in conn.execute(_RECEIPTS_DONE, {"limit": chunk})]
            if not rows:
                return moved
            stamp = storage_text(utcnow())
            archive = _write_archive(
                database, archive, partial(_insert_receipts, rows=rows, stamp=stamp)
            )
            with engine.begin() as conn:
                gone = conn.execute(_RECEIPTS_DELETE, {"ids": [row[0] for row in rows]}).rowcount
            if not gone:
                return moved  # an outbox row names every one again: nothing to move
            moved += int(gone)
    finally:
        archive.close()


def archived_receipts(database: Path, batch_ids: Collection[str]) -> dict[str, tuple[str, bool]]:
    """``batch_id -> (server_time, verified)`` of these batches' archived receipts."""
    rows = _archive_rows(
        database,
        "SELECT batch_id, server_time, verified FROM receipts WHERE batch_id IN (SELECT value"
        " FROM json_each(?))",
        (orjson.dumps(sorted(batch_ids)).decode(),),
    )
    return {str(r[0]): (str(r[1]), bool(r[2])) for r in rows}


def archived_receipt(database: Path, batch_id: str) -> dict[str, Any] | None:
    """One archived receipt as the working database stored it (``body`` packed)."""
    rows = _archive_rows(database, _ARCHIVED_RECEIPT, (batch_id,))
    if not rows:
        return None
    names = ("batch_id", "server_time", "body", "signature", "key_id", "verified", "received_at")
    return dict(zip(names, rows[0], strict=True))


def _archive_rows(database: Path, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Rows of a query on the archive, read only; none without the file or the table
    (an archive from before archived receipts).

    Raises:
        StoreEnvironmentError: the archive cannot be read (damaged, unreadable).
    """
    with _reading_archive(database) as conn:
        if conn is None:
            return []
        try:
            return [tuple(r) for r in conn.execute(sql, params)]
        except sqlite3.OperationalError as error:
            if _missing_table(error):
                return []
            raise


@contextmanager
def _reading_archive(database: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to the archive beside ``database`` (None without one),
    closed after. A damaged or unreadable archive is the store's environment error
    (:class:`~silon_desktop.storage.errors.CorruptDatabase` for a damaged file), never
    a driver error, and never read as an empty archive: what it holds is history."""
    path = archive_path(database)
    if not path.exists():
        yield None
        return
    with environment_errors():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            yield conn
        finally:
            conn.close()


def archive_problem(database: Path) -> StoreEnvironmentError | None:
    """Why the archive beside ``database`` cannot be read (its schema is read: a file
    that is not a database, or not readable); None when it can be, or is absent."""
    try:
        with _reading_archive(database) as conn:
            if conn is not None:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except StoreEnvironmentError as error:
        return error
    return None


def _missing_table(error: sqlite3.OperationalError) -> bool:
    """SQLite's plain SQLITE_ERROR (a table or column an older archive lacks), not
    the file's state (locked, unreadable: those have their own codes)."""
    return getattr(error, "sqlite_errorcode", None) == _SQLITE_ERROR


def _open_archive(database: Path) -> sqlite3.Connection:
    """The archive beside ``database``, made (readable by its owner only: SQLite's
    journal follows) and brought to the current schema where needed.

    A damaged archive (not a database, or its pages malformed) is set aside under a
    name of its own, as it is, and a new one started: retention goes on moving
    acknowledged mutations out of the working database instead of failing at every
    sync while the outbox grows, and the record's history says that it is incomplete
    and names the file set aside (``sync.receipts.read_history``). Any other error
    (locked, unreadable, the disk full) is raised as before: the file is not damaged.
    Damage found only by a later write is :func:`_write_archive`'s.
    """
    path = archive_path(database)
    try:
        return _archive_connection(path)
    except sqlite3.DatabaseError as error:
        if not _damaged(error):
            raise
    return _restart_archive(path)


def _write_archive(
    database: Path,
    archive: sqlite3.Connection,
    write: Callable[[sqlite3.Connection, bool], object],
) -> sqlite3.Connection:
    """Run ``write`` (given the connection and whether it is a new archive) on the
    archive and commit; returns the connection to go on with.

    An archive whose schema read at its opening but whose deeper pages are malformed
    fails only here, at a write that reaches them: it is set aside as at its opening
    (:func:`_open_archive`) and the write goes into a new archive. Nothing is lost by
    it: the callers delete from the working database only what an archive commit
    holds, and what earlier commits put in the damaged file stays in it, as history.
    """
    try:
        write(archive, False)
        archive.commit()
        return archive
    except sqlite3.DatabaseError as error:
        if not _damaged(error):
            raise
    archive.close()  # rolls the failed write back before the file is moved
    fresh = _restart_archive(archive_path(database))
    try:
        write(fresh, True)
        fresh.commit()
    except BaseException:
        fresh.close()
        raise
    return fresh


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite found the archive file damaged (not a database, or malformed),
    rather than locked, unreadable or on a full disk."""
    return isinstance(environment_error(error), CorruptDatabase)


def _restart_archive(path: Path) -> sqlite3.Connection:
    """Set the damaged archive at ``path`` aside (:func:`_set_aside`) and start a new one."""
    aside = _set_aside(path)
    log.warning("the outbox archive was damaged: set aside as %s, a new one started", aside.name)
    return _archive_connection(path)


def _set_aside(path: Path) -> Path:
    """Rename a damaged archive to a free name of :data:`DAMAGED_ARCHIVE_PREFIX`;
    returns the new path. (A rollback journal beside it is SQLite's to replay or drop
    when the file is opened, before the damage is found: none is left to move.)"""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")  # names sort oldest first
    aside = path.with_name(f"{DAMAGED_ARCHIVE_PREFIX}{stamp}.db")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{DAMAGED_ARCHIVE_PREFIX}{stamp}-{number}.db")
    os.replace(path, aside)
    return aside


def _archive_connection(path: Path) -> sqlite3.Connection:
    """:func:`_open_archive` of the file at ``path``, whatever its state."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    archive = sqlite3.connect(path)
    try:
        for statement in _ARCHIVE_SCHEMA:
            archive.execute(statement)
        columns = {r[1] for r in archive.execute("PRAGMA table_info(acked)")}
        if "fieldset" not in columns:
            archive.execute(_ARCHIVE_FIELDSET)
        if "batch" not in columns:
            archive.execute(_ARCHIVE_BATCH)
        archive.commit()
    except BaseException:
        archive.close()
        raise
    return archive


def _fieldset(archive: sqlite3.Connection, known: dict[str, int], names: str) -> int:
    """The id of this list of field names in the archive (added when new)."""
    found = known.get(names)
    if found is None:
        canonical = orjson.dumps(sorted(orjson.loads(names or "[]"))).decode()
        archive.execute("INSERT OR IGNORE INTO fieldsets (names) VALUES (?)", (canonical,))
        (found,) = archive.execute(
            "SELECT id FROM fieldsets WHERE names = ?", (canonical,)
        ).fetchone()
        known[names] = found = int(found)
    return found


def _batch(
    archive: sqlite3.Connection, known: dict[tuple[Any, ...], int], key: tuple[Any, ...]
) -> int:
    """The id of what these rows share in the archive's ``batches`` (added when new);
    ``key`` in :data:`_BATCH_COLUMNS` order, a missing value stored as ""."""
    found = known.get(key)
    if found is None:
        stored = tuple("" if value is None else str(value) for value in key)
        archive.execute(
            "INSERT OR IGNORE INTO batches (batch_id, sent_at, acked_at, archived_at, scope,"
            " op, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
            stored,
        )
        (found,) = archive.execute(
            "SELECT id FROM batches WHERE batch_id = ? AND sent_at = ? AND acked_at = ?"
            " AND archived_at = ? AND scope = ? AND op = ? AND state = ?",
            stored,
        ).fetchone()
        known[key] = found = int(found)
    return found


def _archived_fields(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A purgeable row whose fields name a create's marker: the marker's fields instead
    (``fields`` is the 7th column, the marker's mask the last, which is dropped)."""
    *head, mask = row
    if mask is None:
        return tuple(head)
    names = [n for n in orjson.loads(head[6] or "[]") if n != record_changes.MARKER]
    names += record_changes.fields_of(str(head[2]), int(mask))
    head[6] = orjson.dumps(sorted(set(names))).decode()
    return tuple(head)


def archived(database: Path, entity: str, record_id: str) -> list[dict[str, Any]]:
    """One record's archived mutations, oldest first (``fields``: a list of names).

    Raises:
        StoreEnvironmentError: the archive cannot be read (damaged, unreadable).
    """
    rows: list[sqlite3.Row] = []
    sets: dict[int, str] = {}
    with _reading_archive(database) as conn:
        if conn is None:
            return []
        conn.row_factory = sqlite3.Row
        try:
            shared = "batch" in {r[1] for r in conn.execute("PRAGMA table_info(acked)")}
            rows = conn.execute(
                _ARCHIVED_ROWS
                if shared  # else an archive from before the batches
                else "SELECT * FROM acked WHERE entity = ? AND record_id = ? ORDER BY seq",
                (entity, record_id),
            ).fetchall()
            sets = {int(i): str(n) for i, n in conn.execute("SELECT id, names FROM fieldsets")}
        except sqlite3.OperationalError as error:
            if not _missing_table(error):
                raise
            # no table yet, or an archive from before the field sets
            if not rows:
                return []
    out = []
    for row in rows:
        item = dict(row)
        shared_values = {name: item.pop(f"b_{name}", None) for name in _BATCH_COLUMNS}
        if item.pop("batch", None) is not None:
            for name, value in shared_values.items():
                item[name] = None if value == "" and name.endswith(("_at", "_id")) else value
        fieldset = item.pop("fieldset", None)
        names = sets.get(int(fieldset), "[]") if fieldset is not None else item["fields"]
        item["fields"] = sorted(orjson.loads(names or "[]"))
        out.append(item)
    return out


def blank_values(conn: Connection, entity: str, record_ids: Sequence[str]) -> None:
    """Replace the values in the answered mutations of these records by nulls
    (a deleted supporter's personal data leaves the outbox; the field names stay)."""
    params = {"acked": State.ACKED.value, "rejected": State.REJECTED.value, "entity": entity}
    for record_id in record_ids:
        conn.execute(_BLANK_VALUES, {**params, "record_id": record_id})
