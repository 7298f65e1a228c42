"""Signed receipts of the server, and the per-record history the UI shows.

Every accepted push batch is answered with a receipt: a JSON ``body`` (batch id,
server time, mutation ids and results) and the server's Ed25519 ``signature`` of
its canonical JSON (:mod:`sync.signing`). The client verifies it against the
server's public key (saved at login) and keeps it in the ``receipt`` table
whether or not it verified (``verified`` says which): an operator's proof of
filing, checkable offline.

:func:`record_history` answers "when was this record saved, pushed, in which
batch, and acknowledged?" for one record, from the outbox and the receipts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from silon_desktop.storage.errors import StoreEnvironmentError
from silon_desktop.storage.models import OutboxMutation, Receipt, RecordHistory, utcnow
from sync import signing

if TYPE_CHECKING:
    from silon_desktop.storage.db import Database

log = logging.getLogger(__name__)

receipt_t: Table = Receipt.__table__  # type: ignore[assignment]
outbox_t: Table = OutboxMutation.__table__  # type: ignore[assignment]
journal_t: Table = RecordHistory.__table__  # type: ignore[assignment]


def verify_receipt(receipt: dict[str, Any], public_key: str, batch_id: str | None = None) -> bool:
    """Whether the receipt's signature is the server key's signature of its body
    (and, given ``batch_id``, the body is about that batch: a genuine receipt of
    another batch proves nothing about this one)."""
    body = receipt.get("body")
    signature = receipt.get("signature")
    if not public_key or not isinstance(body, dict) or not isinstance(signature, str):
        return False
    if batch_id is not None and body.get("batch_id") != batch_id:
        return False
    return signing.verify(public_key, body, signature)


def store_receipt(
    conn: Connection, batch_id: str, receipt: dict[str, Any], public_key: str
) -> bool:
    """Verify and keep a receipt (kept even when it does not verify); True if verified."""
    verified = verify_receipt(receipt, public_key, batch_id)
    if not verified:
        log.warning("receipt of batch %s does not verify with the server key", batch_id)
    body = receipt.get("body") if isinstance(receipt.get("body"), dict) else {}
    assert isinstance(body, dict)
    values = {
        "batch_id": batch_id,
        "server_time": str(body.get("server_time") or ""),
        "body": body,
        "signature": str(receipt.get("signature") or ""),
        "key_id": str(receipt.get("key_id") or ""),
        "verified": verified,
        "received_at": utcnow(),
    }
    stmt = sqlite_insert(receipt_t).values(**values)
    # A receipt again (a resend) replaces the stored one; the new values are taken
    # from the insert (``excluded``), so the packed body is bound and compressed once.
    again = {name: stmt.excluded[name] for name in values if name != "batch_id"}
    conn.execute(stmt.on_conflict_do_update(index_elements=["batch_id"], set_=again))
    return verified


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One local edit of a record on its way to the server.

    Attributes:
        mutation_id: the edit's idempotency key.
        op: ``upsert`` or ``delete``.
        fields: the fields it changes.
        state: pending, sent, acked, conflict or rejected.
        saved_at: when it was saved locally (UTC).
        sent_at: when it was (last) pushed, or None.
        batch_id: the push batch, or None.
        acked_at: when the server's answer was recorded, or None.
        server_version: the record's server version after it, when acknowledged.
        server_time: the server's time of filing from the receipt ('' if none).
        receipt_verified: the receipt's signature checked out.
        via_bundle: the bundle file it travelled in, if any.
        refusal: why the server refused it, ``(code, field)`` of its answer
            (``sync.protocol.RejectCode``, ``FORBIDDEN`` for a 403), or None.
    """

    mutation_id: str
    op: str
    fields: tuple[str, ...]
    state: str
    saved_at: dt.datetime
    sent_at: dt.datetime | None
    batch_id: str | None
    acked_at: dt.datetime | None
    server_version: int | None
    server_time: str
    receipt_verified: bool
    via_bundle: str | None
    refusal: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class RecordHistoryRead:
    """A record's history as far as it could be read.

    Attributes:
        entries: oldest first (:func:`record_history`'s).
        archive_problem: why the archive (acknowledged changes moved out of the
            working database, ``storage.retention``) could not be read, or None.
            ``entries`` then holds only what the working database keeps: the
            operator is told the list is incomplete, never shown it as whole.
        archive_file: the archive's path when it could not be read (to name it).
    """

    entries: list[HistoryEntry]
    archive_problem: StoreEnvironmentError | None = None
    archive_file: Path | None = None


def record_history(db: Database, entity: str, record_id: str) -> list[HistoryEntry]:
    """Every outbox mutation of one record, oldest first, with its receipt: those
    still in the outbox and those moved to the archive once acknowledged
    (``storage.retention``: field names kept, values not).

    Raises:
        StoreEnvironmentError: the archive cannot be read (a part of the history
            would be missing; :func:`read_history` gives the rest with the reason).
    """
    found = read_history(db, entity, record_id)
    if found.archive_problem is not None:
        raise found.archive_problem
    return found.entries


