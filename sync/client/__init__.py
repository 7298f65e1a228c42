"""The sync client: push, pull (with apply) and resolve, as named stages.

Public API for the application (all plain Python, call from a worker thread)::

    sync.client.login.login(db, settings, data_dir, user, password) -> LoginResult
    sync.client.login.authenticated_transport(settings)   # AuthExpired: log in again
    engine = SyncEngine(db, settings, transport)
    report = engine.run(progress_cb, cancel_event)         # -> SyncReport, never raises
    engine.stages / report.stages                           # StageName -> stage / StageStatus
    status(db) -> SyncStatus          open_conflicts(db) -> [dict]
    sync.client.resolve.resolve_conflict(db, conflict_id, "mine"|"theirs"|"edited", value)
    sync.client.resolve.conflict_history(db, entity, record_id)
    sync.receipts.record_history(db, entity, record_id) -> [HistoryEntry]
    sync.client.bundles.export_outbox(db, settings, data_dir, path) / import_bundle(db, path)
    sync.credentials.keyring_available()

Modules, one per stage and one per concern:

=============== ================================================================
``engine``      :class:`SyncEngine`: runs the stages in order, owns their state
``push``        push stage: claim outbox batches, send them pipelined, record answers
``pull``        pull stage: the feed page by page from the saved cursor
``apply``       apply stage: server records into the store (one path for pages,
                push answers and feed bundles)
``rebase``      server records under local edits still waiting (local stays on top)
``resolve``     resolve stage (the final push) and conflict resolution
``stage``       the stage base: a name and a :class:`StageStatus`
``report``      :class:`SyncReport`, :class:`ErrorKind`, :class:`Progress`, statuses
``columns``     the one conversion of wire values to local columns
``state``       the ``sync_state`` table: cursor, stage statuses, last run
``api``         the server's endpoints as typed calls
``login``       online and offline login, the transport with the saved token
``bundles``     USB bundles: export the outbox, import outbox or feed bundles
``snapshots``   a first pull from the server's scope snapshot (online or from a file)
``training``    the practice server: its mark and starting over
=============== ================================================================

The outbox itself (states, coalescing, claiming, answers) is
:mod:`silon_desktop.storage.outbox`.
"""

from sync.client.engine import SyncEngine, status
from sync.client.report import (
    Cancelled,
    ErrorKind,
    Progress,
    ProgressFn,
    StageName,
    StageState,
    StageStatus,
    SyncFailure,
    SyncReport,
    SyncStatus,
)
from sync.client.resolve import open_conflicts

__all__ = [
    "Cancelled",
    "ErrorKind",
    "Progress",
    "ProgressFn",
    "StageName",
    "StageState",
    "StageStatus",
    "SyncEngine",
    "SyncFailure",
    "SyncReport",
    "SyncStatus",
    "open_conflicts",
    "status",
]
