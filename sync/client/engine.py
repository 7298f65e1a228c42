"""The sync engine: runs the stages of a run in order and owns their state.

A run is the stages ``push``, ``pull`` (with ``apply``, page by page) and
``resolve`` (:class:`~sync.client.report.StageName`), each an object with a
:class:`~sync.client.report.StageStatus` (:mod:`sync.client.stage`). The engine
owns everything a run keeps between two steps: the stages, the adaptive batch
and page sizes, the compiled apply statements (:class:`~sync.client.apply.Applier`).
It reads the stages' statuses to tell which one an error stopped, and hands
them to the caller in the :class:`~sync.client.report.SyncReport`
(:attr:`SyncEngine.stages` while it runs).

Stopping anywhere (cancel, crash, kill -9) leaves a state the next run continues
from: nothing claimed is lost (``sent`` is re-sent), no page is half applied.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.storage import outbox
from silon_desktop.storage.errors import StoreEnvironmentError, environment_error
from silon_desktop.storage.models import LAST_SYNC_STATE_KEY, utcnow
from sync.client.api import ServerApi
from sync.client.apply import Applier, ApplyStage
from sync.client.columns import DeriveFn, conflict_t
from sync.client.login import ServerKeyChanged, revocation_stands
from sync.client.pull import PullStage
from sync.client.push import PushStage
from sync.client.report import (
    Cancelled,
    ErrorKind,
    ProgressFn,
    StageName,
    StageState,
    StageStatus,
    SyncFailure,
    SyncReport,
    SyncStatus,
    read_problem,
    saved_problem,
)
from sync.client.resolve import ResolveStage
from sync.client.stage import Stage
from sync.client.state import (
    CURSOR_KEY,
    SERVER_BOX_KEY,
    SERVER_KEY,
    STAMP_FORMAT,
    get_stages,
    get_state,
    set_state,
)
from sync.transport import (
    AdaptiveBatch,
    AuthExpired,
    Offline,
    Revoked,
    Transport,
    TransportError,
)

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database

log = logging.getLogger(__name__)

#: The stages a run goes through, in order (apply runs inside pull).
RUN_ORDER = (StageName.PUSH, StageName.PULL, StageName.RESOLVE)


class SyncEngine:
    """One sync run at a time with one server.

    Args:
        db: the local database.
        settings: for the device id.
        transport: an authenticated :class:`~sync.transport.Transport`.
        derive: computes local derived columns of pulled rows (supporter status).
        batch: push batch size to start with (adapts to the link).
        pages: feed page size to start with (adapts to the link).
        snapshots: a first pull (no cursor yet) installs the server's scope
            snapshot before the feed (:mod:`sync.client.snapshots`).
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
        batch = batch or AdaptiveBatch(start=500, minimum=25, maximum=2000)
        pages = pages or AdaptiveBatch(start=1000, minimum=50, maximum=5000)
        self.applier = Applier(derive)
        apply = ApplyStage(db, self.applier)
        self.push = PushStage(StageName.PUSH, db, settings, self.api, batch, self.applier)
        self.pull = PullStage(db, self.api, pages, apply, snapshots=snapshots)
        self.resolve = ResolveStage(db, settings, self.api, batch, self.applier)
        self._runs: dict[StageName, PushStage | PullStage] = {
            StageName.PUSH: self.push,
            StageName.PULL: self.pull,
            StageName.RESOLVE: self.resolve,
        }
        #: Every stage by name (the status bar reads their statuses).
        self.stages: dict[StageName, Stage] = {**self._runs, StageName.APPLY: apply}

    @property
    def batch(self) -> AdaptiveBatch:
        """The push batch size (push and resolve share it)."""
        return self.push.batch

    @batch.setter
    def batch(self, sizer: AdaptiveBatch) -> None:
        self.push.batch = self.resolve.batch = sizer

    @property
    def pages(self) -> AdaptiveBatch:
        """The feed page size."""
        return self.pull.pages

    @pages.setter
    def pages(self, sizer: AdaptiveBatch) -> None:
        self.pull.pages = sizer

    def statuses(self) -> dict[StageName, StageStatus]:
        """Each stage's status as this engine last set it."""
        return {name: stage.status for name, stage in self.stages.items()}

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
        wanted = [name for name in RUN_ORDER if name.value in stages]
        current: Stage = self.stages[wanted[0] if wanted else StageName.PUSH]
        self.api.new_run()
        try:
            self._ensure_server_key()
            for name in wanted:
                runner = self._runs[name]
                current = runner
                runner.run(report, notify, cancel)
        except Cancelled:
            report.cancelled = True
            self._stop(current, StageState.CANCELLED)
        except ServerKeyChanged as exc:  # another server: nothing sent, nothing taken
            report.failure = SyncFailure(ErrorKind.ERROR, current.name, exc)
            self._stop(current, StageState.FAILED, str(exc))
        except TransportError as refused:
            # a 401 revoked locks the data only on the pinned key's word (its proof)
            stands = revocation_stands(self.db, refused)
            report.failure = SyncFailure(_kind(stands), current.name, stands)
            self._stop(current, StageState.FAILED, str(stands))
            log.info("sync stopped in stage %s: %s", current.name, stands)
        except (StoreEnvironmentError, DBAPIError) as exc:
            self._local_failure(report, current, exc)
        try:
            self._finish(report)
        except (StoreEnvironmentError, DBAPIError) as exc:
            self._local_failure(report, None, exc)
        return report

    def _stop(self, current: Stage, state: StageState, detail: str = "") -> None:
        """Mark the stage the run stopped in, and any other still running (apply runs
        inside pull), as failed or cancelled."""
        for stage in self.stages.values():
            if stage is current or stage.running:
                stage.mark(state, detail)

    def _local_failure(self, report: SyncReport, current: Stage | None, exc: Exception) -> None:
        """The local database failed (locked, disk full): say so; anything else is a bug.

        Raises:
            Exception: ``exc`` again when it is not an error of the environment.
        """
        problem = exc if isinstance(exc, StoreEnvironmentError) else environment_error(exc)
        if problem is None:
            raise exc
        where = current.name if current is not None else "finish"
        if report.failure is None:
            report.failure = SyncFailure(ErrorKind.LOCAL, where, problem)
        log.warning("sync stopped in stage %s: %s", where, problem)
        if current is None:
            return
        try:
            self._stop(current, StageState.FAILED, str(problem))
        except (StoreEnvironmentError, DBAPIError):
            pass  # the same trouble again: the report says it already

    def _finish(self, report: SyncReport) -> None:
        current = status(self.db)
        report.remaining = current.pending + current.sent
        report.conflicts_open = current.conflicts_open
        now = utcnow().strftime(STAMP_FORMAT)
        with self.db.engine.begin() as conn:
            set_state(conn, "last_run_at", now)
            if report.complete:
                set_state(conn, LAST_SYNC_STATE_KEY, now)
                set_state(conn, "last_error", "")
            elif report.failure is not None:
                set_state(conn, "last_error", saved_problem(report.failure.error))
        report.stages = {**current.stages, **self._touched()}

    def _touched(self) -> dict[StageName, StageStatus]:
        """The statuses this engine set (the others are as saved by earlier runs)."""
        return {n: s for n, s in self.statuses().items() if s.state is not StageState.IDLE}

    def _ensure_server_key(self) -> None:
        """Check the server's signing key against the one pinned here before anything is
        sent or taken (a session carried on with a saved token meets no login's check),
        or pin it when none is; in both cases only once the server proved it over this
        run's fresh nonce (:func:`~sync.client.login.proven_server_keys`), with the box
        key it answers beside it (kept when it is not the one kept here).

        Raises:
            ServerKeyChanged: the server signs with another key (``SYNC_SERVER_KEY_CHANGED``)
                or does not prove it (``SYNC_SERVER_KEY_UNPROVEN``).
            TransportError: the key could not be read while one is pinned (a check that
                a failing answer skips would be none), or the server is offline.
        """
        from sync.client.login import proven_server_keys, trust_server_key

        with self.db.session(readonly=True) as session:
            known = get_state(session.connection(), SERVER_KEY)
            box_known = get_state(session.connection(), SERVER_BOX_KEY)
        unproven = ErrorCode.SYNC_SERVER_KEY_UNPROVEN
        try:
            keys = proven_server_keys(self.api, self.settings, pinned=bool(known), code=unproven)
        except TransportError as exc:
            if known or isinstance(exc, Offline):
                raise
            log.warning("server key unavailable (%s); receipts stay unverified", exc)
            return
        if not keys.public_key:  # an older server, nothing pinned: nothing to prove with
            return
        code = ErrorCode.SYNC_SERVER_KEY_CHANGED
        if not trust_server_key(self.db, self.settings, self.api.transport, keys.public_key, code):
            with self.db.engine.begin() as conn:
                set_state(conn, SERVER_KEY, keys.public_key)
        if keys.box_key and keys.box_key != box_known:
            with self.db.engine.begin() as conn:
                set_state(conn, SERVER_BOX_KEY, keys.box_key)


def _kind(exc: TransportError) -> ErrorKind:
    if isinstance(exc, Revoked):
        return ErrorKind.REVOKED
    if isinstance(exc, AuthExpired):
        return ErrorKind.AUTH
    if isinstance(exc, Offline):
        return ErrorKind.OFFLINE
    return ErrorKind.ERROR


def status(db: Database) -> SyncStatus:
    """Pending and sent mutations, open conflicts, last success and error, stage statuses."""
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
            last_success_at=get_state(conn, LAST_SYNC_STATE_KEY),
            last_problem=read_problem(get_state(conn, "last_error")),
            cursor=get_state(conn, CURSOR_KEY),
            stages=get_stages(conn),
        )
