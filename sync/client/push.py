"""The push stage: claim outbox batches, send them, record the server's answers.

A batch is claimed in one transaction (``pending`` -> ``sent`` with a batch id
and time, :func:`silon_desktop.storage.outbox.claim_batch`), so later local
edits no longer coalesce into mutations the server may already have. Mutations
left ``sent`` by a crash or a lost answer are claimed again first and re-sent
with the same mutation ids: the server answers a repeat with its stored result
and applies nothing twice.

Sending is pipelined: the next batch is claimed and encoded (JSON, gzip) while
one is in flight, and sent as soon as the answer comes, its predecessor's
answer being read and recorded meanwhile. Sends stay strictly one after the
other, in outbox order. A batch that times out is claimed again in half-size
batches; a batch refused (403) because of one mutation rejects that one and
sends the others again.

An answer is recorded in one transaction: outbox states, server versions,
conflicts (base / mine / theirs per field), the server's record where it comes
back (merged, conflict, rejected), and the verified receipt.

The resolve stage (:mod:`sync.client.resolve`) is this stage run again at the
end of a run, for what was enqueued meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, Table, bindparam, update

from silon_desktop.storage import outbox
from silon_desktop.storage.compiled import ManyStatement
from silon_desktop.storage.models import utcnow
from silon_desktop.storage.outbox import Claimed
from silon_desktop.storage.types import storage_text
from sync.client.api import PushAnswer, PushRequest, ServerApi
from sync.client.apply import Applier, apply_connection, default_derive, drop_local_record
from sync.client.columns import DeriveFn, conflict_t, local_wire, record_values, table_of
from sync.client.rebase import rederive
from sync.client.report import Cancelled, Progress, ProgressFn, StageName, StageState, SyncReport
from sync.client.stage import Stage
from sync.client.state import SERVER_KEY, get_state
from sync.protocol import ENTITIES, Mutation, MutationResult, Op, Record, ResultStatus
from sync.receipts import store_receipt
from sync.transport import AdaptiveBatch, Forbidden, TimedOut

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database

log = logging.getLogger(__name__)


def shrink(sizer: AdaptiveBatch, what: str) -> bool:
    """Halve after a timeout; False when already at the minimum."""
    if sizer.size <= sizer.minimum:
        return False
    sizer.record(0.0, timed_out=True)
    log.info("%s timed out; going on with %d at a time", what, sizer.size)
    return True


def adapt(api: ServerApi, sizer: AdaptiveBatch) -> None:
    """Let the batch size follow the last request's time (or timeout)."""
    stats = api.transport.stats
    sizer.record(stats.last_elapsed_s, stats.last_timed_out)


class PushStage(Stage):
    """Sends the outbox in adaptive, pipelined batches and records the answers.

    Args:
        name: ``push``, or ``resolve`` for the run's final push.
        db: the local database.
        settings: for the device id.
        api: the server's endpoints.
        batch: the adaptive batch size (shared by push and resolve).
        applier: applies the server records that come back with answers.
    """

    def __init__(
        self,
        name: StageName,
        db: Database,
        settings: Settings,
        api: ServerApi,
        batch: AdaptiveBatch,
        applier: Applier,
    ) -> None:
        super().__init__(name, db)
        self.settings = settings
        self.api = api
        self.batch = batch
        self.applier = applier

    def run(self, report: SyncReport, notify: ProgressFn, cancel: threading.Event) -> None:
        """Push everything waiting; counts go into ``report``.

        Raises:
            Cancelled: ``cancel`` was set (what was claimed has been sent and recorded).
            TransportError: the link or the server stopped the stage.
        """
        self.mark(StageState.RUNNING)
        with self.db.session(readonly=True) as session:
            total = outbox.waiting_count(session.connection())
        stats = SyncReport()  # this run's counts, added to ``report`` when the stage ends
        with ThreadPoolExecutor(1, thread_name_prefix="sync-push") as pool:
            while True:
                try:
                    self._pipeline(pool, cancel, notify, stats, total)
                    break
                except Forbidden as exc:
                    # 403 names the mutation that is out of this account's scope; nothing
                    # of that batch was applied. Refuse that one, send the others again.
                    if not self._refuse(exc):
                        raise
                    stats.rejected += 1
                except TimedOut:
                    # Same mutations (same ids) again, claimed in half-size batches.
                    if not shrink(self.batch, "push"):
                        raise
        report.add(stats)
        if cancel.is_set():
            raise Cancelled
        self.mark(StageState.DONE, f"{stats.pushed} sent")

    def _pipeline(
        self,
        pool: ThreadPoolExecutor,
        cancel: threading.Event,
        notify: ProgressFn,
        stats: SyncReport,
        total: int,
    ) -> None:
        """Claim, send, record (see the module docstring)."""
        with self.db.session(readonly=True) as session:
            key = get_state(session.connection(), SERVER_KEY)
        batch = self._claim(cancel, ())
        request = self._encode(batch)
        flight = self._send(pool, request)
        while flight is not None and request is not None:
            # While this batch is in flight: the next one claimed and encoded, so it
            # leaves the moment the answer comes; this answer is read and recorded
            # while that one is in flight.
            following = self._claim(cancel, (batch[0],))
            upcoming = self._encode(following)
            data = flight.result()
            adapt(self.api, self.batch)
            flight = self._send(pool, upcoming)
            answer = self.api.push_answer(request, data)
            with apply_connection(self.db) as conn:
                record_answer(conn, answer, batch[1], key, stats, self.applier)
            stats.pushed += len(batch[1])
            stats.batches += 1
            notify(Progress(self.name.value, stats.pushed, total))
            batch, request = following, upcoming

    def _refuse(self, exc: Forbidden) -> bool:
        try:
            mutation_id = orjson.loads(exc.detail).get("mutation_id")
        except (orjson.JSONDecodeError, AttributeError):
            return False
        if not isinstance(mutation_id, str):
            return False
        with apply_connection(self.db) as conn:
            return refuse_mutation(conn, mutation_id, exc.detail)

    def _claim(
        self, cancel: threading.Event, in_flight: tuple[str, ...]
    ) -> tuple[str, list[Claimed]]:
        """The next batch (nothing once cancelled: what is claimed is always sent)."""
        if cancel.is_set():
            return "", []
        with self.db.engine.begin() as conn:
            return outbox.claim_batch(conn, self.batch.size, in_flight)

    def _encode(self, batch: tuple[str, list[Claimed]]) -> PushRequest | None:
        batch_id, mutations = batch
        if not mutations:
            return None
        return self.api.encode_push(batch_id, self.settings.device_id, [c.wire for c in mutations])

    def _send(self, pool: ThreadPoolExecutor, request: PushRequest | None) -> Future[Any] | None:
        if request is None:
            return None
        # A batch that can still shrink is not sent again as it is after a timeout.
        return pool.submit(
            self.api.send_push, request, retry_timeouts=request.count <= self.batch.minimum
        )


