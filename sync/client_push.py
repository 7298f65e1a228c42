"""The push stage: claim outbox batches, send them, record the server's answers.

A batch is claimed in one transaction (``pending`` -> ``sent`` with a batch id
and time), so later local edits no longer coalesce into mutations the server may
already have. Mutations left ``sent`` by a crash or a lost answer are claimed
again first and re-sent with the same mutation ids: the server answers a repeat
with its stored result and applies nothing twice.

An answer is recorded in one transaction: outbox states, server versions,
conflicts (base / mine / theirs per field), the server's record where it comes
back (merged, conflict, rejected), and the verified receipt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    Text,
    bindparam,
    func,
    select,
    type_coerce,
    update,
)

from silon_desktop.storage.models import utcnow
from sync.client_api import PushAnswer
from sync.client_apply import apply_records, default_derive, drop_local_record
from sync.client_columns import conflict_t, outbox_t, record_values, table_of
from sync.client_rebase import rederive, waiting_fields
from sync.client_rows import DeriveFn, execute_many, storage_text
from sync.protocol import Mutation, MutationResult, Op, Record, ResultStatus
from sync.receipts import store_receipt


@dataclass(slots=True)
class PushStats:
    sent: int = 0
    acked: int = 0
    conflicts: int = 0
    rejected: int = 0
    batches: int = 0
    receipts_unverified: int = 0


def waiting_count(conn: Connection) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(outbox_t)
            .where(outbox_t.c.state.in_(("pending", "sent")))
        ).scalar_one()
    )


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
    """A claimed mutation: its wire form (changes as a pre-serialised JSON fragment,
    never parsed on the way out) and the changes' JSON text."""

    wire: dict[str, Any]
    changes_json: str

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


def claim_batch(
    conn: Connection, limit: int, in_flight: Collection[str] = ()
) -> tuple[str, list[Claimed]]:
    """Claim up to ``limit`` mutations (unanswered ``sent`` ones first) as a new batch.

    Args:
        in_flight: batch ids sent in this run and not answered yet (not claimed again).

    Returns:
        The batch id and the claimed mutations, oldest first.
    """
    rows: list[Any] = []
    batch_id = str(uuid.uuid4())
    now = utcnow()
    for state in ("sent", "pending"):
        if len(rows) >= limit:
            break
        where = [outbox_t.c.state == state]
        if state == "sent" and in_flight:
            where.append(outbox_t.c.batch_id.not_in(list(in_flight)))
        found = conn.execute(
            select(*_CLAIM_COLUMNS).where(*where).order_by(outbox_t.c.seq).limit(limit - len(rows))
        ).all()
        # By primary key: a condition on the state index would scan every pending row.
        seqs = [r.seq for r in found]
        for start in range(0, len(seqs), 500):
            conn.execute(
                update(outbox_t)
                .where(outbox_t.c.seq.in_(seqs[start : start + 500]))
                .values(state="sent", batch_id=batch_id, sent_at=now)
            )
        rows += found
    if not rows:
        return "", []
    return batch_id, [_wire(r) for r in rows]


def _wire(row: Any) -> Claimed:
    text = row.changes_json or "{}"
    created = row.created_text or ""  # "YYYY-MM-DD HH:MM:SS.ffffff", naive UTC
    wire = {
        "id": row.mutation_id,
        "entity": row.entity,
        "record_id": row.record_id,
        "scope": row.scope,
        "op": row.op,
        "base_version": int(row.base_version or 0),
        "changes": orjson.Fragment(text),
        "created_at": created[:23].replace(" ", "T") + "Z" if created else "",
    }
    return Claimed(wire, text)


def waiting_mutations(conn: Connection, mutation_id: str | None = None) -> list[Claimed]:
    """Mutations still waiting for the server (one, given its id), oldest first."""
    where: list[ColumnElement[bool]] = [outbox_t.c.state.in_(("pending", "sent"))]
    if mutation_id is not None:
        where.append(outbox_t.c.mutation_id == mutation_id)
    rows = conn.execute(select(*_CLAIM_COLUMNS).where(*where).order_by(outbox_t.c.seq))
    return [_wire(r) for r in rows]


