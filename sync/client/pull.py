"""The pull stage: the change feed from the saved cursor, page by page.

A first pull (no cursor yet) installs the server's scope snapshot first
(:mod:`sync.client.snapshots`), then pulls the feed after it.

Every feed page announces what the account reads and by which rules. When that
is not what the saved cursor was moved under (the rules widened, or the account
was moved to a wider reach: it now reads records behind the cursor), the page is
dropped and the pull starts again from the beginning, as a first pull
(:func:`~sync.client.state.feed_start`): applying a record again is harmless
(versions decide) and pending local edits stay on top.

What this run's own pushes wrote is never downloaded back: the feed is asked
with ``skip_own=<run id>`` (:class:`~sync.client.api.ServerApi`), and a snapshot
that would be mostly this computer's own rows is not fetched at all (the
importing PC's first sync pushed 1.2M rows and then pulled them back).

The next page is fetched while this one is applied (its cursor is known); pages
and the cursor after the last are applied in ONE transaction by the apply stage
(:mod:`sync.client.apply`), so the cursor never runs ahead of the data. While the
next page is already here, it joins the same transaction, for up to
:data:`GROUP_S`: a large pull (a million records from the feed) committed each
5,000-record page on its own, and every commit wrote again the index pages that
page's random NIKs, names and ids had touched, into the log and then the file
(about 0.26 s a commit, 45% of such a pull). A page that times out is asked for
again at half the size, from the same cursor.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sync.client.api import BadAnswer, ServerApi
from sync.client.apply import ApplyStage, ApplyStats
from sync.client.push import adapt, shrink
from sync.client.report import Cancelled, Progress, ProgressFn, StageName, StageState, SyncReport
from sync.client.stage import Stage
from sync.client.state import (
    SERVER_RULES_KEY,
    feed_start,
    get_state,
    heard_read_rules,
    save_cursor,
)
from sync.transport import AdaptiveBatch, TimedOut

if TYPE_CHECKING:
    from silon_desktop.storage.db import Database

log = logging.getLogger(__name__)

#: Seconds a write transaction of the pull goes on taking pages already fetched. A
#: page is never waited for inside it, so an operator's save waits at most about
#: this long (plus one page) for the pull; a crash loses at most this much work.
GROUP_S = 1.0


class _RulesChanged(Exception):
    """The server reads by other rules than the saved cursor was moved under."""


class PullStage(Stage):
    """Fetches feed pages and hands each to the apply stage with its cursor.

    Args:
        db: the local database.
        api: the server's endpoints.
        pages: the adaptive page size.
        apply: the apply stage.
        snapshots: a first pull (no cursor yet) installs the server's scope
            snapshot before the feed (:mod:`sync.client.snapshots`).
    """

    def __init__(
        self,
        db: Database,
        api: ServerApi,
        pages: AdaptiveBatch,
        apply: ApplyStage,
        *,
        snapshots: bool = True,
    ) -> None:
        super().__init__(StageName.PULL, db)
        self.api = api
        self.pages = pages
        self.apply = apply
        self.snapshots = snapshots

    def run(self, report: SyncReport, notify: ProgressFn, cancel: threading.Event) -> None:
        """Pull until the feed has no more (or ``cancel``); counts go into ``report``.

        Raises:
            Cancelled: ``cancel`` was set (every page applied so far is kept).
            TransportError: the link or the server stopped the stage.
        """
        self.mark(StageState.RUNNING)
        self.apply.mark(StageState.RUNNING)
        try:
            cursor = self._pull(report, notify, cancel, may_restart=True)
        except _RulesChanged:
            # Not the operator's concern: records now readable arrive, nothing is lost.
            log.info("the server announces other read rules: pulling from the beginning")
            cursor = self._pull(report, notify, cancel, may_restart=False)
        if cancel.is_set():
            raise Cancelled
        self.mark(StageState.DONE, f"cursor {cursor}")
        self.apply.mark(StageState.DONE, f"{report.pulled} records")

    def _pull(
        self, report: SyncReport, notify: ProgressFn, cancel: threading.Event, *, may_restart: bool
    ) -> str:
        """The snapshot (a first pull) and the feed's pages; the cursor reached.

        Raises:
            _RulesChanged: ``may_restart``, the pull went on from a saved cursor, and
                the first page announced read rules other than those it was moved
                under (nothing of that page was applied).
        """
        with self.db.session(readonly=True) as session:
            cursor = feed_start(session.connection())
        resumed, first = bool(cursor), True
        if not cursor and self.snapshots:  # a first pull: the scope's snapshot, then the feed
            cursor = self._snapshot(report, notify, cancel) or cursor
        with ThreadPoolExecutor(1, thread_name_prefix="sync-pull") as pool:
            flight: Future[dict[str, Any]] | None = pool.submit(self._fetch, cursor)
            while flight is not None:
                try:
                    page = flight.result()
                except TimedOut:
                    if not shrink(self.pages, "pull"):
                        raise
                    flight = pool.submit(self._fetch, cursor)  # a smaller page from there
                    continue
                if first and self._heard_rules(page) and resumed and may_restart:
                    raise _RulesChanged
                first = False
                cursor, flight = self._apply_pages(page, pool, report, cancel)
                notify(Progress(self.name.value, report.pulled, None))
        return cursor

    def _heard_rules(self, page: dict[str, Any]) -> bool:
        """Keep the read rules ``page`` (a run's first) announces; whether the saved
        cursor was moved under others (it no longer holds all the account reads).

        Only a run's first page is heard: rules changed during the run are heard at
        the next, the cursor saved meanwhile being marked with the older ones."""
        rules = str(page.get("read_rules") or "")
        with self.db.session(readonly=True) as session:
            if get_state(session.connection(), SERVER_RULES_KEY) == rules:
                return False
        with self.db.engine.begin() as conn:
            heard_read_rules(conn, rules)
            return not feed_start(conn)

    def _apply_pages(
        self,
        page: dict[str, Any],
        pool: ThreadPoolExecutor,
        report: SyncReport,
        cancel: threading.Event,
    ) -> tuple[str, Future[dict[str, Any]] | None]:
        """Apply ``page``, and the pages after it already fetched, in one transaction
        with the cursor after the last (:data:`GROUP_S`); the next page's fetch is
        started before each is applied. Returns the cursor reached and the fetch in
        flight (None: the feed has no more, or ``cancel``).

        Raises:
            BadAnswer: a page is malformed (nothing of this transaction is kept).
        """
        total = ApplyStats()
        started = time.monotonic()
        with self.apply.transaction() as conn:
            while True:
                adapt(self.api, self.pages)
                cursor, more = str(page["cursor"]), bool(page.get("has_more"))
                flight = None
                if more and not cancel.is_set():
                    flight = pool.submit(self._fetch, cursor)
                try:
                    total.add(self.apply.applier.feed_page(conn, page))
                except ValueError as exc:
                    raise BadAnswer(str(exc)) from exc
                save_cursor(conn, cursor)
                # Go on only with a page already here (the write lock is never held
                # while waiting for the network) and for at most GROUP_S.
                if (
                    flight is None
                    or not flight.done()
                    or flight.exception() is not None
                    or time.monotonic() - started >= GROUP_S
                ):
                    break
                page = flight.result()
        report.pulled += total.inserted + total.updated + total.skipped
        report.conflicts_new += total.conflicts
        return cursor, flight

    def _snapshot(self, report: SyncReport, notify: ProgressFn, cancel: threading.Event) -> str:
        """Install the server's snapshot; its cursor, or "" when none was installed."""
        from sync.client.snapshots import SnapshotCancelled, install_online
        from sync.snapshot import SnapshotError

        try:
            result = install_online(
                self.db,
                self.api,
                derive=self.apply.applier.derive,
                progress=lambda n: notify(Progress(self.name.value, report.pulled + n, None)),
                cancel=cancel,
                own_records=self.api.pushed_in_run,
            )
        except SnapshotCancelled:
            raise Cancelled from None
        except SnapshotError as exc:
            raise BadAnswer(str(exc)) from exc
        if result is None:
            return ""
        report.pulled += result.count
        return result.cursor if result.cursor_moved else ""

    def _fetch(self, cursor: str) -> dict[str, Any]:
        """The feed page after ``cursor`` (a page that can still shrink is not retried
        as it is after a timeout)."""
        limit = self.pages.size
        return self.api.feed_raw(cursor, limit, retry_timeouts=limit <= self.pages.minimum)