def record_answer(
    conn: Connection,
    answer: PushAnswer,
    mutations: list[Claimed],
    server_key: str,
    stats: SyncReport,
    applier: Applier | None = None,
) -> None:
    """Record a push answer in the caller's transaction (see module docstring)."""
    applier = applier or Applier()
    by_id = {c.wire["id"]: c for c in mutations}
    seqs = {mutation_id: c.seq for mutation_id, c in by_id.items()}
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
            outbox.record_answers(conn, [(result, raw)], seqs)
            if result.status is ResultStatus.CONFLICT:
                stats.conflicts_new += _store_conflicts(conn, mut, result)
            else:
                stats.rejected += 1
                _revert_rejected(conn, mut, result, applier.derive)
    outbox.record_answers(conn, acked, seqs)
    for entity, rows in versions.items():
        _BUMP[entity].run(conn, rows)
    # Server records that came back (merged, conflict, rejected) go through the one apply path.
    returned = [r.record for r in answer.results if r.record is not None and r.mutation_id in by_id]
    if returned:
        applier.records(conn, _latest(returned))
    if answer.receipt:
        if not store_receipt(conn, answer.batch_id, answer.receipt, server_key):
            stats.receipts_unverified += 1


def _latest(records: list[Record]) -> list[Record]:
    out: dict[str, Record] = {}
    for rec in records:
        if rec.id not in out or out[rec.id].version <= rec.version:
            out[rec.id] = rec
    return list(out.values())


def _bump(table: Table) -> ManyStatement:
    return ManyStatement(
        lambda: (
            update(table)
            .where(table.c.id == bindparam("_id"), table.c.version < bindparam("_v"))
            .values(version=bindparam("_v"))
        )
    )


#: Per entity: its local version raised to the server's (never lowered).
_BUMP = {entity: _bump(table_of(entity)) for entity in ENTITIES}


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
        if not _refile_create(conn, mut):
            drop_local_record(conn, mut.entity, mut.record_id)
        return
    table = table_of(mut.entity)
    if mut.op is Op.DELETE:
        conn.execute(update(table).where(table.c.id == mut.record_id).values(deleted=False))
        return
    if mut.op is Op.RESTORE:
        conn.execute(update(table).where(table.c.id == mut.record_id).values(deleted=True))
        return
    # A later local edit of the same field (still waiting) stays on top.
    kept = outbox.waiting_fields(conn, mut.record_id)
    before = {k: v[0] for k, v in mut.changes.items() if k not in kept}
    old = Record(mut.entity, mut.record_id, mut.scope, 0, False, before)
    values = record_values(old, old.fields)
    if values:
        conn.execute(update(table).where(table.c.id == mut.record_id).values(**values))
        rederive(conn, mut.entity, mut.record_id, derive or default_derive(conn))


def _refile_create(conn: Connection, mut: Mutation) -> bool:
    """A refused create whose record the operator edited after the create left the
    device (edits then wait as mutations of their own): the record stays, and its
    current values go again as one create, so the correction is not lost with it.

    Alone, the later edit would be sent as a create of a few fields and refused
    too (no parent), the record and the correction gone. If the values are still
    refused, the next answer undoes the record (no later edit is left).

    Returns:
        False when nothing of the record waits (or a delete or restore is its
        latest word): the create is simply undone.
    """
    later = outbox.waiting_by_record(conn, [mut.record_id]).get(mut.record_id, [])
    later = [row for row in later if row["entity"] == mut.entity]
    if not later or any(row["op"] != Op.UPSERT.value for row in later):
        return False
    current = local_wire(conn, mut.entity, mut.record_id)
    if current is None:
        return False
    names = set(mut.changes).union(*(row["changes"] or {} for row in later))
    changes = {name: [None, current[name]] for name in sorted(names) if name in current}
    outbox.refile_create(conn, mut.entity, mut.record_id, mut.scope, changes)
    return True


def refuse_mutation(conn: Connection, mutation_id: str, detail: str) -> bool:
    """The server refused a whole batch (403) because of this mutation: reject it and
    put the local row back. Returns False when the mutation is not waiting here."""
    refused = outbox.refuse(conn, mutation_id, detail)
    if refused is None:
        return False
    _revert_rejected(conn, *refused)
    return True
