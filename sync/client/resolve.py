"""The resolve stage, and resolving conflicts: the operator's choice becomes a NEW mutation.

The resolve stage (:class:`ResolveStage`) ends every run: it pushes what was
enqueued meanwhile (conflict resolutions and edits made during the run) with
the push stage's machinery.

A conflict row holds one field changed on both sides (``base``, ``mine``,
``theirs``, all in wire form) and the server version it was seen at. The local
record already shows the server's value (``theirs``). Resolving:

- ``theirs``: nothing to send; the record stays as the server has it (a field edited
  here again since the conflict is set back to the server's value, as a new mutation:
  the choice is what the record holds, never what the history says alone).
- ``mine`` or ``edited`` (with ``value``, checked as a form's edit is): an
  update of that field from the current local value to the chosen one, on the
  record's current server version, goes into the outbox (the storage
  coalescing rules apply), and derived columns are recomputed. ``mine`` is this
  computer's side as it is now: the field's value when the conflict was seen, or,
  when the operator edited the field here again since (an edit still waiting for the
  server), that later edit (:func:`_mine_now`): choosing it never sets the field back
  over the operator's own newer value.

For the pseudo-field ``_deleted`` (edit against delete): when the local side
deleted (``mine`` is ``True``), choosing ``mine`` enqueues the delete again on
the current version; a record the server deleted cannot be brought back from
here (``mine``/``edited`` are refused with :class:`ConflictError`).

The conflict row is kept with ``resolved_at``, ``resolution``, the chosen value
and the new mutation's id: nothing is dropped; :func:`conflict_history` lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.storage import outbox
from silon_desktop.storage.derived import refresh_derived
from silon_desktop.storage.models import SYNCED_MODELS, Conflict, RecordHistory, utcnow
from sync.client.api import ServerApi
from sync.client.apply import Applier
from sync.client.columns import conflict_t, local_wire, table_of, to_column
from sync.client.push import PushStage
from sync.client.report import StageName
from sync.merge import DELETED_FIELD, same_value
from sync.protocol import ENTITIES, WITHDRAWAL_FIELDS, Op

if TYPE_CHECKING:
    from silon_desktop.config import Settings
    from silon_desktop.storage.db import Database
    from sync.transport import AdaptiveBatch

CHOICES = ("mine", "theirs", "edited")


class ResolveStage(PushStage):
    """The run's final push: conflict resolutions and edits made during the run."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        api: ServerApi,
        batch: AdaptiveBatch,
        applier: Applier,
    ) -> None:
        super().__init__(StageName.RESOLVE, db, settings, api, batch, applier)


class ConflictError(CodedError):
    """A resolution that cannot be made: a code and its parameters (the UI and the
    command line word it from ``domain.wording``)."""

    default_code = ErrorCode.CONFLICT_NOT_FOUND


def resolve_conflict(db: Database, conflict_id: int, choice: str, value: Any = None) -> str | None:
    """Resolve one conflict; returns the new mutation id (None when nothing is sent).

    Args:
        db: the local database.
        conflict_id: the conflict row's id.
        choice: ``mine``, ``theirs`` or ``edited``.
        value: the edited value in wire form (for ``edited``).

    Raises:
        ConflictError: unknown or already resolved conflict, or an impossible choice.
    """
    if choice not in CHOICES:
        raise ConflictError(ErrorCode.CONFLICT_UNKNOWN_CHOICE, choice=str(choice))
    with db.session() as session:
        row = session.get(Conflict, conflict_id)
        if row is None:
            raise ConflictError(ErrorCode.CONFLICT_NOT_FOUND, conflict_id=str(conflict_id))
        if row.resolved_at is not None:
            raise ConflictError(ErrorCode.CONFLICT_RESOLVED, conflict_id=str(conflict_id))
        conn = session.connection()
        table = table_of(row.entity)
        local = conn.execute(
            select(table.c.scope, table.c.version, table.c.deleted).where(
                table.c.id == row.record_id
            )
        ).first()
        if local is None:
            raise ConflictError(
                ErrorCode.CONFLICT_RECORD_MISSING, entity=row.entity, record_id=row.record_id
            )
        if row.field == DELETED_FIELD:
            mutation_id = _resolve_delete(session, row, choice, local)
            target: Any = choice
        else:
            if choice == "edited":
                _check_edited(row.entity, row.field, value)
            mine, _since = _mine_now(conn, row)
            target = {"mine": mine, "theirs": row.theirs, "edited": value}[choice]
            # "theirs" is what the record shows (nothing to send) unless edited here since.
            mutation_id = (
                None
                if choice == "theirs" and local.deleted
                else _resolve_field(session, row, target, local)
            )
        row.resolved_at = utcnow()
        row.resolution = choice
        row.resolved_value = target
        row.resolution_mutation_id = mutation_id
    return mutation_id


