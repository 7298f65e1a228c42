"""Server records applied under local mutations still waiting for the server (apply stage).

DESIGN.md "Data flow" 5: a field named by a waiting mutation keeps the local
value. For a ``pending`` mutation the one merge function decides whether the
server changed that field too; if both sides changed it to different values a
local conflict (base, mine, theirs) is written, the field shows the server's
value and leaves the pending mutation. A ``sent`` mutation is left to the
server's answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from silon_desktop.storage import outbox
from silon_desktop.storage.models import utcnow
from silon_desktop.storage.outbox import State
from sync.client.columns import DeriveFn, conflict_t, record_values, table_of
from sync.merge import DELETED_FIELD, merge_fields
from sync.protocol import ENTITIES, Op, Record


def overlay(
    conn: Connection,
    table: Table,
    rec: Record,
    mutations: list[dict[str, Any]],
    local_version: int | None,
    derive: DeriveFn | None,
) -> int:
    """Apply ``rec`` under waiting local mutations; returns the conflicts written."""
    conflicts = 0
    kept: set[str] = set()  # fields whose local value stays on top
    local_delete = False
    local_restore = False  # a waiting restore: the server's tombstone is live here
    for mut in mutations:
        if mut["op"] == Op.DELETE:
            local_delete, local_restore = True, False
            continue
        if mut["op"] == Op.RESTORE:
            local_delete, local_restore = False, True
            continue
        changes: dict[str, list[Any]] = dict(mut["changes"] or {})
        if mut["state"] == State.PENDING and rec.deleted and not local_restore:
            conflicts += _delete_conflict(conn, rec, mut)
            continue
        if mut["state"] == State.PENDING:
            result = merge_fields({k: (v[0], v[1]) for k, v in changes.items()}, rec.fields)
            for name, fc in result.conflicts.items():
                _insert_conflict(conn, rec, name, fc.base, fc.mine, fc.theirs, mut["mutation_id"])
                changes.pop(name)
                conflicts += 1
            if result.conflicts:
                outbox.drop_conflicted(conn, mut["seq"], changes)
        kept.update(changes)
    values: dict[str, Any] = {"scope": rec.scope, "version": rec.version, "updated_at": utcnow()}
    if local_delete:
        values["deleted"] = True
    elif local_restore:
        values["deleted"] = False
    else:
        values["deleted"] = rec.deleted
    if not rec.deleted:
        theirs = [n for n in ENTITIES[rec.entity].field_names if n not in kept]
        values.update(record_values(rec, theirs))
    if local_version is None:
        if rec.deleted:
            return conflicts
        values.update(record_values(rec, kept))  # no local row: nothing to keep on top
        conn.execute(insert(table).values(id=rec.id, **values))
    else:
        conn.execute(update(table).where(table.c.id == rec.id).values(**values))
    if derive is not None and not values["deleted"]:
        rederive(conn, rec.entity, rec.id, derive)
    return conflicts


def rederive(conn: Connection, entity: str, record_id: str, derive: DeriveFn) -> None:
    """Recompute a local row's derived columns from what it holds now."""
    table = table_of(entity)
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is not None:
        extra = derive(entity, dict(row))
        if extra:
            conn.execute(update(table).where(table.c.id == record_id).values(**extra))


def _delete_conflict(conn: Connection, rec: Record, mut: dict[str, Any]) -> int:
    """The server deleted a record this device edited: keep the edit as a conflict."""
    changes = dict(mut["changes"] or {})
    mine = {k: v[1] for k, v in changes.items()}
    _insert_conflict(conn, rec, DELETED_FIELD, False, mine, True, mut["mutation_id"])
    outbox.mark_conflict(conn, mut["seq"])
    return 1


def _insert_conflict(
    conn: Connection,
    rec: Record,
    name: str,
    base: Any,
    mine: Any,
    theirs: Any,
    mutation_id: str | None,
) -> None:
    conn.execute(
        insert(conflict_t).values(
            entity=rec.entity,
            record_id=rec.id,
            field=name,
            base=base,
            mine=mine,
            theirs=theirs,
            server_version=rec.version,
            mutation_id=mutation_id,
            detected_at=utcnow(),
        )
    )
