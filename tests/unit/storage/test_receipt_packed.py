"""Revision 0011 (issue 19): a receipt's body is stored compressed and reads back as
the dict it was; a file at 0010 with receipts upgrades (plain and encrypted) and
downgrades with every body intact."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from silon_desktop.storage import cipher, keyfile
from silon_desktop.storage.db import (
    HEAD_REVISION,
    alembic_config,
    create_sqlite_engine,
    migrate,
    open_database,
)
from silon_desktop.storage.models import Receipt
from silon_desktop.storage.types import PACKED_V1, unpack_json

BODY = {
    "batch_id": "b-1",
    "server_time": "2026-12-05T10:54:11.825Z",
    "username": "bench",
    "device_id": "laptop-1",
    "key_id": "9fcac9b17d5d200d",
    "results": [[f"01a245d6-22c3-7{n:03d}-8469-de501f92b280", "applied", 1] for n in range(300)],
}


def _connect(path: Path, key: bytes | None) -> Any:
    return sqlite3.connect(path) if key is None else cipher.connect(path, key)


def _stored(path: Path, key: bytes | None) -> Any:
    conn = _connect(path, key)
    try:
        return conn.execute("SELECT body FROM receipt WHERE batch_id = 'b-1'").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("encrypted", [False, True])
def test_0010_file_with_receipts_upgrades_and_downgrades(tmp_path: Path, encrypted: bool) -> None:
    key = keyfile.new_data_key() if encrypted else None
    path = tmp_path / "silon.db"
    engine = create_sqlite_engine(path, key)
    migrate(engine, "0010")
    engine.dispose()
    conn = _connect(path, key)
    with conn:
        conn.execute(
            "INSERT INTO receipt (batch_id, server_time, body, signature, key_id, verified,"
            " received_at) VALUES ('b-1', 't', ?, 'sig', 'k', 1, '2026-12-05 10:54:11.000000')",
            (json.dumps(BODY),),
        )
    conn.close()
    text_size = len(json.dumps(BODY))

    db = open_database(path, key=key)
    assert db.schema_revision() == HEAD_REVISION
    with db.session(readonly=True) as session:
        (receipt,) = session.query(Receipt).all()
        assert receipt.body == BODY and receipt.signature == "sig" and receipt.verified
    with db.session() as session:  # a new receipt is written compressed too
        session.add(Receipt(batch_id="b-2", server_time="t", body=BODY, signature="s"))
    with db.session(readonly=True) as session:
        assert session.get(Receipt, "b-2").body == BODY  # type: ignore[union-attr]
    db.close()
    stored = _stored(path, key)
    assert isinstance(stored, bytes) and stored[:1] == PACKED_V1
    assert len(stored) < text_size / 3 and unpack_json(stored) == BODY

    engine = create_sqlite_engine(path, key)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0010")
    engine.dispose()
    assert json.loads(_stored(path, key)) == BODY  # the JSON text again
