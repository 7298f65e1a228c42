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
op              ``"upsert"`` (create when ``base_version`` is 0, else update)
                or ``"delete"`` (tombstone)
base_version    the server version the (first coalesced) edit was made on
changes         JSON object ``{field: [old, new]}`` in WIRE form
                (``sync.protocol.encode_value``: dates ``YYYY-MM-DD``, datetimes
                ISO 8601 UTC with ``Z``, lists of strings). A create has
                ``old = null`` for every field it sets; a delete has ``{}``.
state           ``pending`` -> ``sent`` -> ``acked`` | ``conflict`` | ``rejected``
created_at      when the first edit was made (naive UTC)
updated_at      when the last edit was coalesced into it
batch_id        the push batch it was sent in (kept when re-queued)
sent_at         when it was (last) sent
acked_at        when the answer arrived
server_version  the record's version in the server's answer
result          the server's answer for this mutation, as received (JSON)
via_bundle      the bundle file it was exported to, if any
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
  Otherwise the upsert becomes the delete (its field changes are moot).
- anything after a delete, or after a mutation that already left the device,
  starts a new mutation. A second delete of a deleted record is a no-op.

After a crash, ``sent`` rows without an answer go back to ``pending`` with the
SAME mutation id (:func:`requeue_sent`): the server answers a repeated id with
its stored result, so resending is safe. Such rows are never coalesced into.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from silon_desktop.storage.models import OutboxMutation, utcnow
from sync.protocol import ENTITIES, JsonValue, Mutation, Op, ResultStatus, encode_value, new_id

PENDING = "pending"
SENT = "sent"
ACKED = "acked"
CONFLICT = "conflict"
REJECTED = "rejected"
STATES = (PENDING, SENT, ACKED, CONFLICT, REJECTED)

#: Server answer -> outbox state.
_STATE_FOR_RESULT = {
    ResultStatus.APPLIED: ACKED,
    ResultStatus.MERGED: ACKED,
    ResultStatus.CONFLICT: CONFLICT,
    ResultStatus.REJECTED: REJECTED,
}
_CHUNK = 500  # ids per IN (...) clause

WireChanges = dict[str, list[JsonValue]]


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
        "state": PENDING,
        "created_at": stamp,
        "updated_at": stamp,
        "batch_id": None,
        "sent_at": None,
        "acked_at": None,
        "server_version": None,
        "result": None,
        "via_bundle": None,
    }


def enqueue(
    session: Session,
    entity: str,
    record_id: str,
    scope: str,
    op: Op | str,
    base_version: int,
    changes: Mapping[str, Sequence[JsonValue]],
) -> str | None:
    """Record an edit, coalescing it into the record's open pending mutation.

    Args:
        session: the session writing the row (same transaction).
        changes: ``{field: [old, new]}`` in wire form; ignored for a delete.

    Returns:
        The mutation id now carrying the edit, or None when nothing is left to
        send (an update that undid itself, a create deleted before any push).
    """
    op = Op(op)
    wire = {name: [pair[0], pair[1]] for name, pair in changes.items()}
    open_row = _open_mutation(session, entity, record_id)
    if open_row is None or open_row.op == Op.DELETE:
        if open_row is not None and op is Op.DELETE:
            return open_row.mutation_id
        return _insert(session, entity, record_id, scope, op, base_version, wire)
    if op is Op.DELETE:
        return _delete_onto(session, open_row)
    return _coalesce(session, open_row, wire)


def _open_mutation(session: Session, entity: str, record_id: str) -> OutboxMutation | None:
    newest = session.scalars(
        select(OutboxMutation)
        .where(OutboxMutation.record_id == record_id, OutboxMutation.entity == entity)
        .order_by(OutboxMutation.seq.desc())
        .limit(1)
    ).first()
    if newest is None or newest.state != PENDING or _has_left(newest):
        return None
    return newest


def _has_left(row: OutboxMutation) -> bool:
    return row.sent_at is not None or row.batch_id is not None or row.via_bundle is not None


def _insert(
    session: Session,
    entity: str,
    record_id: str,
    scope: str,
    op: Op,
    base_version: int,
    wire: WireChanges,
) -> str | None:
    if op is Op.DELETE:
        wire = {}
    else:
        wire = {k: v for k, v in wire.items() if v[0] != v[1]}
        if not wire and base_version != 0:
            return None  # an update that changes nothing
    row = OutboxMutation(**outbox_row(entity, record_id, scope, op, base_version, wire))
    session.add(row)
    session.flush()
    return row.mutation_id


