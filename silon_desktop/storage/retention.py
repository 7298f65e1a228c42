"""Less data kept (UU PDP 27/2022 Art. 43-44): what the server holds leaves this PC.

:func:`apply` does two things, each only for what the server has acknowledged:

- a deleted supporter's personal fields (NIK, name, birth place and date, sex,
  marital status, occupation, address, RT/RW) are blanked once no mutation of
  it waits for the server or sits in conflict: its delete was acknowledged (or
  the server sent the deletion). The values are nulled in its journal lines and
  answered outbox rows too (the field names stay: the history still says what
  was changed, not to what);
- acknowledged outbox mutations whose batch has a verified receipt move to the
  archive file ``outbox-archive.db`` beside the database, without their values
  (``storage.outbox.archive_acknowledged``); a receipt follows once every
  mutation of its batch did (``storage.outbox.archive_receipts``: kept as it came,
  still verifiable), and the record's history reads both files (``sync.receipts``).

It runs after each complete sync in the application and at start, and by hand
with ``silon-desktop retention [--dry-run]``, which reports what it removed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, and_, exists, null, or_, select, text, update

from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database, read_only
from silon_desktop.storage.errors import environment_errors
from silon_desktop.storage.models import OutboxMutation, Supporter

log = logging.getLogger(__name__)

supporter_t: Table = Supporter.__table__  # type: ignore[assignment]
outbox_t: Table = OutboxMutation.__table__  # type: ignore[assignment]

#: The supporter's personal fields blanked after an acknowledged delete.
PERSONAL_TEXT = (
    "nik",
    "name",
    "birth_place",
    "sex",
    "marital_status",
    "occupation",
    "address",
    "rt",
    "rw",
)
#: Outbox states that still need the record's values (sending, resolving).
_OPEN = (outbox.State.PENDING.value, outbox.State.SENT.value, outbox.State.CONFLICT.value)
_CHUNK = 500
_BLANK_JOURNAL = text(
    "UPDATE record_history SET changes = (SELECT json_group_object(key, json('[null, null]'))"
    " FROM json_each(record_history.changes)) WHERE entity = 'supporter'"
    " AND record_id = :record_id AND changes != '{}'"
)
_OUTBOX_BYTES = text(
    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN"
    " (SELECT name FROM sqlite_master WHERE tbl_name = 'outbox')"
)
#: Without ``dbstat`` (the SQLCipher build has no DBSTAT_VTAB): the bytes of the rows
#: and of their index entries, plus a fixed cost per row for the record headers.
_OUTBOX_ROW_BYTES = text(
    "SELECT coalesce(sum(2 * (length(mutation_id) + length(record_id)) + length(entity)"
    " + length(scope) + length(op) + 2 * length(state) + length(changes)"
    " + 2 * coalesce(length(batch_id), 0) + coalesce(length(result), 0)"
    " + coalesce(length(via_bundle), 0) + 96), 0) FROM outbox"
)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What :func:`apply` removed (or, in a dry run, would remove).

    Attributes:
        archived: acknowledged mutations moved out of the working database.
        blanked: deleted supporters whose personal fields were blanked.
        outbox_bytes_before: bytes of the outbox table and its indexes before
            (0 when not measured).
        outbox_bytes_after: the same after (pages freed inside the file; the
            file itself shrinks with ``--vacuum``).
        archive: the archive file.
        dry_run: nothing was changed.
        receipts: signed receipts moved to the archive with their batches (0 in a
            dry run: they follow the mutations it only counts).
        set_aside: archives found damaged by this run and set aside (a new archive
            was started: ``storage.outbox.damaged_archives``), for the operator.
    """

    archived: int
    blanked: int
    outbox_bytes_before: int
    outbox_bytes_after: int
    archive: Path
    dry_run: bool = False
    receipts: int = 0
    set_aside: tuple[Path, ...] = ()


def blankable(conn: Connection, among: Sequence[str] | None = None) -> list[str]:
    """Deleted supporters still holding personal data whose deletion the server has
    (with ``among``: only those of these ids)."""
    still = [supporter_t.c[name] != "" for name in PERSONAL_TEXT]
    waiting = exists().where(outbox_t.c.record_id == supporter_t.c.id, outbox_t.c.state.in_(_OPEN))
    stmt = select(supporter_t.c.id).where(
        supporter_t.c.deleted.is_(True),
        or_(*still, supporter_t.c.birth_date.is_not(None)),
        ~waiting,
    )
    if among is None:
        return [str(row[0]) for row in conn.execute(stmt)]
    out: list[str] = []
    for start in range(0, len(among), _CHUNK):
        part = list(among[start : start + _CHUNK])
        out += [str(row[0]) for row in conn.execute(stmt.where(supporter_t.c.id.in_(part)))]
    return out


