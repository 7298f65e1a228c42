"""Receipts: kept always, verified only when signed by the server key for this batch."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from silon_desktop.storage.db import open_database
from sync import signing
from sync.receipts import receipt_t, store_receipt


def test_a_genuine_receipt_of_another_batch_is_kept_but_not_verified(tmp_path: Path) -> None:
    key = signing.generate_private_key()
    public = signing.public_key_b64(key)
    body = {"batch_id": "b1", "server_time": "2026-11-29T10:00:00Z", "results": []}
    receipt = {"body": body, "signature": signing.sign(key, body), "key_id": "k"}
    db = open_database(tmp_path / "silon.db")
    try:
        with db.engine.begin() as conn:
            assert store_receipt(conn, "b1", receipt, public)
            assert not store_receipt(conn, "b2", receipt, public)  # replayed for b2
        with db.engine.connect() as conn:
            kept = dict(conn.execute(select(receipt_t.c.batch_id, receipt_t.c.verified)).all())
    finally:
        db.close()
    assert kept == {"b1": True, "b2": False}
