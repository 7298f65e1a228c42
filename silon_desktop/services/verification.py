"""Verification by a person, kept apart from the automatic check.

- :func:`verify` writes an administrative or field verdict on many supporters in
  ONE transaction (all or nothing, cancellable, with progress) and returns what
  undoes it as one step.
- :func:`undo` reverts such a step, field by field, only where the record still
  holds what the step wrote: a sync or a conflict resolution that changed the
  record since is never reverted.
- :func:`recheck` runs the automatic check (the forecast) on supporters typed or
  edited by hand, duplicates within the pair included: every row sharing the
  NIK is classified again, so a hand-typed NIK already in the pair is flagged
  and an edit keeps *potensi ganda* while it is still true.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import literal_column, select

from silon_desktop.domain.codes import ReasonCode, Status
from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.domain.rules import Round, RuleSet, rule_set_for, verdict_end
from silon_desktop.domain.supporters import (
    DuplicateTracker,
    SupporterInput,
    ValidationContext,
    sort_reasons,
    validate_supporter,
)
from silon_desktop.storage.db import Database
from silon_desktop.storage.models import Supporter
from silon_desktop.storage.repository import Cancelled, Repository

_CHUNK = 500
_DUPLICATES = frozenset(
    {ReasonCode.DUPLICATE_IDENTICAL.value, ReasonCode.DUPLICATE_POTENTIAL.value}
)


class VerdictRefused(CodedError, ValueError):
    """A verdict the rules do not allow here (BMS in field verification, or after a
    correction round): a code and its parameters, worded by the UI."""

    default_code = ErrorCode.VERDICT_FIELD_NO_BMS


@dataclass(slots=True)
class UndoStep:
    """What one verification step wrote: per record, the fields' values before
    and after. Undone only where the record still holds the ``after`` values."""

    entries: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(slots=True)
class StepResult:
    """How a verification (or its undo) went."""

    count: int = 0
    undo: UndoStep = field(default_factory=UndoStep)
    #: records left alone by an undo because they changed since (sync, resolution)
    skipped: int = 0
    cancelled: bool = False


def verdict_values(
    stage: str, status: str, reasons: Sequence[str], user: str, method: str = ""
) -> dict[str, Any]:
    """The columns a person's verdict writes (``stage``: ``admin`` or ``field``)."""
    prefix = "field" if stage == "field" else "admin"
    values: dict[str, Any] = {
        f"{prefix}_status": status,
        f"{prefix}_reasons": list(sort_reasons(reasons)),
        f"{prefix}_by": user,
        f"{prefix}_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
    }
    if prefix == "field":
        values["field_method"] = method
    return values


def status_for(
    reasons: Sequence[str], rules: RuleSet, choices: Sequence[Status] | None = None
) -> str:
    """The status a verdict with these reasons gives; ``choices``: the statuses that
    may remain (:meth:`RuleSet.verdict_status`: BMS becomes TMS where it is no choice)."""
    if not reasons:
        return Status.MS.value
    if choices is None:
        return str(rules.status_for(reasons))
    return str(rules.verdict_status(reasons, choices))


def statuses_for(
    db: Database, ids: Sequence[str], stage: str, reasons: Sequence[str], rules: RuleSet
) -> dict[str, str]:
    """record id -> the status a verdict with these reasons gives it: BMS only where
    its stage and round still allow BMS, else TMS (field verification, and the
    verification of a correction round's rows, end in MS or TMS)."""
    if not reasons:
        return dict.fromkeys(ids, Status.MS.value)
    if stage == "field":
        return dict.fromkeys(ids, status_for(reasons, rules, rules.field_verdict_choices()))
    rounds = rounds_of(db, ids)
    by_round: dict[str, str] = {}
    out: dict[str, str] = {}
    for record_id in ids:
        arrival = rounds.get(record_id, Round.SUBMISSION.value)
        status = by_round.get(arrival)
        if status is None:
            status = by_round[arrival] = status_for(reasons, rules, rules.verdict_choices(arrival))
        out[record_id] = status
    return out


