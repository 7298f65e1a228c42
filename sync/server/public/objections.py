""" "Saya tidak mendukung": a citizen's objection against a supporter row.

Filing (after the NIK + birth date check matched the row):

- a ``public_objections`` row (status ``open``; the optional phone or e-mail is
  kept there only, for the follow-up while the objection is open: never shown,
  logged or put in the audit log, and erased when the objection is resolved);
- the supporter's server-owned field ``public_objection`` set true with a new
  version and feed position, so it reaches the desktops of the office that
  verifies that supporter through the ordinary feed ("ada tanggapan masyarakat");
- an audit entry (``public_objection``, by ``publik``);
- the public version bumped (objection counts per pair are public).

Resolution happens in the push path (:func:`resolve_in_batch`): when an operator
pushes a human verdict for a row with an open objection, the objection is
resolved with that verdict (e.g. TMS ``DENIES_SUPPORT`` after clarification, or
MS kept with a note in the reasons), the flag goes back to false with a new
version, and the citizen sees the outcome with the same NIK and birth date. A row
withdrawn while its objection is open resolves it the same way (outcome
``WITHDRAWN``): the operator's list no longer holds the row, so no verdict follows.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from silon_desktop.domain.supporters import field_verdict_counts
from sync.server import audit
from sync.server.batch import Batch, Rec, audit_entry
from sync.server.db import write_tx
from sync.server.public import figures
from sync.server.schema import public_objections, records

FLAG = "public_objection"
VERDICT_FIELDS = (
    "admin_status",
    "admin_reasons",
    "admin_at",
    "field_status",
    "field_reasons",
    "field_at",
)
MAX_CONTACT = 120


def valid_contact(text: str) -> bool:
    return len(text) <= MAX_CONTACT and all(c.isprintable() for c in text)


def file(engine: Any, record_id: str, pair_id: str, contact: str, now: float, iso: str) -> bool:
    """File an objection against ``record_id`` (already matched). False if one is open already."""
    with write_tx(engine) as conn:
        already = conn.execute(
            select(func.count()).where(
                public_objections.c.record_id == record_id, public_objections.c.status == "open"
            )
        ).scalar_one()
        if already:
            return False
        row = conn.execute(
            select(records.c.version, records.c.fields, records.c.deleted, records.c.scope).where(
                records.c.id == record_id
            )
        ).first()
        if row is None or row.deleted:
            return False
        objection_id = str(uuid.uuid4())
        conn.execute(
            public_objections.insert().values(
                id=objection_id,
                record_id=record_id,
                pair_id=pair_id,
                filed_at=now,
                contact=contact,
                status="open",
                outcome="",
                outcome_reasons="[]",
                resolved_at=None,
            )
        )
        fields = orjson.loads(row.fields)
        before = bool(fields.get(FLAG))
        fields[FLAG] = True
        seq = int(conn.execute(select(func.coalesce(func.max(records.c.seq), 0))).scalar_one()) + 1
        conn.execute(
            update(records)
            .where(records.c.id == record_id)
            .values(
                version=int(row.version) + 1,
                seq=seq,
                fields=orjson.dumps(fields).decode("utf-8"),
                updated_at=now,
                origin="",
            )
        )
        audit.append(
            conn,
            [
                audit.AuditEntry(
                    at=iso,
                    username="publik",
                    device_id="web",
                    action="public_objection",
                    entity="supporter",
                    record_id=record_id,
                    before={FLAG: before},
                    after={FLAG: True, "objection_id": objection_id},
                    state=audit.state_digest(
                        fields, int(row.version) + 1, False, "supporter", str(row.scope)
                    ),
                )
            ],
        )
        figures.bump(conn, now)
    return True


#: The outcome of an objection whose row was withdrawn (its support no longer counts).
WITHDRAWN = "WITHDRAWN"


def _outcome(rec: Rec) -> tuple[str, list[Any]]:
    """What resolved the objection of ``rec``: its human verdict and that verdict's
    reasons, or :data:`WITHDRAWN` (no reasons) for a row withdrawn."""
    if rec.deleted:
        return WITHDRAWN, []
    counted = field_verdict_counts(
        str(rec.fields.get("admin_status") or ""), str(rec.fields.get("field_status") or "")
    )
    reasons = rec.fields.get("field_reasons") if counted else None
    return figures.verdict(rec.fields).upper(), list(
        reasons or rec.fields.get("admin_reasons") or []
    )


def resolve_in_batch(conn: Connection, batch: Batch) -> bool:
    """Resolve open objections of rows whose human verdict this batch changed, or
    which this batch withdrew (outcome :data:`WITHDRAWN`).

    Returns whether any was resolved (the caller bumps the public version).
    """
    due: list[Rec] = []
    for rid in dict.fromkeys(batch.order):
        rec = batch.state[rid]
        if rec.entity != "supporter" or not rec.fields.get(FLAG) or rec.orig is None:
            continue
        # A row withdrawn with an open objection leaves the operator's list (its
        # desktop counts only live rows' objections): no verdict can follow, the
        # withdrawal is the follow-up.
        withdrawn = rec.deleted and not rec.orig_deleted
        if withdrawn or (
            any(rec.fields.get(n) != rec.orig.get(n) for n in VERDICT_FIELDS)
            and figures.verdict(rec.fields) != "pending"
        ):
            due.append(rec)
    for rec in due:
        outcome, reasons = _outcome(rec)
        conn.execute(
            update(public_objections)
            .where(public_objections.c.record_id == rec.id, public_objections.c.status == "open")
            .values(
                status="resolved",
                contact="",  # the follow-up is over: the citizen's contact is not kept
                outcome=outcome,
                outcome_reasons=orjson.dumps([str(r) for r in reasons]).decode("utf-8"),
                resolved_at=batch.now,
            )
        )
        rec.fields = {**rec.fields, FLAG: False}
        rec.version += 1  # past the pusher's result: the cleared flag reaches it by the feed
        rec.by_server = True
        entry = audit_entry(
            batch, "objection_resolved", rec, {FLAG: True}, {FLAG: False, "outcome": outcome}
        )
        entry.username = "server"
        batch.audit_entries.append(entry)
    return bool(due)


def reopen_in_batch(conn: Connection, batch: Batch) -> bool:
    """Open again the objection a withdrawal resolved (outcome :data:`WITHDRAWN`) when
    this batch restores the row (a withdrawal undone): the row is counted again, so
    the citizen's objection needs its follow-up after all. The flag is set again with
    a version of the server's own; the contact erased at the withdrawal stays erased.

    Returns whether any was opened again (the caller bumps the public version).
    """
    restored = {
        rid: rec
        for rid in dict.fromkeys(batch.order)
        if (rec := batch.state[rid]).entity == "supporter" and rec.orig_deleted and not rec.deleted
    }
    if not restored:
        return False
    rows = conn.execute(
        select(public_objections.c.id, public_objections.c.record_id)
        .where(
            public_objections.c.record_id.in_(sorted(restored)),
            public_objections.c.status == "resolved",
            public_objections.c.outcome == WITHDRAWN,
        )
        .order_by(public_objections.c.filed_at)
    ).all()
    latest = {str(r.record_id): str(r.id) for r in rows}  # the last filed wins
    for rid, objection_id in latest.items():
        conn.execute(
            update(public_objections)
            .where(public_objections.c.id == objection_id)
            .values(status="open", outcome="", outcome_reasons="[]", resolved_at=None)
        )
        rec = restored[rid]
        before = {FLAG: rec.fields.get(FLAG)}
        rec.fields = {**rec.fields, FLAG: True}
        rec.version += 1
        rec.by_server = True
        entry = audit_entry(
            batch, "objection_reopened", rec, before, {FLAG: True, "objection_id": objection_id}
        )
        entry.username = "server"
        batch.audit_entries.append(entry)
    return bool(latest)