def blank(conn: Connection, ids: Sequence[str]) -> None:
    """Blank the personal fields of these deleted supporters, in their journal lines
    and answered outbox rows too, in the caller's transaction (ids from
    :func:`blankable`). The sync's apply stage calls it for the tombstones it
    applies (a supporter withdrawn, or moved out of this kab/kota's area), so they
    leave the PC at once, not only at the next retention."""
    values = {name: "" for name in PERSONAL_TEXT} | {"birth_date": null()}
    for start in range(0, len(ids), _CHUNK):
        part = list(ids[start : start + _CHUNK])
        conn.execute(
            update(supporter_t)
            .where(and_(supporter_t.c.id.in_(part), supporter_t.c.deleted.is_(True)))
            .values(**values)
        )
        for record_id in part:
            conn.execute(_BLANK_JOURNAL, {"record_id": record_id})
        outbox.blank_values(conn, "supporter", part)


def outbox_bytes(conn: Connection) -> int:
    """Bytes the outbox table and its indexes take in the file (``dbstat``); an
    estimate from the rows' lengths where SQLite was built without ``dbstat`` (the
    encrypted database's SQLCipher)."""
    if not _has_dbstat(conn):
        return int(conn.execute(_OUTBOX_ROW_BYTES).scalar_one())
    return int(conn.execute(_OUTBOX_BYTES).scalar_one())


def _has_dbstat(conn: Connection) -> bool:
    options = conn.exec_driver_sql("PRAGMA compile_options").scalars().all()
    return "ENABLE_DBSTAT_VTAB" in options


def apply(db: Database, *, dry_run: bool = False, measure: bool = True) -> RetentionReport:
    """Blank acknowledged deleted supporters, then archive acknowledged mutations.

    Args:
        db: the open working database.
        dry_run: only count what would be removed.
        measure: read the outbox's size before and after (a scan of its pages).

    Raises:
        StoreEnvironmentError: a file refused (the disk full, the archive not
            writable); what was not yet moved stays where it was.
    """
    with environment_errors():
        return _apply(db, dry_run=dry_run, measure=measure)


def _apply(db: Database, *, dry_run: bool, measure: bool) -> RetentionReport:
    with read_only(db.engine).connect() as conn:  # counting commits nothing
        before = outbox_bytes(conn) if measure else 0
        ids = blankable(conn)
        purgeable = outbox.purgeable_count(conn)
    archive = outbox.archive_path(db.path)
    if dry_run:
        return RetentionReport(purgeable, len(ids), before, before, archive, dry_run=True)
    earlier = set(outbox.damaged_archives(db.path))
    for start in range(0, len(ids), _CHUNK):
        with db.engine.begin() as conn:
            blank(conn, ids[start : start + _CHUNK])
    archived = outbox.archive_acknowledged(db.path, db.engine) if purgeable else 0
    receipts = outbox.archive_receipts(db.path, db.engine)
    if archived or ids or receipts:
        release_free_pages(db)
    after = 0
    if measure:
        with read_only(db.engine).connect() as conn:
            after = outbox_bytes(conn)
    if archived or ids or receipts:
        log.info(
            "retention: %d mutations and %d receipts archived, %d deleted supporters blanked",
            archived,
            receipts,
            len(ids),
        )
    aside = tuple(path for path in outbox.damaged_archives(db.path) if path not in earlier)
    return RetentionReport(
        archived, len(ids), before, after, archive, receipts=receipts, set_aside=aside
    )


def release_free_pages(db: Database) -> None:
    """Give the pages retention freed back to the disk, where the file allows it
    (``auto_vacuum = INCREMENTAL``: every file made since revision 0008's release;
    an older file keeps them until :func:`vacuum`). Moves pages from the file's end
    into the free ones, :data:`_VACUUM_PAGES` at a time, each step a write transaction
    of its own: an edit made meanwhile waits for one step, never for the whole file."""
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        free = driver.execute("PRAGMA freelist_count").fetchone()[0]
        while free:
            # executescript steps the pragma to its end (execute would free one page).
            driver.executescript(f"PRAGMA incremental_vacuum({_VACUUM_PAGES});")
            left = driver.execute("PRAGMA freelist_count").fetchone()[0]
            if left >= free:  # auto_vacuum is off for this file: nothing moves
                break
            free = left
    finally:
        raw.close()


#: Pages one step of :func:`release_free_pages` gives back (8 MB of 4 KB pages).
_VACUUM_PAGES = 2048


def vacuum(db: Database) -> None:
    """Give the freed pages back to the disk (rewrites the file; the program must be
    the only user of the database)."""
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        driver.execute("VACUUM")
    finally:
        raw.close()
