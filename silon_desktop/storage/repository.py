"""The repository: the one way the application writes synced records.

Every write is ONE transaction holding the row, its outbox mutation (coalesced
into the record's open pending mutation, see :mod:`silon_desktop.storage.outbox`)
and a line of the local journal (``record_history``). When the call returns,
the edit is on disk; a crash after that loses nothing.

Input is checked twice before anything is written: the store's own guard
(:func:`silon_desktop.storage.records.check_values`: types, lengths, control
characters, dates) and the domain's rules (``domain.records.validate_record``).
A refused write raises :class:`ValidationError` naming the field and leaves the
database unchanged.

Deletes are tombstones (``deleted = True``; the row stays). Children of a
deleted record are not cascaded: the server owns that decision, and a pair may
hold a million supporters.

A repository may be used from several threads: each call opens its own session.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import insert, literal_column, select
from sqlalchemy.orm import Session

from silon_desktop.domain.records import STAGE_DATE_RANKS
from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database
from silon_desktop.storage.derived import refresh_derived, rules_for_update
from silon_desktop.storage.errors import RecordNotFound, ValidationError
from silon_desktop.storage.models import RecordHistory, SyncedMixin
from silon_desktop.storage.records import (
    check_record_id,
    check_scope,
    check_values,
    entity_spec,
    model_for,
    new_row,
    row_to_dict,
    table_for,
)
from sync.protocol import ENTITIES, WITHDRAWAL_FIELDS, FieldType, Op, encode_value, new_id


class Cancelled(Exception):
    """A long edit was cancelled; nothing of it was saved."""


class Repository:
    """Create, update, delete and read synced records, with their outbox mutations.

    Args:
        db: the open database.
        device_id: this installation's id (journaled with each edit).
        user: the operator's user name (journaled with each edit).
    """

    def __init__(self, db: Database, device_id: str, user: str = "") -> None:
        self.db = db
        self.device_id = device_id
        self.user = user

    def create(
        self,
        entity: str,
        values: Mapping[str, Any],
        scope: str,
        record_id: str | None = None,
    ) -> str:
        """Create a record; fields not given take their defaults.

        Returns:
            The record id (``record_id`` when given, else a new UUID).

        Raises:
            ValidationError: a value, the scope, the id or the parent is refused.
        """
        spec = entity_spec(entity)
        check_scope(scope)
        rid = new_id() if record_id is None else check_record_id(record_id)
        full = {**_defaults(entity), **check_values(entity, values)}
        _validate_domain(entity, {**full, "id": rid, "scope": scope}, None)
        model = model_for(entity)
        with self.db.session() as session:
            if session.get(model, rid) is not None:
                raise ValidationError("id", "exists")
            if spec.parent_field:
                _check_parent(session, entity, full[spec.parent_field], scope)
            row = new_row(entity, id=rid, scope=scope, version=0, deleted=False, **full)
            session.add(row)
            refresh_derived(session, entity, row)
            session.flush()
            changes = outbox.encode_changes(entity, {f: (None, full[f]) for f in full})
            mutation = outbox.enqueue(session, entity, rid, scope, Op.UPSERT, 0, changes)
            self._journal(session, entity, rid, "create", changes, mutation)
        return rid

    def update(self, entity: str, record_id: str, values: Mapping[str, Any]) -> str | None:
        """Change some fields of a record; only fields that really change are queued.

        Returns:
            The mutation id carrying the edit, or None when nothing changed (or
            the edit undid the record's pending changes).

        Raises:
            RecordNotFound: no such record, or it is deleted.
            ValidationError: a value is refused.
        """
        with self.db.session() as session:
            return self._update_in(session, entity, record_id, values)[0]

    def update_many(
        self,
        entity: str,
        edits: Iterable[tuple[str, Mapping[str, Any]]],
        *,
        progress: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
        confirmed: Mapping[str, Collection[str]] | None = None,
    ) -> builtins.list[tuple[str, dict[str, Any]]]:
        """Apply many edits in ONE transaction: all of them or none.

        Args:
            edits: ``(record_id, values)`` pairs.
            progress: called with the number of edits done, now and then.
            cancel: set it to stop; nothing is saved then.
            confirmed: record id -> fields of its values sent to the server even
                where they stay as they are (a person confirming a value: the
                server is told it was given, see ``services.verification.verify``).

        Returns:
            For each record that changed, ``(record_id, the previous values of
            the fields that changed)``: what undoes the whole edit as one step.

        Raises:
            Cancelled: ``cancel`` was set; the database is as before.
            RecordNotFound, ValidationError: as :meth:`update`; nothing is saved.
        """
        undo: builtins.list[tuple[str, dict[str, Any]]] = []
        with self.db.session() as session:
            for done, (record_id, values) in enumerate(edits, start=1):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                named = confirmed.get(record_id, ()) if confirmed else ()
                _mutation, before = self._update_in(session, entity, record_id, values, named)
                if before:
                    undo.append((record_id, before))
                if progress is not None and done % 200 == 0:
                    progress(done)
            if cancel is not None and cancel.is_set():
                raise Cancelled()
        return undo

    def _update_in(
        self,
        session: Session,
        entity: str,
        record_id: str,
        values: Mapping[str, Any],
        confirmed: Collection[str] = (),
    ) -> tuple[str | None, dict[str, Any]]:
        """:meth:`update` inside ``session``: (mutation id, previous values of the
        fields that changed, and of the ``confirmed`` ones)."""
        spec = entity_spec(entity)
        checked = check_values(entity, values)
        model = model_for(entity)
        row = _live_row(session, model, entity, record_id)
        current = {f: getattr(row, f) for f in spec.client_fields}
        changed = {
            name: (current[name], value)
            for name, value in checked.items()
            if name in confirmed or _wire(entity, name, current[name]) != _wire(entity, name, value)
        }
        if not changed:
            return None, {}
        _validate_domain(entity, {**current, **checked, "scope": row.scope}, set(changed))
        if spec.parent_field in changed:
            _check_parent(session, entity, checked[spec.parent_field], row.scope)
        rules = rules_for_update(session, entity, row, checked)
        for name, (_old, new) in changed.items():
            setattr(row, name, new)
        refresh_derived(session, entity, row, rules)
        wire = outbox.encode_changes(entity, changed)
        mutation = outbox.enqueue(
            session, entity, row.id, row.scope, Op.UPSERT, row.version, wire, confirmed
        )
        self._journal(session, entity, row.id, "update", wire, mutation)
        return mutation, {name: old for name, (old, _new) in changed.items()}

    def delete(
        self, entity: str, record_id: str, withdrawal: Mapping[str, Any] | None = None
    ) -> str | None:
        """Delete a record (a tombstone: the row stays with ``deleted = True``).

        Args:
            withdrawal: values of ``sync.protocol.WITHDRAWAL_FIELDS`` (a withdrawn
                supporter's reason, note, who, when, kept duplicate): written on
                the tombstone and carried by the delete mutation.

        Returns:
            The delete mutation's id, or None when nothing is left to tell the
            server (a record created here and never pushed), or it was deleted already.

        Raises:
            RecordNotFound: no such record.
            ValidationError: a withdrawal value is refused (nothing is saved).
        """
        with self.db.session() as session:
            return self.delete_in(session, entity, record_id, withdrawal)

    def delete_in(
        self,
        session: Session,
        entity: str,
        record_id: str,
        withdrawal: Mapping[str, Any] | None = None,
    ) -> str | None:
        """:meth:`delete` inside ``session`` (one transaction with other edits)."""
        checked = check_values(entity, withdrawal or {})
        unknown = set(checked) - set(WITHDRAWAL_FIELDS)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "read_only")
        row = session.get(model_for(entity), record_id)
        if row is None:
            raise RecordNotFound(entity, record_id)
        if row.deleted:
            return None
        changed = {name: (getattr(row, name), value) for name, value in checked.items()}
        for name, (_old, value) in changed.items():
            setattr(row, name, value)
        row.deleted = True
        wire = outbox.encode_changes(entity, changed)
        mutation = outbox.enqueue(session, entity, row.id, row.scope, Op.DELETE, row.version, wire)
        self._journal(session, entity, row.id, "delete", outbox.withdrawal_changes(wire), mutation)
        return mutation

    def restore(self, entity: str, record_id: str) -> str | None:
        """Undo a withdrawal: the tombstone is live again, its withdrawal fields blank.

        The server is told by a ``restore`` mutation; a delete still waiting here is
        taken back instead (with the edit folded into it), and a record the server
        never saw is created again. Journalled as ``restore`` with the withdrawal
        it undid.

        Returns:
            The mutation id carrying it, or None when nothing is left to send.

        Raises:
            RecordNotFound: no such record.
        """
        with self.db.session() as session:
            return self.restore_in(session, entity, record_id)

    def restore_in(self, session: Session, entity: str, record_id: str) -> str | None:
        """:meth:`restore` inside ``session`` (one transaction with other edits)."""
        spec = entity_spec(entity)
        model = model_for(entity)
        row = session.get(model, record_id)
        if row is None:
            raise RecordNotFound(entity, record_id)
        if not row.deleted:
            return None
        if spec.parent_field:
            _check_parent(session, entity, getattr(row, spec.parent_field), row.scope)
        undone = {
            name: (getattr(row, name), "" if isinstance(getattr(row, name), str) else None)
            for name in WITHDRAWAL_FIELDS
            if getattr(row, name, None) not in (None, "")
        }
        for name, (_old, blank) in undone.items():
            setattr(row, name, blank)
        row.deleted = False
        refresh_derived(session, entity, row)
        session.flush()
        journal = outbox.encode_changes(entity, undone)
        if row.version == 0 and not outbox.has_rows(session, entity, record_id):
            # Created here and withdrawn before any push: the server never saw it.
            current = {f: getattr(row, f) for f in spec.client_fields}
            changes = outbox.encode_changes(entity, {f: (None, v) for f, v in current.items()})
            mutation = outbox.enqueue(session, entity, row.id, row.scope, Op.UPSERT, 0, changes)
        else:
            mutation = outbox.enqueue(
                session, entity, row.id, row.scope, Op.RESTORE, row.version, {}
            )
        self._journal(session, entity, row.id, "restore", journal, mutation)
        return mutation

    def update_in(
        self, session: Session, entity: str, record_id: str, values: Mapping[str, Any]
    ) -> str | None:
        """:meth:`update` inside ``session`` (one transaction with other edits)."""
        return self._update_in(session, entity, record_id, values)[0]

    def get(self, entity: str, record_id: str) -> dict[str, Any] | None:
        """Every column of a record (tombstones included), or None."""
        model = model_for(entity)
        with self.db.session(readonly=True) as session:
            row = session.get(model, record_id)
            return None if row is None else row_to_dict(row)

    def list(
        self,
        entity: str,
        *,
        include_deleted: bool = False,
        limit: int | None = None,
        offset: int = 0,
        **filters: Any,
    ) -> builtins.list[dict[str, Any]]:
        """Records whose columns equal ``filters``, in insertion order.

        For small tables (elections, pairs, candidates); the supporters table
        is paged by ``storage.supporter_queries``.
        """
        table = table_for(entity)
        model = model_for(entity)
        query = select(model)
        for name, value in filters.items():
            if name not in table.c:
                raise ValidationError(name, "unknown_field")
            query = query.where(table.c[name] == value)
        if not include_deleted:
            query = query.where(table.c.deleted.is_(False))
        query = query.order_by(literal_column("rowid")).offset(offset)  # one table: unambiguous
        if limit is not None:
            query = query.limit(limit)
        with self.db.session(readonly=True) as session:
            return [row_to_dict(row) for row in session.scalars(query)]

    def history(self, entity: str, record_id: str) -> builtins.list[dict[str, Any]]:
        """The journal of local edits of a record, oldest first."""
        query = (
            select(RecordHistory)
            .where(RecordHistory.entity == entity, RecordHistory.record_id == record_id)
            .order_by(RecordHistory.seq)
        )
        with self.db.session(readonly=True) as session:
            return [
                {
                    "action": h.action,
                    "changes": h.changes,
                    "user": h.user,
                    "device_id": h.device_id,
                    "mutation_id": h.mutation_id,
                    "at": h.at,
                }
                for h in session.scalars(query)
            ]

    def _journal(
        self,
        session: Session,
        entity: str,
        record_id: str,
        action: str,
        changes: dict[str, Any],
        mutation_id: str | None,
    ) -> None:
        # A Core insert on the session's connection: the line is never read back as
        # an object here, and the ORM's unit of work for it cost a tenth of an edit.
        session.connection().execute(
            _JOURNAL_INSERT,
            {
                "entity": entity,
                "record_id": record_id,
                "action": action,
                "changes": changes,
                "user": self.user,
                "device_id": self.device_id,
                "mutation_id": mutation_id,
            },
        )


#: A journal line (``at`` takes its default: now).
_JOURNAL_INSERT = insert(RecordHistory.__table__)  # type: ignore[arg-type]


def _defaults(entity: str) -> dict[str, Any]:
    """The value each client field of a new record has when not given."""
    table = table_for(entity)
    out: dict[str, Any] = {}
    for field in ENTITIES[entity].fields:
        if field.server_owned:
            continue
        default = table.c[field.name].default
        if field.type is FieldType.LIST:
            out[field.name] = []
        elif default is not None and default.is_scalar:
            out[field.name] = default.arg  # type: ignore[attr-defined]
        else:
            out[field.name] = "" if field.type is FieldType.STR else None
    return out


def _wire(entity: str, name: str, value: Any) -> Any:
    return encode_value(ENTITIES[entity].spec(name), value)


def _live_row(
    session: Session, model: type[SyncedMixin], entity: str, record_id: str
) -> SyncedMixin:
    row = session.get(model, record_id)
    if row is None or row.deleted:
        raise RecordNotFound(entity, record_id, deleted=row is not None)
    return row


def _check_parent(session: Session, entity: str, parent_id: Any, scope: str) -> None:
    spec = ENTITIES[entity]
    assert spec.parent_field is not None and spec.parent_entity is not None
    # the protocol names the parent's entity (a supporter's foreign key is the pair's
    # local number since revision 0012, not the pair table)
    parent = session.get(model_for(spec.parent_entity), parent_id) if parent_id else None
    if parent is None or parent.deleted:
        raise ValidationError(spec.parent_field, "no_parent")
    if parent.scope != scope:
        raise ValidationError("scope", "scope_mismatch")


def _validate_domain(entity: str, values: dict[str, Any], only: set[str] | None) -> None:
    """The domain's rules; with ``only``, errors on untouched fields are ignored."""
    from silon_desktop.domain.records import validate_record

    for error in validate_record(entity, values):
        touched = only is None or error.field in only or error.field not in values
        # A cross-field rule also concerns the other field (kind vs region_code).
        touched = touched or bool(only and only & _CROSS_FIELDS.get(error.code, set()))
        if touched:
            raise ValidationError(
                error.field or entity, error.code, error.message_id, error.detail, error.field
            )


#: fields a cross-field error of the domain is about, besides the one it names
_CROSS_FIELDS: dict[str, set[str]] = {
    "region_kind_mismatch": {"kind", "region_code"},
    "region_holds_no_election": {"kind", "region_code"},
    # a stage date is refused against the dates of the stages before it
    "stage_order": {name for rank in STAGE_DATE_RANKS for name in rank},
}
