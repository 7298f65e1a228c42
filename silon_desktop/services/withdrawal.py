"""Withdrawing supporters and merging duplicates.

A withdrawn supporter is a tombstone (the row and its history stay) whose
delete mutation carries why, a note, who, when and, for a duplicate merged
away, the id of the row kept (``sync.protocol.WITHDRAWAL_FIELDS``). Counts,
recaps and the supporters table leave tombstones out.

- :func:`withdraw`: one supporter, with a reason; the rows of the pair sharing
  its NIK are checked again (a *potensi ganda* that is no longer true goes).
- :func:`merge`: of two rows of the same person (ganda identik / potensi
  ganda), keep one, optionally taking field values from the other, and
  withdraw the other with reason ``ganda`` naming the kept one, in ONE
  transaction.
- :func:`restore`: undo a withdrawal (the same row live again, its withdrawal
  fields blank; the journal and the server's audit log keep what was undone);
  the rows of the pair sharing its NIK are checked again (a duplicate comes back).
- :func:`better_verified`: which of two rows to keep by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, select

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.domain.supporters import PERSON_FIELDS, field_verdict_counts
from silon_desktop.services import verification
from silon_desktop.storage.db import Database
from silon_desktop.storage.errors import ValidationError
from silon_desktop.storage.models import Supporter
from silon_desktop.storage.repository import Repository

SUPPORTER = "supporter"
#: Reasons an operator may give (labels: ``domain.labels.WITHDRAWAL_REASON_LABELS_ID``).
REASONS = ("ditarik_pendukung", "salah_input", "ganda", "diganti_impor", "lainnya")
#: The fields of a person an operator may take from the other row when merging.
MERGE_FIELDS = (
    "nik",
    *PERSON_FIELDS,
    "has_id_scan",
)
_STATUS_RANK = {"MS": 3, "BMS": 2, "": 1, "TMS": 0}


class WithdrawalRefused(CodedError):
    """A withdrawal or merge the operator cannot make (``code``: why; the UI words it)."""

    default_code = ErrorCode.WITHDRAW_UNKNOWN_REASON


def withdrawal_values(
    reason: str, user: str, note: str = "", duplicate_of: str = ""
) -> dict[str, Any]:
    """The columns a withdrawal writes on the tombstone.

    Raises:
        WithdrawalRefused: an unknown reason, or ``lainnya`` without a note.
    """
    if reason not in REASONS:
        raise WithdrawalRefused(ErrorCode.WITHDRAW_UNKNOWN_REASON, reason=repr(reason))
    if reason == "lainnya" and not note.strip():
        raise WithdrawalRefused(ErrorCode.WITHDRAW_NOTE_REQUIRED)
    return {
        "withdrawn_reason": reason,
        "withdrawn_note": note.strip(),
        "withdrawn_by": user,
        "withdrawn_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        "duplicate_of": duplicate_of,
    }


def withdraw(
    repo: Repository,
    db: Database,
    election: Mapping[str, Any],
    record_id: str,
    values: Mapping[str, Any],
) -> str | None:
    """Withdraw one supporter (a tombstone with ``values``); returns the mutation id.

    Raises:
        RecordNotFound: no such supporter.
        ValidationError: a value is refused (nothing is saved).
    """
    record = repo.get(SUPPORTER, record_id)
    mutation = repo.delete(SUPPORTER, record_id, values)
    if record is not None:
        _recheck_same_nik(repo, db, election, record)
    return mutation


def restore(
    repo: Repository,
    db: Database,
    election: Mapping[str, Any],
    record_id: str,
) -> str | None:
    """Undo the withdrawal of one supporter; returns the mutation id.

    Raises:
        WithdrawalRefused: the row is not withdrawn, or its pair is gone.
        RecordNotFound: no such supporter.
    """
    record = repo.get(SUPPORTER, record_id)
    if record is None:
        raise WithdrawalRefused(ErrorCode.RESTORE_NOT_FOUND)
    if not record["deleted"]:
        raise WithdrawalRefused(ErrorCode.RESTORE_NOT_WITHDRAWN)
    try:
        mutation = repo.restore(SUPPORTER, record_id)
    except ValidationError as error:
        raise WithdrawalRefused(ErrorCode.RESTORE_PAIR_GONE) from error
    verification.recheck(repo, db, record_id, dict(election))
    return mutation


def withdrawn(db: Database, pair_id: str) -> list[dict[str, Any]]:
    """The withdrawn supporters of a pair, last withdrawn first (what can be restored).

    A tombstone with no reason whose personal data is blanked is left out: a
    supporter the province moved to another kab/kota's area (the feed's departure),
    no longer this office's to read or restore (the server refuses it).
    """
    departed = and_(Supporter.withdrawn_reason == "", Supporter.nik == "")
    with db.session(readonly=True) as session:
        rows = session.scalars(
            select(Supporter)
            .where(Supporter.pair_id == pair_id, Supporter.deleted.is_(True), ~departed)
            .order_by(Supporter.withdrawn_at.desc(), Supporter.name)
        ).all()
        return [
            {
                "id": r.id,
                "name": r.name,
                "nik": r.nik,
                "kecamatan_code": r.kecamatan_code,
                "withdrawn_reason": r.withdrawn_reason or "",
                "withdrawn_note": r.withdrawn_note or "",
                "withdrawn_by": r.withdrawn_by or "",
                "withdrawn_at": r.withdrawn_at,
                "duplicate_of": r.duplicate_of or "",
            }
            for r in rows
        ]


def merge(
    repo: Repository,
    db: Database,
    election: Mapping[str, Any],
    keep_id: str,
    drop_id: str,
    values: Mapping[str, Any],
    user: str,
) -> None:
    """Keep ``keep_id`` (with ``values`` taken over from the other row) and
    withdraw ``drop_id`` as ``ganda`` of it, in one transaction.

    Raises:
        WithdrawalRefused: the same row twice, or rows of different pairs.
        RecordNotFound, ValidationError: nothing is saved.
    """
    if keep_id == drop_id:
        raise WithdrawalRefused(ErrorCode.MERGE_SAME_ROW)
    keep, drop = repo.get(SUPPORTER, keep_id), repo.get(SUPPORTER, drop_id)
    if keep is None or drop is None or keep["deleted"] or drop["deleted"]:
        raise WithdrawalRefused(ErrorCode.MERGE_ROW_GONE)
    if keep["pair_id"] != drop["pair_id"]:
        raise WithdrawalRefused(ErrorCode.MERGE_OTHER_PAIR)
    unknown = set(values) - set(MERGE_FIELDS)
    if unknown:
        raise WithdrawalRefused(ErrorCode.MERGE_UNKNOWN_FIELDS, fields=", ".join(sorted(unknown)))
    gone = withdrawal_values("ganda", user, duplicate_of=keep_id)
    with db.session() as session:
        if values:
            repo.update_in(session, SUPPORTER, keep_id, values)
        repo.delete_in(session, SUPPORTER, drop_id, gone)
    kept = repo.get(SUPPORTER, keep_id) or keep
    verification.recheck(repo, db, keep_id, dict(election), old_nik=str(drop.get("nik") or ""))
    if str(keep.get("nik") or "") != str(kept.get("nik") or ""):
        _recheck_same_nik(repo, db, election, keep)


def _counted_field_status(row: Mapping[str, Any]) -> str:
    """The row's field verdict where it counts ("" where it does not)."""
    admin, field = str(row.get("admin_status") or ""), str(row.get("field_status") or "")
    return field if field_verdict_counts(admin, field) else ""