def record_answer(
    conn: Connection,
    answer: PushAnswer,
    mutations: list[Claimed],
    server_key: str,
    stats: PushStats,
    derive: DeriveFn | None = None,
) -> None:
    """Record a push answer in the caller's transaction (see module docstring)."""
    by_id = {c.wire["id"]: c for c in mutations}
    now = utcnow()
    now_text = storage_text(now)
    acked: list[dict[str, Any]] = []
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result, raw in zip(answer.results, answer.raw_results, strict=True):
        claimed = by_id.get(result.mutation_id)
        if claimed is None:
            continue
        wire = claimed.wire
        if result.status in (ResultStatus.APPLIED, ResultStatus.MERGED):
            acked.append(
                {
                    "_id": wire["id"],
                    "state": "acked",
                    "acked_at": now_text,
                    "server_version": result.version,
                    "result": orjson.dumps(raw).decode(),
                }
            )
            versions[wire["entity"]].append(
                {"_id": wire["record_id"], "_v": result.version, "updated_at": now_text}
            )
            stats.acked += 1
        else:
            mut = claimed.mutation()
            _set_outbox(conn, mut.id, result, raw, now)
            if result.status is ResultStatus.CONFLICT:
                stats.conflicts += _store_conflicts(conn, mut, result)
            else:
                stats.rejected += 1
                _revert_rejected(conn, mut, result, derive)
    execute_many(
        conn,
        "outbox-ack",
        lambda: (
            update(outbox_t)
            .where(outbox_t.c.mutation_id == bindparam("_id"))
            .values(
                state=bindparam("state"),
                acked_at=bindparam("acked_at"),
                server_version=bindparam("server_version"),
                result=bindparam("result"),
            )
        ),
        acked,
    )
    for entity, rows in versions.items():
        _bump_versions(conn, table_of(entity), rows)
    # Server records that came back (merged, conflict, rejected) go through the one apply path.
    returned = [r.record for r in answer.results if r.record is not None and r.mutation_id in by_id]
    if returned:
        apply_records(conn, _latest(returned), derive=derive)
    if answer.receipt:
        if not store_receipt(conn, answer.batch_id, answer.receipt, server_key):
            stats.receipts_unverified += 1


def _latest(records: list[Record]) -> list[Record]:
    out: dict[str, Record] = {}
    for rec in records:
        if rec.id not in out or out[rec.id].version <= rec.version:
            out[rec.id] = rec
    return list(out.values())


def _bump_versions(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    execute_many(
        conn,
        f"bump-{table.name}",
        lambda: (
            update(table)
            .where(table.c.id == bindparam("_id"), table.c.version < bindparam("_v"))
            .values(version=bindparam("_v"))
        ),
        rows,
    )


def _set_outbox(
    conn: Connection, mutation_id: str, result: MutationResult, raw: Any, now: dt.datetime
) -> None:
    state = "conflict" if result.status is ResultStatus.CONFLICT else "rejected"
    conn.execute(
        update(outbox_t)
        .where(outbox_t.c.mutation_id == mutation_id)
        .values(state=state, acked_at=now, server_version=result.version or None, result=raw)
    )


def _store_conflicts(conn: Connection, mut: Mutation, result: MutationResult) -> int:
    now = utcnow()
    rows = [
        {
            "entity": mut.entity,
            "record_id": mut.record_id,
            "field": name,
            "base": detail.get("base"),
            "mine": detail.get("mine"),
            "theirs": detail.get("theirs"),
            "server_version": result.version,
            "mutation_id": mut.id,
            "detected_at": now,
        }
        for name, detail in result.conflicts.items()
    ]
    if rows:
        conn.execute(conflict_t.insert(), rows)
    return len(rows)


def _revert_rejected(
    conn: Connection, mut: Mutation, result: MutationResult, derive: DeriveFn | None = None
) -> None:
    """A refused edit: the local row goes back to what the server holds."""
    if result.record is not None:
        return  # applied with the other returned records
    if mut.op is Op.UPSERT and mut.base_version == 0:
        drop_local_record(conn, mut.entity, mut.record_id)
        return
    table = table_of(mut.entity)
    if mut.op is Op.DELETE:
        conn.execute(update(table).where(table.c.id == mut.record_id).values(deleted=False))
        return
    # A later local edit of the same field (still waiting) stays on top.
    kept = waiting_fields(conn, mut.record_id)
    before = {k: v[0] for k, v in mut.changes.items() if k not in kept}
    old = Record(mut.entity, mut.record_id, mut.scope, 0, False, before)
    values = record_values(old, old.fields)
    if values:
        conn.execute(update(table).where(table.c.id == mut.record_id).values(**values))
        rederive(conn, mut.entity, mut.record_id, derive or default_derive(conn))


def refuse_mutation(conn: Connection, mutation_id: str, detail: str) -> bool:
    """The server refused a whole batch (403) because of this mutation: mark it rejected.

    The rest of the batch stays ``sent`` and goes again. Returns False when the
    mutation is not waiting here (then the refusal concerns something else).
    """
    found = waiting_mutations(conn, mutation_id)
    if not found:
        return False
    mut = found[0].mutation()
    result = MutationResult(
        mutation_id, ResultStatus.REJECTED, code="FORBIDDEN", field="scope", message=detail[:500]
    )
    _set_outbox(conn, mutation_id, result, result.to_wire(), utcnow())
    _revert_rejected(conn, mut, result)
    return True
