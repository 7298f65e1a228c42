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

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    update,
)

from silon_desktop.storage import outbox
from silon_desktop.storage.models import utcnow
from silon_desktop.storage.outbox import Claimed
from sync.client_api import PushAnswer
from sync.client_apply import apply_records, default_derive, drop_local_record
from sync.client_columns import conflict_t, record_values, table_of
from sync.client_rebase import rederive
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
    now_text = storage_text(utcnow())
    acked: list[tuple[MutationResult, dict[str, Any]]] = []
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result, raw in zip(answer.results, answer.raw_results, strict=True):
        claimed = by_id.get(result.mutation_id)
        if claimed is None:
            continue
        wire = claimed.wire
        if result.status in (ResultStatus.APPLIED, ResultStatus.MERGED):
            acked.append((result, raw))
            versions[wire["entity"]].append(
                {"_id": wire["record_id"], "_v": result.version, "updated_at": now_text}
            )
            stats.acked += 1
        else:
            mut = claimed.mutation()
            outbox.record_answers(conn, [(result, raw)])
            if result.status is ResultStatus.CONFLICT:
                stats.conflicts += _store_conflicts(conn, mut, result)
            else:
                stats.rejected += 1
                _revert_rejected(conn, mut, result, derive)
    outbox.record_answers(conn, acked)
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
    kept = outbox.waiting_fields(conn, mut.record_id)
    before = {k: v[0] for k, v in mut.changes.items() if k not in kept}
    old = Record(mut.entity, mut.record_id, mut.scope, 0, False, before)
    values = record_values(old, old.fields)
    if values:
        conn.execute(update(table).where(table.c.id == mut.record_id).values(**values))
        rederive(conn, mut.entity, mut.record_id, derive or default_derive(conn))


def refuse_mutation(conn: Connection, mutation_id: str, detail: str) -> bool:
    """The server refused a whole batch (403) because of this mutation: reject it and
    put the local row back. Returns False when the mutation is not waiting here."""
    refused = outbox.refuse(conn, mutation_id, detail)
    if refused is None:
        return False
    _revert_rejected(conn, *refused)
    return True
