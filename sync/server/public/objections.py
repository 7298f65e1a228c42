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

Filing again (:func:`file`): one objection per row is open at a time, and once one is
answered (resolved) a new one against the same row is accepted only after
:func:`quiet_seconds` (``SILON_PUBLIC_OBJECTION_QUIET_DAYS``, default 30) from that
answer. The NIK encodes the birth date, so anyone holding a leaked NIK list can pass
the check: without the pause, a script filing again right after each answer kept the
same rows flagged and the office's verification (a window of days) never ended. A
citizen files once and reads the answer; one who still disagrees is told to go to the
KPU office, which is the follow-up the page can offer (the lookup is one key read of the
row's objections by the ``record_id`` index, never a scan).

Resolution happens in the push path (:func:`resolve_in_batch`): when an operator
pushes a human verdict for a row with an open objection, made knowing of it, the
objection is resolved with that verdict (e.g. TMS ``DENIES_SUPPORT`` after
clarification, or MS when the support stands), the flag goes back to false
with a new version, and the citizen sees the outcome with the same NIK and birth
date. "Knowing of it": the mutation was made on the version that set the flag
(``public_objections.flag_version``) or a later one, so the operator's copy showed
"ada tanggapan masyarakat"; a verdict made before (an offline PC's, pushed later)
is applied but resolves nothing. And it is a verdict on the status itself
(``admin_status``/``field_status`` in the mutation's changes: written, or named as it
stands when the operator keeps the verdict), never a change of the reasons or the
time alone. A row withdrawn while its objection is open resolves it the same way
(outcome ``WITHDRAWN``): the operator's list no longer holds the row, so no verdict
follows.

Reading the contact (:func:`open_contacts`, ``GET /v1/objections``): only an account that
writes the supporter (the KPU office verifying it: its kab/kota, the province for a
governor election's supporter of no kab/kota, KPU RI), only while the objection is
open, and each read is put in the audit log (who read which record's objections, never
the contact itself). A read-only level (Bawaslu), another kab/kota, a trainer outside a
training server are refused as for any record out of scope.
"""

from __future__ import annotations

import os
import uuid
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from sync import merge
from sync.protocol import Mutation, ResultStatus
from sync.server import audit
from sync.server.batch import Batch, Rec, among, audit_entry, touch
from sync.server.db import write_tx
from sync.server.errors import ApiError, forbidden
from sync.server.public import figures
from sync.server.roles import Actor
from sync.server.schema import public_objections, records

FLAG = "public_objection"
#: The fields of a person's verdict on the status: writing one of them, knowing of
#: the objection, resolves it (reasons, who and when alone do not).
STATUS_FIELDS = ("admin_status", "field_status")
MAX_CONTACT = 120


def valid_contact(text: str) -> bool:
    return len(text) <= MAX_CONTACT and all(c.isprintable() for c in text)


#: Days after an objection's answer during which the row takes no new one (the default).
QUIET_DAYS = 30


def quiet_seconds() -> float:
    """How long after an answer a new objection against the same row is refused:
    ``SILON_PUBLIC_OBJECTION_QUIET_DAYS`` (default :data:`QUIET_DAYS`). Thirty days
    outlast a verification stage (about two weeks each), so a row is flagged again at
    most once a stage, while a real citizen, who files once, never meets it."""
    raw = os.environ.get("SILON_PUBLIC_OBJECTION_QUIET_DAYS")
    return float(raw if raw else QUIET_DAYS) * 86400.0


class Filing(StrEnum):
    """What :func:`file` did."""

    FILED = "filed"
    #: One is open already (it stands for this one: nothing new to flag).
    OPEN = "open"
    #: One was answered less than :func:`quiet_seconds` ago: refused.
    ANSWERED = "answered"
    #: The row is gone (withdrawn, or never was).
    GONE = "gone"


def may_file_again(resolved_at: float | None, now: float) -> bool:
    """Whether a row whose latest objection was answered at ``resolved_at`` takes a
    new one at ``now`` (None: never answered)."""
    return resolved_at is None or now >= resolved_at + quiet_seconds()


def file(engine: Any, record_id: str, pair_id: str, contact: str, now: float, iso: str) -> Filing:
    """File an objection against ``record_id`` (already matched), unless one is open,
    one was answered within :func:`quiet_seconds`, or the row is gone."""
    with write_tx(engine) as conn:
        # The row's objections by the record_id index: a handful at most.
        earlier = conn.execute(
            select(public_objections.c.status, public_objections.c.resolved_at).where(
                public_objections.c.record_id == record_id
            )
        ).all()
        if any(o.status == "open" for o in earlier):
            return Filing.OPEN
        answered = [float(o.resolved_at) for o in earlier if o.resolved_at is not None]
        if not may_file_again(max(answered, default=None), now):
            return Filing.ANSWERED
        row = conn.execute(
            select(records.c.version, records.c.fields, records.c.deleted, records.c.scope).where(
                records.c.id == record_id
            )
        ).first()
        if row is None or row.deleted:
            return Filing.GONE
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
                flag_version=int(row.version) + 1,
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
    return Filing.FILED


def open_contacts(engine: Any, actor: Actor, record_id: str, iso: str) -> list[dict[str, Any]]:
    """The open objections against supporter ``record_id`` with the citizen's contact,
    for the follow-up: id, when filed, contact ("" when none was left), oldest first.

    Only for a caller who writes the record (:meth:`Actor.can_write` with its area, as a
    push would be checked); anyone else gets the same 403 as for any record out of
    scope, never whether it exists. A read that found open objections is audited
    (``objection_contact_read``: who, from which device, which record, the objections'
    ids; never the contact), in the same transaction as the read.

    Raises:
        ApiError: 403 out of scope; 404 no such supporter (for a caller reading everything).
    """
    with write_tx(engine) as conn:
        row = conn.execute(
            select(records.c.scope, records.c.area).where(
                records.c.id == record_id, records.c.entity == "supporter"
            )
        ).first()
        if row is None or not actor.can_write(str(row.scope), "supporter", str(row.area)):
            if row is None and actor.reads_everything:
                raise ApiError(404, "not_found", "no such record")
            raise forbidden()
        rows = conn.execute(
            select(
                public_objections.c.id, public_objections.c.filed_at, public_objections.c.contact
            )
            .where(public_objections.c.record_id == record_id, public_objections.c.status == "open")
            .order_by(public_objections.c.filed_at, public_objections.c.id)
        ).all()
        found = [
            {"id": str(r.id), "filed_at": float(r.filed_at), "contact": str(r.contact)}
            for r in rows
        ]
        if found:
            audit.append(
                conn,
                [
                    audit.AuditEntry(
                        at=iso,
                        username=actor.username,
                        device_id=actor.device_id,
                        action="objection_contact_read",
                        entity="supporter",
                        record_id=record_id,
                        after={"objections": [o["id"] for o in found]},
                    )
                ],
            )
    return found


#: The outcome of an objection whose row was withdrawn (its support no longer counts).
WITHDRAWN = "WITHDRAWN"


def _outcome(rec: Rec, rules_of: figures.RuleSetOf | None) -> tuple[str, list[Any]]:
    """What resolved the objection of ``rec``: its human verdict as the pair's figures
    count it (:func:`figures.counted_verdict`, the election's rule set) and that
    verdict's reasons, or :data:`WITHDRAWN` (no reasons) for a row withdrawn."""
    if rec.deleted:
        return WITHDRAWN, []
    pair_id = str(rec.fields.get("pair_id") or "")
    rule_set = rules_of(pair_id) if rules_of is not None and pair_id else None
    return figures.counted_verdict(rec.fields, rule_set).upper(), figures.verdict_reasons(
        rec.fields, rule_set
    )


def resolve_in_batch(
    conn: Connection, batch: Batch, rules_of: figures.RuleSetOf | None = None
) -> bool:
    """Resolve open objections of rows on which this batch wrote a person's verdict
    made knowing of the objection (:func:`_verdict_seen`), or which this batch
    withdrew (outcome :data:`WITHDRAWN`).

    Args:
        rules_of: the rule set of a pair's election (:func:`figures.rule_sets`); None:
            the default.

    Returns whether any was resolved (the caller bumps the public version).
    """
    # By the mutations, not by the records written: a verdict confirmed as it stands
    # (the status named, unchanged) writes nothing, yet it is the operator's answer.
    flagged: dict[str, Rec] = {}
    pushed: dict[str, list[Mutation]] = {}
    for m, result in batch.fresh:
        rec = batch.state.get(m.record_id)
        if (
            rec is None
            or rec.entity != "supporter"
            or rec.orig is None
            or not rec.fields.get(FLAG)
            or result.status is ResultStatus.REJECTED
        ):
            continue
        flagged[rec.id] = rec
        pushed.setdefault(rec.id, []).append(m)
    if not flagged:
        return False
    since = _flag_versions(conn, flagged)
    due: list[Rec] = []
    for rid, rec in flagged.items():
        # A row withdrawn with an open objection leaves the operator's list (its
        # desktop counts only live rows' objections): no verdict can follow, the
        # withdrawal is the follow-up.
        withdrawn = rec.deleted and not rec.orig_deleted
        if withdrawn or (
            figures.verdict(rec.fields) != "pending"
            and _verdict_seen(rec, pushed[rid], since.get(rid, rec.orig_version))
        ):
            due.append(rec)
    for rec in due:
        outcome, reasons = _outcome(rec, rules_of)
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
        touch(batch, rec, by_server=True)
        entry = audit_entry(
            batch, "objection_resolved", rec, {FLAG: True}, {FLAG: False, "outcome": outcome}
        )
        entry.username = "server"
        batch.audit_entries.append(entry)
    return bool(due)


def _flag_versions(conn: Connection, flagged: dict[str, Rec]) -> dict[str, int]:
    """record id -> the version that set the flag of its open objection. An objection
    filed before revision 0017 has none: the version stored before this batch stands
    for it (at or after the flag's), so only a pusher holding that version resolves it."""
    found: dict[str, int] = {}
    for condition in among(conn, public_objections.c.record_id, sorted(flagged)):
        rows = conn.execute(
            select(public_objections.c.record_id, public_objections.c.flag_version).where(
                condition, public_objections.c.status == "open"
            )
        )
        for r in rows:
            rid = str(r.record_id)
            found[rid] = (
                int(r.flag_version) if r.flag_version is not None else flagged[rid].orig_version
            )
    return found


def _verdict_seen(rec: Rec, pushed: list[Mutation], flag_version: int) -> bool:
    """Whether one of ``pushed`` (this batch's mutations of ``rec``) is a person's verdict
    on the objection: made on the flag's version or later (the pusher's copy showed the
    flag; an older base is a verdict given before the citizen objected, by a PC that
    could not know), naming a status the row now holds (written, or kept as it stood;
    not lost to a conflict)."""
    return any(
        m.base_version >= flag_version
        and any(
            name in m.changes and merge.same_value(m.changes[name][1], rec.fields.get(name))
            for name in STATUS_FIELDS
        )
        for m in pushed
    )


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
        rec = restored[rid]
        before = {FLAG: rec.fields.get(FLAG)}
        rec.fields = {**rec.fields, FLAG: True}
        rec.version += 1
        conn.execute(
            update(public_objections)
            .where(public_objections.c.id == objection_id)
            .values(
                status="open",
                outcome="",
                outcome_reasons="[]",
                resolved_at=None,
                flag_version=rec.version,  # a verdict made before it resolves nothing
            )
        )
        rec.by_server = True
        entry = audit_entry(
            batch, "objection_reopened", rec, before, {FLAG: True, "objection_id": objection_id}
        )
        entry.username = "server"
        batch.audit_entries.append(entry)
    return bool(latest)
