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


def test_a_second_receipt_of_a_batch_replaces_the_first(tmp_path: Path) -> None:
    key = signing.generate_private_key()
    public = signing.public_key_b64(key)
    first = {"batch_id": "b1", "server_time": "2026-11-29T10:00:00Z", "results": [["m", "x", 1]]}
    again = {**first, "server_time": "2026-11-29T10:05:00Z"}
    forged = {"body": first, "signature": signing.sign(signing.generate_private_key(), first)}
    resent = {"body": again, "signature": signing.sign(key, again), "key_id": "k2"}
    db = open_database(tmp_path / "silon.db")
    try:
        with db.engine.begin() as conn:
            assert not store_receipt(conn, "b1", forged, public)
            assert store_receipt(conn, "b1", resent, public)
        with db.engine.connect() as conn:
            rows = conn.execute(
                select(
                    receipt_t.c.server_time,
                    receipt_t.c.body,
                    receipt_t.c.signature,
                    receipt_t.c.key_id,
                    receipt_t.c.verified,
                )
            ).all()
    finally:
        db.close()
    assert [tuple(r) for r in rows] == [
        ("2026-11-29T10:05:00Z", again, resent["signature"], "k2", True)
    ]
