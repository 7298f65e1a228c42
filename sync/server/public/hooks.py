"""The push path's one call into the public part: :func:`on_batch`."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from sync.server.batch import Batch
from sync.server.public import figures, objections


def on_batch(conn: Connection, batch: Batch) -> None:
    """Keep the public tables current with a batch (inside its write transaction)."""
    if objections.resolve_in_batch(conn, batch):
        figures.bump(conn, batch.now)
    items = []
    for rid in dict.fromkeys(batch.order):
        rec = batch.state[rid]
        orig = rec.orig if rec.exists else None
        items.append((rec.entity, rec.id, rec.fields, rec.deleted, orig, rec.orig_deleted))
    figures.write(conn, figures.collect(items), batch.now)