def read_history(db: Database, entity: str, record_id: str) -> RecordHistoryRead:
    """:func:`record_history`, with what the working database keeps when the archive
    cannot be read (damaged, unreadable) and the reason beside it; the same reason
    and the file's name when an earlier archive was found damaged and set aside
    (``storage.outbox.damaged_archives``): what it held is missing here too."""
    from silon_desktop.storage.errors import CorruptDatabase
    from silon_desktop.storage.outbox import (
        archive_path,
        archived,
        archived_receipts,
        damaged_archives,
    )
    from silon_desktop.storage.record_changes import field_names

    stmt = (
        select(outbox_t, receipt_t.c.server_time, receipt_t.c.verified)
        .select_from(outbox_t.outerjoin(receipt_t, receipt_t.c.batch_id == outbox_t.c.batch_id))
        .where(outbox_t.c.entity == entity, outbox_t.c.record_id == record_id)
        .order_by(outbox_t.c.seq)
    )
    problem: StoreEnvironmentError | None = None
    try:
        old = archived(db.path, entity, record_id)
    except StoreEnvironmentError as error:
        log.warning("the outbox archive cannot be read (%s)", error.code)
        old, problem = [], error
    with db.session(readonly=True) as session:
        rows = session.execute(stmt).mappings().all()
        batches = {r["batch_id"] for r in old if r["batch_id"]}
        receipts = {
            r.batch_id: (r.server_time, r.verified)
            for r in session.execute(
                select(receipt_t.c.batch_id, receipt_t.c.server_time, receipt_t.c.verified).where(
                    receipt_t.c.batch_id.in_(batches)
                )
            )
        }
    if batches - receipts.keys():  # moved to the archive after their batches
        try:
            receipts.update(archived_receipts(db.path, batches - receipts.keys()))
        except StoreEnvironmentError as error:  # damaged between the two reads
            problem = error
    live = {r["mutation_id"] for r in rows}
    entries = [
        (
            int(r["seq"]),
            HistoryEntry(
                mutation_id=r["mutation_id"],
                op=r["op"],
                fields=tuple(field_names(r["entity"], r["changes"])),
                state=r["state"],
                saved_at=r["created_at"],
                sent_at=r["sent_at"],
                batch_id=r["batch_id"],
                acked_at=r["acked_at"],
                server_version=r["server_version"],
                server_time=str(r["server_time"] or ""),
                receipt_verified=bool(r["verified"]),
                via_bundle=r["via_bundle"],
                refusal=_refusal(r["state"], r["result"]),
            ),
        )
        for r in rows
    ]
    for r in old:
        if r["mutation_id"] in live:
            continue  # archived, then the move was cut short: the outbox row counts
        server_time, verified = receipts.get(r["batch_id"], ("", False))
        entry = HistoryEntry(
            mutation_id=r["mutation_id"],
            op=r["op"],
            fields=tuple(r["fields"]),
            state=r["state"],
            saved_at=_when(r["created_at"]) or dt.datetime.min.replace(tzinfo=dt.UTC),
            sent_at=_when(r["sent_at"]),
            batch_id=r["batch_id"],
            acked_at=_when(r["acked_at"]),
            server_version=r["server_version"],
            server_time=str(server_time or ""),
            receipt_verified=bool(verified),
            via_bundle=r["via_bundle"],
        )
        entries.append((int(r["seq"]), entry))
    ordered = [entry for _seq, entry in sorted(entries, key=lambda item: item[0])]
    if problem is not None:
        return RecordHistoryRead(ordered, problem, archive_path(db.path))
    aside = damaged_archives(db.path)
    if aside:  # what a damaged archive held is missing from any record's history
        return RecordHistoryRead(ordered, CorruptDatabase(detail="set aside"), aside[-1])
    return RecordHistoryRead(ordered)


def _refusal(state: str, result: Any) -> tuple[str, str] | None:
    """``(code, field)`` of a rejected mutation's stored answer (None otherwise)."""
    if state != "rejected" or not isinstance(result, dict):
        return None
    return str(result.get("code") or ""), str(result.get("field") or "")


def receipt_of(db: Database, batch_id: str) -> dict[str, Any] | None:
    """A batch's signed receipt as kept here: ``body`` (the dict the server signed),
    ``signature``, ``key_id``, ``server_time``, ``verified``; from the working
    database, or from the archive once its batch moved there (``storage.retention``).
    None when no receipt of that batch is kept."""
    from silon_desktop.storage.outbox import archived_receipt
    from silon_desktop.storage.types import unpack_json

    with db.session(readonly=True) as session:
        row = (
            session.execute(select(receipt_t).where(receipt_t.c.batch_id == batch_id))
            .mappings()
            .first()
        )
    if row is not None:
        found = dict(row)
    else:
        stored = archived_receipt(db.path, batch_id)
        if stored is None:
            return None
        found = {**stored, "body": unpack_json(stored["body"])}
    return {
        "body": found["body"],
        "signature": str(found["signature"]),
        "key_id": str(found["key_id"]),
        "server_time": str(found["server_time"]),
        "verified": bool(found["verified"]),
    }


def _when(stored: str | None) -> dt.datetime | None:
    """A time as the database stores it (naive UTC text), aware UTC."""
    if not stored:
        return None
    return dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC)


def local_journal(db: Database, entity: str, record_id: str) -> list[dict[str, Any]]:
    """The local journal of edits (each edit as made, before coalescing)."""
    stmt = (
        select(journal_t)
        .where(journal_t.c.entity == entity, journal_t.c.record_id == record_id)
        .order_by(journal_t.c.seq)
    )
    with db.session(readonly=True) as session:
        return [dict(r) for r in session.execute(stmt).mappings()]
