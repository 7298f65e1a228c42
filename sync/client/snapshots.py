"""Installing a scope snapshot on the client: a first sync in seconds (format:
:mod:`sync.snapshot`).

- :func:`install_online` is the pull stage's first pull when this client has no feed
  cursor yet: it asks ``GET /v1/snapshot`` for the signed manifest, checks it
  against the server key saved here, then fetches the parts one by one (the next
  while the current one is applied), checks each against the manifest's digest
  and applies it through the bulk apply path of feed pages. Every part and the
  new cursor are written in ONE transaction: cancelled, refused or killed
  halfway, nothing of the snapshot is kept and the next run starts again.
- :func:`install_file` does the same from a snapshot file carried on a USB stick
  (``silon-desktop snapshot import FILE``).

The cursor moves to the snapshot's only when this client had none and the
snapshot is of this operator's whole scope; otherwise the records are applied
(versions decide, as for any feed page) and the cursor is kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, select

from silon_desktop.domain.errors import ErrorCode, naming_the_file
from silon_desktop.gc_tuning import fewer_collections
from sync import snapshot as fmt
from sync.client.api import ServerApi
from sync.client.apply import (
    Applier,
    ApplyStats,
    apply_connection,
    block_count,
    empty_tables,
    indexes_built_after,
)
from sync.client.columns import DeriveFn
from sync.client.state import SERVER_KEY, feed_start, get_state, save_cursor, set_state
from sync.transport import ServerRefused

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from silon_desktop.storage.db import Database

#: The ``scope`` of :func:`_install` for a snapshot the server built for this account.
ONLINE = "\x00online"
#: The page cache while a snapshot is installed: its tables' secondary indexes are
#: built after the rows, so the inserts touch the table's last pages and the
#: primary key (a million UUIDs: about 45 MB); the client's memory stays bounded.
INSTALL_CACHE_KIB = 32 * 1024
#: sync_state key: JSON of the last snapshot installed (id, scope, cursor, count).
SNAPSHOT_KEY = "snapshot"


class SnapshotCancelled(Exception):
    """Cancelled while installing; nothing of the snapshot was kept."""


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    count: int  # records applied
    cursor: str  # the snapshot's feed position
    cursor_moved: bool


def install_online(
    db: Database,
    api: ServerApi,
    *,
    derive: DeriveFn | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
    own_records: int = 0,
) -> SnapshotResult | None:
    """Install the server's snapshot of this account's scope (see the module docstring).

    Returns None when the server offers no snapshot (an older server), no server key is
    known here to check it with, or the snapshot was gone (410) twice while its parts
    were fetched (another server process answering): the caller then pulls the feed
    from the start.
    Also None when ``own_records`` (what this run's pushes wrote) is half the
    snapshot or more: the snapshot would mostly bring back this computer's own rows
    (the importing PC's first sync), and the feed asked with ``skip_own`` leaves
    them out.

    Raises:
        SnapshotError: the manifest or a part does not verify (nothing kept).
        SnapshotCancelled: ``cancel`` was set (nothing kept).
        TransportError: the link failed (nothing kept).
    """
    with db.session(readonly=True) as session:
        trusted = get_state(session.connection(), SERVER_KEY)
    if not trusted:
        return None
    for attempt in range(2):
        try:
            manifest = fmt.check_manifest(api.snapshot_manifest(), trusted)
        except ServerRefused as exc:
            if exc.status == 404:
                return None  # a server without snapshots
            raise
        if own_records and own_records * 2 >= manifest.count:
            return None
        try:
            return _install(
                db, manifest, _online_parts(api, manifest), derive, progress, cancel, scope=ONLINE
            )
        except ServerRefused as exc:
            if exc.status != 410:
                raise
            # Rebuilt meanwhile by the server: ask for the new one once. Gone again, it
            # is likely kept by another server process than the one answering (several
            # processes behind a proxy that does not keep a client on one): the feed
            # brings the same records, slower (nothing of the snapshot was kept).
            if attempt:
                log.info("the snapshot was gone twice; the first pull reads the feed")
    return None


def _online_parts(api: ServerApi, manifest: fmt.Manifest) -> Iterator[dict[str, Any]]:
    """The parts, each checked; the next one is fetched and checked (its digest
    taken) while the caller applies this one."""
    count = len(manifest.parts)
    if not count:
        return

    def fetch(index: int) -> dict[str, Any]:
        data = api.snapshot_part(manifest.snapshot_id, index)
        return fmt.check_decoded_part(manifest, index, data, rows=False)

    with ThreadPoolExecutor(1, thread_name_prefix="sync-snapshot") as pool:
        flight: Future[dict[str, Any]] = pool.submit(fetch, 0)
        for index in range(count):
            page = flight.result()
            if index + 1 < count:
                flight = pool.submit(fetch, index + 1)
            yield page


def install_file(
    db: Database,
    path: Path,
    *,
    account_scope: str | None,
    derive: DeriveFn | None = None,
    progress: Callable[[int], None] | None = None,
) -> SnapshotResult:
    """Install a snapshot file checked against the server key saved here.

    Args:
        account_scope: the scope label of what this computer's account reads
            (:func:`account_scope`), or None when unknown: the cursor then stays.

    Raises:
        SnapshotError: no server key known, or the file does not verify (nothing kept);
            its ``name`` param names the file (the words of the codes, shared with the
            online install, do not: the caller says which file).
    """
    with naming_the_file(path.name, fmt.SnapshotError):
        with db.session(readonly=True) as session:
            trusted = get_state(session.connection(), SERVER_KEY)
        if not trusted:
            raise fmt.SnapshotError(ErrorCode.SNAPSHOT_NO_SERVER_KEY, "no server key")
        manifest, parts = fmt.read_file(path, trusted, rows=False)
        return _install(db, manifest, parts, derive, progress, None, scope=account_scope)


def _install(
    db: Database,
    manifest: fmt.Manifest,
    parts: Iterator[dict[str, Any]],
    derive: DeriveFn | None,
    progress: Callable[[int], None] | None,
    cancel: threading.Event | None,
    *,
    scope: str | None,
) -> SnapshotResult:
    """Apply every part and (when allowed) the cursor in one transaction.

    Args:
        scope: :data:`ONLINE`, or the scope label of what this computer's account
            reads (None: unknown); the cursor moves only when it is the snapshot's.
    """
    total = ApplyStats()
    applier = Applier(derive)
    done = 0
    # The parts' columns and converted values are freed by reference counting: the
    # collector, walking them again and again, took about 5% of a 1,048,577-record
    # install's CPU (silon_desktop.gc_tuning). Not around the feed's pages: with
    # fewer collections a feed-only first sync of the same list peaked at 307 MB
    # against 195 MB, their lookups' statements holding ids in reference cycles
    # (since gone: apply._existing_versions; not measured with fewer collections again).
    with (
        fewer_collections(),
        apply_connection(db, INSTALL_CACHE_KIB, one_large_commit=True) as conn,
    ):
        fresh = feed_start(conn) == ""
        applier.fresh = empty_tables(conn)
        with indexes_built_after(conn, applier.fresh):
            for page in parts:
                if cancel is not None and cancel.is_set():
                    raise SnapshotCancelled
                try:
                    total.add(applier.feed_page(conn, page))
                except ValueError as exc:
                    raise fmt.SnapshotError(ErrorCode.SNAPSHOT_MALFORMED, str(exc)) from exc
                done += sum(block_count(block) for block in page.get("entities") or [])
                if progress is not None:
                    progress(done)
            if done != manifest.count:
                raise fmt.SnapshotError(
                    ErrorCode.SNAPSHOT_INCOMPLETE, f"{done} of {manifest.count} records"
                )
        # Online, the server built the snapshot for this very account's scope.
        whole_scope = scope == ONLINE or (scope is not None and manifest.scope == scope)
        moved = fresh and whole_scope
        if moved:
            save_cursor(conn, manifest.cursor)
        _remember(conn, manifest, moved)
    return SnapshotResult(done, manifest.cursor, moved)


def _remember(conn: Connection, manifest: fmt.Manifest, moved: bool) -> None:
    note = {
        "snapshot_id": manifest.snapshot_id,
        "scope": manifest.scope,
        "cursor": manifest.cursor,
        "count": manifest.count,
        "cursor_moved": moved,
    }
    set_state(conn, SNAPSHOT_KEY, orjson.dumps(note).decode())


def account_scope(db: Database, username: str) -> str | None:
    """The scope label (as a manifest writes it) of what the local account ``username``
    reads, or None when it never logged in here."""
    from silon_desktop.storage.models import LocalAccount

    with db.session(readonly=True) as session:
        row = session.execute(
            select(LocalAccount.role, LocalAccount.scope).where(LocalAccount.username == username)
        ).first()
    if row is None:
        return None
    return read_label(str(row[0] or ""), str(row[1] or ""))


def read_label(role: str, region: str) -> str:
    """What an account of ``role`` in ``region`` reads, as a manifest or feed bundle
    labels a scope (:func:`sync.snapshot.scope_label`): ``*`` (everything), ``32.*``
    (a province and all below it) or ``32.14`` (a kab/kota)."""
    if role == "kpu_ri" or not region:
        return fmt.scope_label(None)
    return fmt.scope_label((region, role == "kabkota"))