def check_choice(db: Database, ids: Sequence[str], stage: str, status: str, rules: RuleSet) -> None:
    """Refuse BMS where only MS or TMS may remain: in field verification, and for
    rows that arrived in a correction round (their verification is the last; a reason
    the rule set makes BMS gives them TMS: :func:`statuses_for`); and a
    field verdict on a row not MS in the administrative verification (field
    verification visits the supporters found MS there: a field MS on a row with no
    valid NIK counted it towards the threshold).

    Raises:
        VerdictRefused: with the operator's message.
    """
    if stage == "field" and status:
        admin = admin_statuses(db, ids)
        unfit = sum(1 for value in admin.values() if value != Status.MS.value)
        if unfit:
            raise VerdictRefused(ErrorCode.VERDICT_FIELD_NEEDS_ADMIN_MS, count=str(unfit))
    if status != Status.BMS.value:
        return
    if stage == "field":
        raise VerdictRefused(ErrorCode.VERDICT_FIELD_NO_BMS)
    rounds = rounds_of(db, ids)
    late = sum(1 for r in rounds.values() if Status.BMS not in rules.verdict_choices(r))
    if late:
        raise VerdictRefused(ErrorCode.VERDICT_NO_BMS_AFTER_CORRECTION, count=str(late))


def check_open(
    db: Database, election: Mapping[str, Any], ids: Sequence[str], stage: str, today: dt.date
) -> None:
    """Refuse a verdict of ``stage`` on ``ids`` after the election's date that closes it
    (the domain's :func:`verdict_end`: ``verfak_end`` for a field verdict, ``vermin_end``
    for an administrative verdict on a row of the submission; ``today``: the calendar
    day in WIB, as the server counts it): the server refuses such a change then
    (``DEADLINE_PASSED``), so the verdict saved here would be undone at the next sync.

    Raises:
        VerdictRefused: ``VERDICT_FIELD_CLOSED`` or ``VERDICT_ADMIN_CLOSED`` naming the
            end date.
    """
    if stage == "field":
        _refuse_closed(election, stage, Round.SUBMISSION.value, today, len(ids))
        return
    by_round: dict[str, int] = {}
    for arrival in rounds_of(db, ids).values():
        by_round[arrival] = by_round.get(arrival, 0) + 1
    for arrival, count in by_round.items():
        _refuse_closed(election, stage, arrival, today, count)


def _refuse_closed(
    election: Mapping[str, Any], stage: str, arrival: str, today: dt.date, count: int
) -> None:
    name = verdict_end(stage, arrival)
    end = election.get(name) if name else None
    if not isinstance(end, dt.date) or today <= end:
        return
    if stage == "field":
        raise VerdictRefused(ErrorCode.VERDICT_FIELD_CLOSED, end=end.strftime("%d-%m-%Y"))
    raise VerdictRefused(
        ErrorCode.VERDICT_ADMIN_CLOSED, end=end.strftime("%d-%m-%Y"), count=str(count)
    )


def check_undo_open(repo: Repository, step: UndoStep, today: dt.date) -> None:
    """Refuse undoing a verdict after the date that closes it: the undo is a change of
    the verdict too (:func:`check_open`). One step is one pair's, so its first record's
    election is every record's; each row's round decides its administrative verdict's.

    Raises:
        VerdictRefused: ``VERDICT_FIELD_CLOSED`` or ``VERDICT_ADMIN_CLOSED`` naming the
            end date.
    """
    election: Mapping[str, Any] = {}
    counts: dict[tuple[str, str], int] = {}
    for record_id, _before, after in step.entries:
        stage = next((s for s in _STAGES if any(n.startswith(s + "_") for n in after)), "")
        if not stage:
            continue
        supporter = repo.get("supporter", record_id) or {}
        if not election:
            pair = repo.get("pair", str(supporter.get("pair_id") or "")) or {}
            election = repo.get("election", str(pair.get("election_id") or "")) or {}
        key = (stage, str(supporter.get("round") or "") or Round.SUBMISSION.value)
        counts[key] = counts.get(key, 0) + 1
    for (stage, arrival), count in counts.items():
        _refuse_closed(election, stage, arrival, today, count)


