"""Revision 0012 (issue 19): a supporter stores its pair's local number
(``pair_key``), not the pair's UUID, in its row and in the five list indexes.

A file at 0011 with the supporters of two pairs upgrades (plain and encrypted) with
every row kept and still reading its pair's UUID; statements still name pairs by
UUID and the table's queries still search the indexes; a pair made afterwards gets
its number, a supporter pulled before its pair too; the downgrade gives the UUIDs
back.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select

from silon_desktop.storage import cipher, keyfile
from silon_desktop.storage.db import (
    HEAD_REVISION,
    alembic_config,
    create_sqlite_engine,
    migrate,
    open_database,
)
from silon_desktop.storage.models import Supporter
from silon_desktop.storage.supporter_queries import SupporterQuery, status_counts
from sync.client.apply import Applier, apply_connection
from sync.protocol import FeedPage, Record, encode_feed_page

PAIRS = ("22222222-2222-4222-8222-222222222222", "44444444-4444-4444-8444-444444444444")
NOW = "2024-05-01 08:00:00.000000"
#: (id, pair, deleted, nik)
SUPPORTERS = [(f"s{n}", PAIRS[n % 2], int(n == 4), f"32140101019000{n:02d}") for n in range(1, 7)]
INDEXES = {
    "ix_supporter_pair_nik": ["pair_id", "deleted", "nik"],
    "ix_supporter_pair_status": ["pair_id", "deleted", "effective_status"],
    "ix_supporter_pair_name": ["pair_id", "deleted", "name"],
    "ix_supporter_pair_kecamatan": ["pair_id", "deleted", "kecamatan_code", "nik"],
    "ix_supporter_pair_desa": ["pair_id", "deleted", "desa_code", "nik"],
    "ix_supporter_pair_objection": ["pair_id", "deleted", "public_objection"],
}


def _connect(path: Path, key: bytes | None) -> Any:
    return sqlite3.connect(path) if key is None else cipher.connect(path, key)


def _make_0011_database(path: Path, key: bytes | None) -> None:
    engine = create_sqlite_engine(path, key)
    migrate(engine, "0011")
    engine.dispose()
    conn = _connect(path, key)
    with conn:
        conn.execute(
            "INSERT INTO election (id, scope, version, deleted, updated_at, name, kind,"
            " region_code, rule_set) VALUES ('e', '32.14', 1, 0, ?, 'Pilkada', 'bupati',"
            " '32.14', 'pilkada-2024')",
            (NOW,),
        )
        for number, pair in enumerate(PAIRS, start=1):
            conn.execute(
                "INSERT INTO pair (id, scope, version, deleted, updated_at, election_id, number,"
                " route, head_name, deputy_name, status) VALUES (?, '32.14', 1, 0, ?, 'e', ?,"
                " 'perseorangan', 'Asep', 'Ujang', 'draft')",
                (pair, NOW, number),
            )
        for record_id, pair, deleted, nik in SUPPORTERS:
            conn.execute(
                "INSERT INTO supporter (id, scope, version, deleted, updated_at, pair_id, nik,"
                " name, birth_place, sex, marital_status, occupation, address, rt, rw,"
                " desa_code, kecamatan_code, kabkota_code, has_id_scan, nik_from_number,"
                " check_status, check_reasons, admin_status, admin_reasons, admin_by,"
                " field_status, field_reasons, field_method, field_by, external_duplicate,"
                " round, effective_status, effective_reasons) VALUES (?, '32.14', 1, ?, ?, ?,"
                " ?, ?, '', 'P', 'S', '', '', '', '', '32.14.01.2001', '32.14.01', '32.14', 1,"
                " 0, 'MS', '[]', '', '[]', '', '', '[]', '', '', 0, 'submission', 'MS', '')",
                (record_id, deleted, NOW, pair, nik, f"Nama {record_id}"),
            )
    conn.close()


def _raw(path: Path, key: bytes | None, sql: str) -> list[tuple[Any, ...]]:
    conn = _connect(path, key)
    try:
        return list(conn.execute(sql).fetchall())
    finally:
        conn.close()


def _indexes(path: Path, key: bytes | None) -> dict[str, list[str]]:
    names = _raw(
        path,
        key,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_supporter_%'",
    )
    return {n: [c[2] for c in _raw(path, key, f'PRAGMA index_info("{n}")')] for (n,) in names}


@pytest.mark.parametrize("encrypted", [False, True])
def test_0011_file_upgrades_to_pair_numbers_and_back(tmp_path: Path, encrypted: bool) -> None:
    key = keyfile.new_data_key() if encrypted else None
    path = tmp_path / "silon.db"
    _make_0011_database(path, key)

    db = open_database(path, key=key)
    assert db.schema_revision() == HEAD_REVISION
    with db.session(readonly=True) as session:  # the ORM reads the pair's UUID
        found = {
            s.id: (s.pair_id, int(s.deleted), s.nik) for s in session.scalars(select(Supporter))
        }
    assert found == {r[0]: r[1:] for r in SUPPORTERS}
    # the table's queries name the pair by UUID: its live rows, counted and paged
    for pair in PAIRS:
        live = sorted(r[3] for r in SUPPORTERS if r[1] == pair and not r[2])
        assert status_counts(db.engine, pair)["total"] == len(live)
        query = SupporterQuery(db.engine, pair, live_only=True)
        assert [row.nik for row in query.block(0)] == live
    db.close()

    keys = dict(_raw(path, key, "SELECT pair_id, key FROM pair_key"))
    assert set(keys) == set(PAIRS) and len(set(keys.values())) == 2
    stored = dict(_raw(path, key, "SELECT id, pair_id FROM supporter"))
    assert stored == {r[0]: keys[r[1]] for r in SUPPORTERS}  # numbers, not UUIDs
    assert _indexes(path, key) == INDEXES
    assert _raw(path, key, "PRAGMA integrity_check") == [("ok",)]
    assert _raw(path, key, "PRAGMA foreign_key_check") == []
    page = (
        "EXPLAIN QUERY PLAN SELECT rowid FROM supporter WHERE pair_id ="
        f" (SELECT key FROM pair_key WHERE pair_key.pair_id = '{PAIRS[0]}') AND deleted IS 0"
        " ORDER BY nik, rowid LIMIT 200"
    )
    (first, *_) = [r[3] for r in _raw(path, key, page)]
    assert first == (
        "SEARCH supporter USING COVERING INDEX ix_supporter_pair_nik (pair_id=? AND deleted=?)"
    )

    engine = create_sqlite_engine(path, key)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0011")
    engine.dispose()
    stored = dict(_raw(path, key, "SELECT id, pair_id FROM supporter"))
    assert stored == {r[0]: r[1] for r in SUPPORTERS}  # the UUIDs again
    assert _raw(path, key, "SELECT name FROM sqlite_master WHERE name LIKE 'pair_key%'") == []
    assert _indexes(path, key) == INDEXES
    assert _raw(path, key, "PRAGMA foreign_key_check") == []
    (sql,) = _raw(path, key, "SELECT sql FROM sqlite_master WHERE name = 'supporter'")[0]
    assert 'REFERENCES pair ("id")' in sql or "REFERENCES pair (id)" in sql, sql


def test_a_new_pair_gets_a_number_and_its_supporters_read_its_uuid(tmp_path: Path) -> None:
    """A pair made through the repository (trigger ``pair_key_for_pair``), then one of
    its supporters: the row stores the number, every read gives the UUID."""
    from silon_desktop.storage.repository import Repository
    from tests.unit.storage import samples

    db = open_database(tmp_path / "silon.db")
    try:
        repo = Repository(db, "pc-1")
        ids = samples.make_tree(repo)
        with db.session(readonly=True) as session:
            supporter = session.get(Supporter, ids["supporter"])
            assert supporter is not None and supporter.pair_id == ids["pair"]
        assert repo.get("supporter", ids["supporter"])["pair_id"] == ids["pair"]  # type: ignore[index]
        with db.engine.connect() as conn:
            (number,) = conn.exec_driver_sql(
                "SELECT key FROM pair_key WHERE pair_id = ?", (ids["pair"],)
            ).one()
            stored = conn.exec_driver_sql(
                "SELECT pair_id FROM supporter WHERE id = ?", (ids["supporter"],)
            ).scalar_one()
        assert stored == number and isinstance(stored, int)
    finally:
        db.close()


def test_a_supporter_pulled_before_its_pair_keeps_the_pairs_uuid(tmp_path: Path) -> None:
    """A feed page may bring a supporter before its pair: the pair's number is made
    for the supporter, and the pair arriving later keeps it."""
    pair = str(uuid.uuid4())
    supporter = Record(
        "supporter", str(uuid.uuid4()), "32.14", 1, False, {"pair_id": pair, "nik": "3214"}
    )
    db = open_database(tmp_path / "silon.db")
    try:
        with apply_connection(db) as conn:
            Applier().feed_page(conn, encode_feed_page(FeedPage([supporter], "1", False)))
            (before,) = conn.exec_driver_sql("SELECT key FROM pair_key").scalars().all()
        pair_record = Record("pair", pair, "32.14", 1, False, {"election_id": str(uuid.uuid4())})
        with apply_connection(db) as conn:
            Applier().records(conn, [pair_record])
            assert conn.exec_driver_sql("SELECT key FROM pair_key").scalars().all() == [before]
        with db.session(readonly=True) as session:
            found = session.get(Supporter, supporter.id)
            assert found is not None and found.pair_id == pair
    finally:
        db.close()
