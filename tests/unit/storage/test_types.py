"""The one datetime column type: naive UTC on disk, aware UTC when read."""

from __future__ import annotations

import datetime as dt
import sqlite3

from silon_desktop.storage.db import Database
from silon_desktop.storage.models import Receipt
from silon_desktop.storage.types import storage_text

WIB = dt.timezone(dt.timedelta(hours=7))


def test_moments_are_stored_as_naive_utc_and_read_back_aware(db: Database) -> None:
    in_jakarta = dt.datetime(2024, 6, 1, 9, 30, 0, 250000, tzinfo=WIB)
    naive = dt.datetime(2024, 6, 1, 3, 0)  # taken as UTC
    with db.session() as session:
        session.add(
            Receipt(batch_id="b1", server_time="", body={}, signature="", received_at=in_jakarta)
        )
        session.add(
            Receipt(batch_id="b2", server_time="", body={}, signature="", received_at=naive)
        )
    raw = sqlite3.connect(db.path)
    try:
        stored = dict(raw.execute("SELECT batch_id, received_at FROM receipt").fetchall())
    finally:
        raw.close()
    assert stored == {"b1": "2024-06-01 02:30:00.250000", "b2": "2024-06-01 03:00:00.000000"}
    assert storage_text(in_jakarta) == stored["b1"]  # the bulk paths write the same text
    with db.session(readonly=True) as session:
        got = {r.batch_id: r.received_at for r in session.query(Receipt)}
    assert got["b1"] == in_jakarta and got["b1"].tzinfo == dt.UTC
    assert got["b2"] == naive.replace(tzinfo=dt.UTC)