#: The verifications whose verdicts a step writes (their fields' prefixes).
_STAGES = ("field", "admin")
#: A verdict's status fields (what resolves a citizen's objection on the server).
_STATUS_FIELDS = frozenset(f"{stage}_status" for stage in _STAGES)


def admin_statuses(db: Database, ids: Sequence[str]) -> dict[str, str]:
    """record id -> its administrative verdict (``""``: not verified yet)."""
    return {i: status or "" for i, status in _column_of(db, ids, Supporter.admin_status).items()}


def with_objection(db: Database, ids: Sequence[str]) -> set[str]:
    """The supporters of ``ids`` flagged "ada tanggapan masyarakat": a citizen's objection
    is open. The server resolves it with the next verdict on the row, so a bulk verdict
    leaves them out: each gets the operator's own look.

    Read from the flagged rows (the partial index of revision 0010 holds only them:
    few), not by the ids, which a bulk verdict has by the hundred thousand."""
    with db.session(readonly=True) as session:
        flagged = session.scalars(select(Supporter.id).where(Supporter.public_objection.is_(True)))
        return set(flagged).intersection(ids)


def rounds_of(db: Database, ids: Sequence[str]) -> dict[str, str]:
    """record id -> the round it arrived in (``submission`` when empty)."""
    return {
        i: arrival or Round.SUBMISSION.value
        for i, arrival in _column_of(db, ids, Supporter.round).items()
    }


def _column_of(db: Database, ids: Sequence[str], column: Any) -> dict[str, Any]:
    """record id -> one column of these supporters (a query per chunk of ids)."""
    found: dict[str, Any] = {}
    with db.session(readonly=True) as session:
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            query = select(Supporter.id, column).where(Supporter.id.in_(chunk))
            for record_id, value in session.execute(query):
                found[record_id] = value
    return found


def verify(
    repo: Repository,
    ids: Sequence[str],
    values: Mapping[str, Any],
    *,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
    per_record: Mapping[str, Mapping[str, Any]] | None = None,
) -> StepResult:
    """Write one verdict's ``values`` on every record of ``ids``, in one transaction.

    ``per_record``: values of some records written over ``values`` (a bulk verdict
    whose status differs by the row's round).

    On a row with a citizen's open objection (:func:`with_objection`) the status is
    sent to the server even when it stays as it was (the support confirmed after the
    clarification): the server resolves the objection only with a verdict that names
    the status, never with a change of the verdict's time alone."""
    result = StepResult(count=len(ids))
    own = per_record or {}
    status = [name for name in values if name in _STATUS_FIELDS]
    confirmed = dict.fromkeys(with_objection(repo.db, ids), status) if status else {}

    def values_of(record_id: str) -> Mapping[str, Any]:
        extra = own.get(record_id)
        return values if not extra else {**values, **extra}

    try:
        changed = repo.update_many(
            "supporter",
            ((i, values_of(i)) for i in ids),
            progress=progress,
            cancel=cancel,
            confirmed=confirmed,
        )
    except Cancelled:
        return StepResult(cancelled=True)
    for record_id, before in changed:
        written = values_of(record_id)
        result.undo.entries.append((record_id, before, {k: written[k] for k in before}))
    return result