def person_verdict(row: Mapping[str, Any]) -> str:
    """The verdict a person gave the row that counts: field over administrative."""
    return _counted_field_status(row) or str(row.get("admin_status") or "")


def better_verified(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """The id of the row to keep by default: the better verdict of a person
    (field over administrative), then a scan, fewer problems; on a tie ``a``."""

    def rank(r: Mapping[str, Any]) -> tuple[int, int, int, int]:
        return (
            _STATUS_RANK.get(_counted_field_status(r), 1),
            _STATUS_RANK.get(str(r.get("admin_status") or ""), 1),
            1 if r.get("has_id_scan") else 0,
            -len(r.get("check_reasons") or ()),
        )

    return str(a["id"]) if rank(a) >= rank(b) else str(b["id"])


def differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """The person's fields on which two rows differ (what a merge may choose)."""
    return [f for f in MERGE_FIELDS if (a.get(f) or "") != (b.get(f) or "")]


def _recheck_same_nik(
    repo: Repository, db: Database, election: Mapping[str, Any], record: Mapping[str, Any]
) -> None:
    """Check again the live rows of the pair sharing ``record``'s NIK."""
    nik = str(record.get("nik") or "")
    if not nik:
        return
    with db.session(readonly=True) as session:
        other = session.scalar(
            select(Supporter.id)
            .where(
                Supporter.pair_id == record["pair_id"],
                Supporter.deleted.is_(False),
                Supporter.nik == nik,
            )
            .limit(1)
        )
    if other is not None:
        verification.recheck(repo, db, str(other), dict(election))