def _mine_now(conn: Any, row: Any) -> tuple[Any, bool]:
    """This computer's side of a conflict now (wire form), and whether it is a later
    edit: the field's current local value when the operator edited it here after the
    conflict was seen (the record's journal) and that edit still waits for the
    server, else the value the conflict recorded."""
    if row.field == DELETED_FIELD or row.field not in outbox.waiting_fields(conn, row.record_id):
        return row.mine, False
    journal = RecordHistory.__table__
    edits = conn.execute(
        select(journal.c.changes).where(
            journal.c.entity == row.entity,
            journal.c.record_id == row.record_id,
            journal.c.at > row.detected_at,
        )
    ).scalars()
    if not any(row.field in (changes or {}) for changes in edits):
        return row.mine, False
    current = local_wire(conn, row.entity, row.record_id) or {}
    return current.get(row.field, row.mine), True


def _check_edited(entity: str, name: str, value: Any) -> None:
    """Refuse an edited value as the store refuses a form's edit, naming the field.

    Raises:
        ConflictError: wrong type, too long, control characters, or a domain rule.
    """
    from silon_desktop.domain.records import validate_record
    from silon_desktop.storage.errors import ValidationError
    from silon_desktop.storage.records import check_values

    try:
        checked = check_values(entity, {name: value})
    except ValidationError as exc:
        raise ConflictError(exc.code, **exc.params) from exc
    for error in validate_record(entity, checked):
        # Worded like the store's refusal of the same value (``domain.wording``).
        refused = ValidationError(
            error.field or name, error.code, error.message_id, error.detail, error.field
        )
        raise ConflictError(refused.code, **refused.params)


def _resolve_field(session: Any, row: Conflict, target: Any, local: Any) -> str | None:
    conn = session.connection()
    if local.deleted:
        raise ConflictError(ErrorCode.CONFLICT_RECORD_DELETED)
    current = (local_wire(conn, row.entity, row.record_id) or {}).get(row.field)
    if same_value(current, target):
        return None
    spec = ENTITIES[row.entity].spec(row.field)
    record = session.get(SYNCED_MODELS[row.entity], row.record_id)
    nullable = bool(table_of(row.entity).c[row.field].nullable)
    setattr(record, row.field, to_column(spec, target, nullable))
    record.updated_at = utcnow()
    # The field may be an input of the derived columns (supporter effective status).
    refresh_derived(session, row.entity, record)
    return outbox.enqueue(
        session,
        row.entity,
        row.record_id,
        local.scope,
        Op.UPSERT,
        int(local.version),
        {row.field: [current, target]},
    )


def _resolve_delete(session: Any, row: Conflict, choice: str, local: Any) -> str | None:
    if choice == "theirs":
        return None
    if row.mine is not True:
        raise ConflictError(ErrorCode.CONFLICT_DELETED_ON_SERVER)
    table = table_of(row.entity)
    session.connection().execute(
        update(table).where(table.c.id == row.record_id).values(deleted=True, updated_at=utcnow())
    )
    withdrawal = {
        name: [None, value]
        for name, value in (
            local_wire(session.connection(), row.entity, row.record_id) or {}
        ).items()
        if name in WITHDRAWAL_FIELDS and value not in (None, "")
    }
    return outbox.enqueue(
        session, row.entity, row.record_id, local.scope, Op.DELETE, int(local.version), withdrawal
    )


def conflict_history(
    db: Database, entity: str | None = None, record_id: str | None = None
) -> list[dict[str, Any]]:
    """Every conflict (open and resolved), oldest first, optionally for one record."""
    table = Conflict.__table__
    stmt = select(table).order_by(table.c.id)
    if entity is not None:
        stmt = stmt.where(table.c.entity == entity)
    if record_id is not None:
        stmt = stmt.where(table.c.record_id == record_id)
    with db.session(readonly=True) as session:
        return [dict(r) for r in session.execute(stmt).mappings()]


def open_conflicts(db: Database) -> list[dict[str, Any]]:
    """Open conflicts, oldest first: id, entity, record_id, field, base, mine, theirs.

    ``mine`` is this computer's side now (:func:`_mine_now`: a later edit of the field
    made here, still waiting, is shown, as choosing *mine* keeps it), and
    ``mine_edited_since`` says whether it is such a later edit."""
    with db.session(readonly=True) as session:
        conn = session.connection()
        found = session.execute(
            select(conflict_t).where(conflict_t.c.resolved_at.is_(None)).order_by(conflict_t.c.id)
        ).all()
        out = []
        for row in found:
            item = dict(row._mapping)
            item["mine"], item["mine_edited_since"] = _mine_now(conn, row)
            out.append(item)
        return out
