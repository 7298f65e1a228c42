"""The push path's one call into the public part: :func:`on_batch`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from sync.server.batch import Batch
from sync.server.public import figures, objections


def on_batch(conn: Connection, batch: Batch) -> None:
    """Keep the public tables current with a batch (inside its write transaction)."""
    rules_of = figures.rule_sets(_fields_of(conn, batch))
    resolved = objections.resolve_in_batch(conn, batch, rules_of)
    if objections.reopen_in_batch(conn, batch) or resolved:
        figures.bump(conn, batch.now)
    items = []
    for rid in dict.fromkeys(batch.order):
        rec = batch.state[rid]
        orig = rec.orig if rec.exists else None
        fields = figures.with_region(rec.entity, rec.scope, rec.fields)
        items.append((rec.entity, rec.id, fields, rec.deleted, orig, rec.orig_deleted, rec.scope))
    figures.write(conn, figures.collect(items, rules_of), batch.now)


def _fields_of(conn: Connection, batch: Batch) -> figures.FieldsOf:
    """A record's fields as the batch leaves them, else as stored."""
    stored = figures.stored_fields(conn)

    def of(record_id: str) -> Mapping[str, Any] | None:
        rec = batch.state.get(record_id)
        return rec.fields if rec is not None else stored(record_id)

    return of
