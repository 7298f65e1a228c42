"""The sync engine: push, pull (with apply/rebase) and resolve, as named stages.

Public API for the application (all plain Python, call from a worker thread)::

    sync.client_login.login(db, settings, data_dir, user, password) -> LoginResult
    sync.client_login.authenticated_transport(settings)   # AuthExpired: log in again
    engine = SyncEngine(db, settings, transport)
    report = engine.run(progress_cb, cancel_event)         # -> SyncReport, never raises
    status(db) -> SyncStatus          open_conflicts(db) -> [dict]
    sync.client_conflicts.resolve_conflict(db, conflict_id, "mine"|"theirs"|"edited", value)
    sync.client_conflicts.conflict_history(db, entity, record_id)
    sync.receipts.record_history(db, entity, record_id) -> [HistoryEntry]
    sync.client_bundle.export_outbox(db, settings, data_dir, path) / import_bundle(db, path)
    sync.credentials.keyring_available()

Stages, each with a persisted status in ``sync_state`` (see
:mod:`sync.client_state`):

1. ``push``: unanswered ``sent`` mutations first (same ids: the server is
   idempotent), then ``pending`` ones, in adaptive batches; answers, conflicts
   and receipts are recorded per batch in one transaction.
2. ``pull`` / ``apply``: the feed from the saved cursor, page by page; each page
   and its cursor are applied in ONE transaction, local pending fields staying
   on top (:mod:`sync.client_apply`).
3. ``resolve``: pushes what was enqueued meanwhile (conflict resolutions and
   edits made during the run).

Stopping anywhere (cancel, crash, kill -9) leaves a state the next run continues
from: nothing claimed is lost (``sent`` is re-sent), no page is half applied.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from silon_desktop.storage import outbox
from silon_desktop.storage.errors import StoreEnvironmentError, environment_error
from silon_desktop.storage.models import Conflict, utcnow
from silon_desktop.storage.outbox import Claimed, claim_batch, waiting_count
from sync.client_api import BadAnswer, PushAnswer, ServerApi
from sync.client_apply import apply_connection, apply_feed_page
from sync.client_push import PushStats, record_answer, refuse_mutation
from sync.client_rows import DeriveFn
from sync.client_state import (
    CURSOR_KEY,
    SERVER_KEY,
    STAGES,
    feed_start,
    get_state,
    save_cursor,
    set_stage,
    set_state,
)
from sync.transport import (
    AdaptiveBatch,
    AuthExpired,
    Forbidden,
    Offline,
    TimedOut,
    Transport,
    TransportError,
)

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database

log = logging.getLogger(__name__)

conflict_t = Conflict.__table__


class Cancelled(Exception):
    """The run was cancelled between two steps; everything done so far is kept."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress step for the UI or the command line.

    Attributes:
        stage: push, pull, apply or resolve.
        done: mutations pushed or records pulled so far in this stage.
        total: the total when known (push), else None.
    """

    stage: str
    done: int
    total: int | None


ProgressFn = Callable[[Progress], None]


@dataclass(slots=True)
class SyncReport:
    """What one run did.

    Attributes:
        complete: every local mutation has an answer from the server (nothing
            pending or sent is left).
        error: the operator-facing message of the error that stopped the run.
        error_kind: ``offline``, ``auth``, ``local`` (the local database is locked,
            the disk full...) or ``error`` (with ``error``), else "".
    """

    pushed: int = 0
    acked: int = 0
    rejected: int = 0
    conflicts_new: int = 0
    pulled: int = 0
    batches: int = 0
    receipts_unverified: int = 0
    remaining: int = 0
    conflicts_open: int = 0
    cancelled: bool = False
    error: str = ""
    error_kind: str = ""
    stages: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.error and not self.cancelled and self.remaining == 0


@dataclass(frozen=True, slots=True)
class SyncStatus:
    pending: int
    sent: int
    conflicts_open: int
    last_success_at: str
    last_error: str
    cursor: str


class SyncEngine:
    """One sync run at a time with one server.

    Args:
        db: the local database.
        settings: for the device id.
        transport: an authenticated :class:`~sync.transport.Transport`.
        derive: computes local derived columns of pulled rows (supporter status).
        page_size: feed page size to start with (adapts to the link).
        snapshots: a first pull (no cursor yet) installs the server's scope
            snapshot before the feed (:mod:`sync.client_snapshot`).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        transport: Transport,
        *,
        derive: DeriveFn | None = None,
        batch: AdaptiveBatch | None = None,
        pages: AdaptiveBatch | None = None,
        snapshots: bool = True,
    ) -> None:
        self.db = db
        self.settings = settings
        self.api = ServerApi(transport)
        self.derive = derive
        self.batch = batch or AdaptiveBatch(start=500, minimum=25, maximum=2000)
        self.pages = pages or AdaptiveBatch(start=1000, minimum=50, maximum=5000)
        self.snapshots = snapshots

    def run(
        self,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        *,
        stages: tuple[str, ...] = ("push", "pull", "resolve"),
    ) -> SyncReport:
        """Push, pull and resolve once. Never raises for link, auth or local-disk trouble.

        Args:
            progress: called after each batch or page (from this thread).
            cancel: set it to stop between two batches or pages.
            stages: a subset to run (benchmarks time push and pull apart).

        Raises:
            Exception: bugs only (logged by the caller with their traceback).
        """
        report = SyncReport()
        cancel = cancel or threading.Event()
        notify = progress or (lambda _p: None)
        stage = "push"
        try:
            self._ensure_server_key()
            if "push" in stages:
                self._push(report, notify, cancel, "push")
            stage = "pull"
            if "pull" in stages:
                self._pull(report, notify, cancel)
            stage = "resolve"
            if "resolve" in stages:
                self._push(report, notify, cancel, "resolve")
        except Cancelled:
            report.cancelled = True
            self._stage(stage, "cancelled")
        except TransportError as exc:
            report.error = exc.message
            report.error_kind = _kind(exc)
            self._stage(stage, "failed", str(exc))
            log.info("sync stopped in stage %s: %s", stage, exc)
        except (StoreEnvironmentError, DBAPIError) as exc:
            self._local_failure(report, stage, exc)
        try:
            self._finish(report)
        except (StoreEnvironmentError, DBAPIError) as exc:
            self._local_failure(report, "finish", exc)
        return report

    def _local_failure(self, report: SyncReport, stage: str, exc: Exception) -> None:
        """The local database failed (locked, disk full): say so; anything else is a bug.

        Raises:
            Exception: ``exc`` again when it is not an error of the environment.
        """
        problem = exc if isinstance(exc, StoreEnvironmentError) else environment_error(exc)
        if problem is None:
            raise exc
        report.error = report.error or problem.message
        report.error_kind = report.error_kind or "local"
        log.warning("sync stopped in stage %s: %s", stage, problem)
        try:
            self._stage(stage, "failed", str(problem))
        except (StoreEnvironmentError, DBAPIError):
            pass  # the same trouble again: the report says it already

    def _finish(self, report: SyncReport) -> None:
        current = status(self.db)
        report.remaining = current.pending + current.sent
        report.conflicts_open = current.conflicts_open
        now = utcnow().isoformat(timespec="seconds")
        with self.db.engine.begin() as conn:
            set_state(conn, "last_run_at", now)
            if report.complete:
                set_state(conn, "last_success_at", now)
                set_state(conn, "last_error", "")
            elif report.error:
                set_state(conn, "last_error", report.error)
            report.stages = {name: get_state(conn, f"stage.{name}") for name in STAGES}

    def _stage(self, stage: str, state: str, detail: str = "") -> None:
        with self.db.engine.begin() as conn:
            set_stage(conn, stage, state, detail)

    def _ensure_server_key(self) -> None:
        with self.db.session(readonly=True) as session:
            known = get_state(session.connection(), SERVER_KEY)
        if known:
            return
        try:
            key = self.api.server_key()
        except TransportError as exc:
            if isinstance(exc, Offline):
                raise
            log.warning("server key unavailable (%s); receipts stay unverified", exc)
            return
        with self.db.engine.begin() as conn:
            set_state(conn, SERVER_KEY, key)

    def _server_key(self) -> str:
        with self.db.session(readonly=True) as session:
            return get_state(session.connection(), SERVER_KEY)

    def _push(
        self, report: SyncReport, notify: ProgressFn, cancel: threading.Event, stage: str
    ) -> None:
        self._stage(stage, "running")
        with self.db.session(readonly=True) as session:
            total = waiting_count(session.connection())
        stats = PushStats()
        with ThreadPoolExecutor(1, thread_name_prefix="sync-push") as pool:
            while True:
                try:
                    self._pipeline(pool, stage, cancel, notify, stats, total)
                    break
                except Forbidden as exc:
                    # 403 names the mutation that is out of this account's scope; nothing
                    # of that batch was applied. Refuse that one, send the others again.
                    if not self._refuse(exc):
                        raise
                    stats.rejected += 1
                except TimedOut:
                    # Same mutations (same ids) again, claimed in half-size batches.
                    if not self._shrink(self.batch, "push"):
                        raise
        report.pushed += stats.sent
        report.acked += stats.acked
        report.rejected += stats.rejected
        report.conflicts_new += stats.conflicts
        report.batches += stats.batches
        report.receipts_unverified += stats.receipts_unverified
        if cancel.is_set():
            raise Cancelled
        self._stage(stage, "done", f"{stats.sent} sent")

    def _pipeline(
        self,
        pool: ThreadPoolExecutor,
        stage: str,
        cancel: threading.Event,
        notify: ProgressFn,
        stats: PushStats,
        total: int,
    ) -> None:
        """Pipelined: the next batch is claimed while one is in flight, and sent as soon
        as the answer comes, its predecessor's answer being recorded meanwhile. Sends
        stay strictly one after the other, in outbox order."""
        key = self._server_key()
        batch = self._claim(cancel, ())
        flight = self._send(pool, batch)
        while flight is not None:
            following = self._claim(cancel, (batch[0],))
            answer = flight.result()
            self._adapt(self.batch)
            flight = self._send(pool, following)
            with apply_connection(self.db) as conn:
                record_answer(conn, answer, batch[1], key, stats, self.derive)
            stats.sent += len(batch[1])
            stats.batches += 1
            notify(Progress(stage, stats.sent, total))
            batch = following

    def _refuse(self, exc: Forbidden) -> bool:
        try:
            mutation_id = orjson.loads(exc.detail).get("mutation_id")
        except (orjson.JSONDecodeError, AttributeError):
            return False
        if not isinstance(mutation_id, str):
            return False
        with apply_connection(self.db) as conn:
            return refuse_mutation(conn, mutation_id, exc.detail)

    @staticmethod
    def _shrink(sizer: AdaptiveBatch, what: str) -> bool:
        """Halve after a timeout; False when already at the minimum."""
        if sizer.size <= sizer.minimum:
            return False
        sizer.record(0.0, timed_out=True)
        log.info("%s timed out; going on with %d at a time", what, sizer.size)
        return True

    def _claim(
        self, cancel: threading.Event, in_flight: tuple[str, ...]
    ) -> tuple[str, list[Claimed]]:
        """The next batch (nothing once cancelled: what is claimed is always sent)."""
        if cancel.is_set():
            return "", []
        with self.db.engine.begin() as conn:
            return claim_batch(conn, self.batch.size, in_flight)

    def _send(
        self, pool: ThreadPoolExecutor, batch: tuple[str, list[Claimed]]
    ) -> Future[PushAnswer] | None:
        batch_id, mutations = batch
        if not mutations:
            return None
        wire = [c.wire for c in mutations]
        # A batch that can still shrink is not sent again as it is after a timeout.
        return pool.submit(
            self.api.push_wire,
            batch_id,
            self.settings.device_id,
            wire,
            retry_timeouts=len(wire) <= self.batch.minimum,
        )

    def _adapt(self, sizer: AdaptiveBatch) -> None:
        stats = self.api.transport.stats
        sizer.record(stats.last_elapsed_s, stats.last_timed_out)

    def _fetch(self, cursor: str) -> dict[str, Any]:
        """The feed page after ``cursor`` (a page that can still shrink is not retried
        as it is after a timeout)."""
        limit = self.pages.size
        return self.api.feed_raw(cursor, limit, retry_timeouts=limit <= self.pages.minimum)

    def _pull(self, report: SyncReport, notify: ProgressFn, cancel: threading.Event) -> None:
        self._stage("pull", "running")
        self._stage("apply", "running")
        with self.db.session(readonly=True) as session:
            cursor = feed_start(session.connection())
        if (
            not cursor and self.snapshots
        ):  # a first pull: the scope's snapshot, then the feed after it
            cursor = self._snapshot(report, notify, cancel) or cursor
        # The next page is fetched while this one is applied (its cursor is known).
        with ThreadPoolExecutor(1, thread_name_prefix="sync-pull") as pool:
            flight: Future[dict[str, Any]] | None = pool.submit(self._fetch, cursor)
            while flight is not None:
                try:
                    page = flight.result()
                except TimedOut:
                    if not self._shrink(self.pages, "pull"):
                        raise
                    flight = pool.submit(self._fetch, cursor)  # a smaller page from there
                    continue
                self._adapt(self.pages)
                next_cursor, more = str(page["cursor"]), bool(page.get("has_more"))
                flight = None
                if more and not cancel.is_set():
                    flight = pool.submit(self._fetch, next_cursor)
                try:
                    with apply_connection(self.db) as conn:
                        stats = apply_feed_page(conn, page, derive=self.derive)
                        save_cursor(conn, next_cursor)
                except ValueError as exc:
                    raise BadAnswer(str(exc)) from exc
                cursor = next_cursor
                report.pulled += stats.inserted + stats.updated + stats.skipped
                report.conflicts_new += stats.conflicts
                notify(Progress("pull", report.pulled, None))
        if cancel.is_set():
            raise Cancelled
        self._stage("pull", "done", f"cursor {cursor}")
        self._stage("apply", "done", f"{report.pulled} records")

    def _snapshot(self, report: SyncReport, notify: ProgressFn, cancel: threading.Event) -> str:
        """Install the server's snapshot; its cursor, or "" when none was installed."""
        from sync.client_snapshot import SnapshotCancelled, install_online
        from sync.snapshot import SnapshotError

        try:
            result = install_online(
                self.db,
                self.api,
                derive=self.derive,
                progress=lambda n: notify(Progress("pull", report.pulled + n, None)),
                cancel=cancel,
            )
        except SnapshotCancelled:
            raise Cancelled from None
        except SnapshotError as exc:
            raise BadAnswer(str(exc)) from exc
        if result is None:
            return ""
        report.pulled += result.count
        return result.cursor if result.cursor_moved else ""