def undo(
    repo: Repository,
    step: UndoStep,
    *,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> StepResult:
    """Revert ``step`` as one step, leaving alone every field changed since."""
    edits: list[tuple[str, dict[str, Any]]] = []
    skipped = 0
    for record_id, before, after in step.entries:
        current = repo.get("supporter", record_id)
        if current is None or current.get("deleted"):
            skipped += 1
            continue
        back = {k: v for k, v in before.items() if _same(current.get(k), after[k])}
        if len(back) < len(before):
            skipped += 1
        if back:
            edits.append((record_id, back))
    try:
        repo.update_many("supporter", edits, progress=progress, cancel=cancel)
    except Cancelled:
        return StepResult(cancelled=True)
    return StepResult(count=len(edits), skipped=skipped)


def holds(repo: Repository, step: UndoStep) -> bool:
    """Whether every record of ``step`` holds what it wrote: after its undo, only when the
    server refused that undo and the sync put the step back."""
    for record_id, _before, after in step.entries:
        current = repo.get("supporter", record_id)
        if current is None or current.get("deleted"):
            return False
        if not all(_same(current.get(k), v) for k, v in after.items()):
            return False
    return bool(step.entries)


def _same(current: Any, written: Any) -> bool:
    if isinstance(current, list | tuple) or isinstance(written, list | tuple):
        return list(current or ()) == list(written or ())
    if isinstance(current, dt.datetime) and isinstance(written, dt.datetime):
        return current.replace(tzinfo=None) == written.replace(tzinfo=None)
    return bool(current == written)


# -- the automatic check of rows typed or edited by hand ----------------------------------

_INPUT = tuple(f.name for f in fields(SupporterInput))


def recheck(
    repo: Repository,
    db: Database,
    record_id: str,
    election: Mapping[str, Any],
    *,
    old_nik: str | None = None,
) -> None:
    """Run the automatic check on a supporter and on every live row of its pair
    sharing its NIK (or its previous NIK): duplicate classes recomputed.

    Writes only ``check_status``/``check_reasons`` (the forecast) where they
    change, in one transaction.

    Raises:
        ValidationError: a write is refused (nothing is saved).
    """
    record = repo.get("supporter", record_id)
    if record is None:
        return
    ctx = ValidationContext(
        region_code=str(election.get("region_code") or record.get("scope") or ""),
        reference_date=election.get("support_end") or dt.date.today(),
        rule_set=rule_set_for(election.get("rule_set") or None),
    )
    niks = {str(record.get("nik") or "")}
    if old_nik:
        niks.add(old_nik)
    edits: list[tuple[str, dict[str, Any]]] = []
    for nik in niks:
        group = _same_nik(db, str(record["pair_id"]), nik) if nik else []
        if not group:
            group = [record] if str(record.get("nik") or "") == nik else []
        edits.extend(_checked(group, ctx))
    repo.update_many("supporter", edits)


def _same_nik(db: Database, pair_id: str, nik: str) -> list[dict[str, Any]]:
    """Live supporters of the pair with this NIK, in the order they were stored."""
    with db.session(readonly=True) as session:
        rows = session.scalars(
            select(Supporter)
            .where(Supporter.pair_id == pair_id, Supporter.deleted.is_(False), Supporter.nik == nik)
            .order_by(literal_column("supporter.rowid"))
        ).all()
        return [
            {c: getattr(r, c) for c in (*_INPUT, "id", "check_status", "check_reasons")}
            for r in rows
        ]


def _checked(
    group: Iterable[Mapping[str, Any]], ctx: ValidationContext
) -> list[tuple[str, dict[str, Any]]]:
    rows = list(group)
    tracker = DuplicateTracker()
    inputs = [SupporterInput(**{k: r[k] for k in _INPUT if r.get(k) is not None}) for r in rows]
    for index, row in enumerate(inputs):
        tracker.add(index, row)
    edits = []
    for index, (record, row) in enumerate(zip(rows, inputs, strict=True)):
        codes = [c.value for c in validate_supporter(row, ctx).codes if c.value not in _DUPLICATES]
        flag = tracker.code_for(index)
        if flag is not None:
            codes.append(flag.value)
        reasons = list(sort_reasons(codes))
        status = str(ctx.rule_set.status_for(reasons))
        if (record.get("check_status"), list(record.get("check_reasons") or ())) != (
            status,
            reasons,
        ):
            edits.append((str(record["id"]), {"check_status": status, "check_reasons": reasons}))
    return edits