def _coalesce(session: Session, row: OutboxMutation, wire: WireChanges) -> str | None:
    merged = {k: list(v) for k, v in row.changes.items()}
    for name, (old, new) in wire.items():
        first_old = merged[name][0] if name in merged else old
        if first_old == new:
            merged.pop(name, None)
        else:
            merged[name] = [first_old, new]
    if not merged and row.base_version != 0:
        session.delete(row)
        session.flush()
        return None
    row.changes = merged
    row.updated_at = utcnow()
    session.flush()
    return row.mutation_id


def _delete_onto(session: Session, row: OutboxMutation) -> str | None:
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
    row.changes = {}
    row.updated_at = utcnow()
    session.flush()
    return row.mutation_id


def pending(session: Session, limit: int = 500) -> list[OutboxMutation]:
    """Pending mutations, oldest first (re-queued ones included)."""
    return list(
        session.scalars(
            select(OutboxMutation)
            .where(OutboxMutation.state == PENDING)
            .order_by(OutboxMutation.seq)
            .limit(limit)
        )
    )


def unacked_for(session: Session, entity: str, record_id: str) -> list[OutboxMutation]:
    """The record's mutations still waiting for an answer (pending or sent), oldest first."""
    return list(
        session.scalars(
            select(OutboxMutation)
            .where(
                OutboxMutation.record_id == record_id,
                OutboxMutation.entity == entity,
                OutboxMutation.state.in_((PENDING, SENT)),
            )
            .order_by(OutboxMutation.seq)
        )
    )


def to_mutation(row: OutboxMutation) -> Mutation:
    """The wire :class:`~sync.protocol.Mutation` of an outbox row."""
    created = row.created_at.replace(tzinfo=dt.UTC)
    return Mutation(
        id=row.mutation_id,
        entity=row.entity,
        record_id=row.record_id,
        scope=row.scope,
        op=Op(row.op),
        base_version=row.base_version,
        changes={name: (pair[0], pair[1]) for name, pair in row.changes.items()},
        created_at=created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    )


def mark_sent(session: Session, mutation_ids: Iterable[str], batch_id: str) -> int:
    """Pending mutations handed to the transport in ``batch_id``; returns how many."""
    now = utcnow()
    count = 0
    for chunk in _chunks(list(mutation_ids)):
        result = session.execute(
            update(OutboxMutation)
            .where(OutboxMutation.mutation_id.in_(chunk), OutboxMutation.state == PENDING)
            .values(state=SENT, batch_id=batch_id, sent_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        count += _rowcount(result)
    session.expire_all()
    return count


def mark_result(
    session: Session,
    mutation_id: str,
    status: ResultStatus | str,
    server_version: int | None,
    result: Mapping[str, Any] | None = None,
) -> bool:
    """Store the server's answer for one mutation.

    Returns:
        False when no such mutation exists (an answer for another device's id).
    """
    row = session.scalars(
        select(OutboxMutation).where(OutboxMutation.mutation_id == mutation_id)
    ).first()
    if row is None:
        return False
    now = utcnow()
    row.state = _STATE_FOR_RESULT[ResultStatus(status)]
    row.server_version = server_version
    row.result = dict(result) if result is not None else None
    row.acked_at = now
    row.updated_at = now
    session.flush()
    return True


def requeue_sent(session: Session) -> int:
    """After a crash or a failed push: ``sent`` without an answer back to ``pending``.

    The mutation ids stay the same, so the server recognises a resend.
    """
    result = session.execute(
        update(OutboxMutation)
        .where(OutboxMutation.state == SENT)
        .values(state=PENDING, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return _rowcount(result)


def purge_acked(session: Session, before: dt.datetime) -> int:
    """Delete ``acked`` mutations answered before ``before``; the journal keeps the edits."""
    result = session.execute(
        delete(OutboxMutation)
        .where(OutboxMutation.state == ACKED, OutboxMutation.acked_at < before)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


def counts(session: Session) -> dict[str, int]:
    """How many mutations are in each state (every state present, 0 when none)."""
    rows = session.execute(
        select(OutboxMutation.state, func.count()).group_by(OutboxMutation.state)
    )
    found = {str(state): int(n) for state, n in rows}
    return {state: found.get(state, 0) for state in STATES}


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