def _kind(exc: TransportError) -> str:
    if isinstance(exc, AuthExpired):
        return "auth"
    if isinstance(exc, Offline):
        return "offline"
    return "error"


def status(db: Database) -> SyncStatus:
    """Pending and sent mutations, open conflicts, last success and last error."""
    with db.session(readonly=True) as session:
        conn = session.connection()
        counts = outbox.counts(conn)
        open_conflicts = conn.execute(
            select(func.count()).select_from(conflict_t).where(conflict_t.c.resolved_at.is_(None))
        ).scalar_one()
        return SyncStatus(
            pending=counts[outbox.State.PENDING],
            sent=counts[outbox.State.SENT],
            conflicts_open=int(open_conflicts),
            last_success_at=get_state(conn, "last_success_at"),
            last_error=get_state(conn, "last_error"),
            cursor=get_state(conn, CURSOR_KEY),
        )


def open_conflicts(db: Database) -> list[dict[str, Any]]:
    """Open conflicts, oldest first: id, entity, record_id, field, base, mine, theirs."""
    with db.session(readonly=True) as session:
        rows = session.execute(
            select(conflict_t).where(conflict_t.c.resolved_at.is_(None)).order_by(conflict_t.c.id)
        ).mappings()
        return [dict(r) for r in rows]
