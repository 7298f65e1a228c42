"""Revision 0003: the supporter list indexes hold ``deleted`` after ``pair_id``.

A file at 0002 with a live and a deleted supporter upgrades at open: the five
indexes are rebuilt on (pair_id, deleted, column), the kecamatan and desa ones
followed by ``nik`` (their lists page in NIK order without a sort), the rows are
intact, and a live-rows page is read from the index alone; a new file gets the
same indexes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from silon_desktop.storage.db import HEAD_REVISION, create_sqlite_engine, migrate, open_database

PAIR = "22222222-2222-4222-8222-222222222222"
EXPECTED = {
    "ix_supporter_pair_nik": ["pair_id", "deleted", "nik"],
    "ix_supporter_pair_status": ["pair_id", "deleted", "effective_status"],
    "ix_supporter_pair_name": ["pair_id", "deleted", "name"],
    "ix_supporter_pair_kecamatan": ["pair_id", "deleted", "kecamatan_code", "nik"],
    "ix_supporter_pair_desa": ["pair_id", "deleted", "desa_code", "nik"],
}
#: the same indexes at 0002: (pair_id, column)
AT_0002 = {n: [c[0], c[2]] for n, c in EXPECTED.items()}
#: Since 0012 ``supporter.pair_id`` holds the pair's local number: a statement names
#: the pair by UUID as SQLAlchemy compiles it (``models.PairRef``), a scalar subquery
#: SQLite evaluates once, then searches the indexes with it.
BY_PAIR = "pair_id = (SELECT key FROM pair_key WHERE pair_key.pair_id = ?)"
#: the lines that subquery adds to a plan
PAIR_LOOKUP = [
    "SCALAR SUBQUERY 1",
    "SEARCH pair_key USING COVERING INDEX sqlite_autoindex_pair_key_1 (pair_id=?)",
]
#: 0005 adds the objection flag's index, led like the others by (pair_id, deleted);
#: since 0010 a partial index of the flagged rows (``WHERE public_objection IS 1``)
EXPECTED["ix_supporter_pair_objection"] = ["pair_id", "deleted", "public_objection"]


def _pair_indexes(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as conn:
        names = [
            n
            for (n,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
                " AND name LIKE 'ix_supporter_pair_%'"
            )
        ]
        return {n: [c[2] for c in conn.execute(f'PRAGMA index_info("{n}")')] for n in names}


def _make_0002_database(path: Path) -> None:
    engine = create_sqlite_engine(path)
    migrate(engine, "0002")
    engine.dispose()
    now = "2024-05-01 08:00:00.000000"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO election (id, scope, version, deleted, updated_at, name, kind,"
            " region_code, year, dpt, subregion_count, rule_set)"
            " VALUES ('e', '32.14', 1, 0, ?, 'Pilkada', 'bupati', '32.14', 2024, 720000, 17,"
            " 'pilkada-2024')",
            (now,),
        )
        conn.execute(
            "INSERT INTO pair (id, scope, version, deleted, updated_at, election_id, number,"
            " route, head_name, deputy_name, status)"
            " VALUES (?, '32.14', 1, 0, ?, 'e', 1, 'perseorangan', 'Asep', 'Ujang', 'draft')",
            (PAIR, now),
        )
        for n, deleted in ((1, 0), (2, 1)):
            conn.execute(
                "INSERT INTO supporter (id, scope, version, deleted, updated_at, pair_id, nik,"
                " name, birth_place, sex, marital_status, occupation, address, rt, rw,"
                " desa_code, kecamatan_code, kabkota_code, has_id_scan, nik_from_number,"
                " check_status, check_reasons, admin_status, admin_reasons, admin_by,"
                " field_status, field_reasons, field_method, field_by, external_duplicate,"
                " effective_status, effective_reasons) VALUES (?, '32.14', 1, ?, ?, ?, ?, ?,"
                " '', 'P', 'S', '', '', '', '', '32.14.01.2001', '32.14.01', '32.14', 1, 0,"
                " 'MS', '[]', '', '[]', '', '', '[]', '', '', 0, 'MS', '')",
                (f"s{n}", deleted, now, PAIR, f"321401010190000{n}", f"Nama {n}"),
            )


def test_0002_file_upgrades_to_live_row_indexes(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_0002_database(path)
    assert _pair_indexes(path) == AT_0002

    db = open_database(path)
    assert db.schema_revision() == HEAD_REVISION
    db.close()
    assert _pair_indexes(path) == EXPECTED
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT id, deleted FROM supporter ORDER BY id").fetchall() == [
            ("s1", 0),
            ("s2", 1),
        ]
        live = (
            f"SELECT rowid FROM supporter WHERE {BY_PAIR} AND deleted IS 0"
            " ORDER BY name DESC, rowid DESC LIMIT 200"
        )
        plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {live}", (PAIR,))]
        assert plan == [
            "SEARCH supporter USING COVERING INDEX ix_supporter_pair_name (pair_id=? AND deleted=?)",
            *PAIR_LOOKUP,
        ]
        assert conn.execute(live, (PAIR,)).fetchall() == [(1,)]


def test_new_file_has_the_same_indexes(tmp_path: Path) -> None:
    open_database(tmp_path / "new.db").close()
    assert _pair_indexes(tmp_path / "new.db") == EXPECTED


def test_0003_downgrades_to_the_0002_indexes(tmp_path: Path) -> None:
    from alembic import command

    from silon_desktop.storage.db import alembic_config

    path = tmp_path / "down.db"
    engine = create_sqlite_engine(path)
    migrate(engine, "head")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    engine.dispose()
    assert _pair_indexes(path) == AT_0002


def test_objection_index_is_partial_and_no_scope_index_is_left(tmp_path: Path) -> None:
    """Revision 0010: the objection filter and count read the partial index of the
    flagged rows; no synced table keeps an index on ``scope`` (nothing queries it)."""
    path = tmp_path / "old.db"
    _make_0002_database(path)
    engine = create_sqlite_engine(path)
    migrate(engine, "0009")  # the file as the previous release left it, with its rows
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE supporter SET public_objection = 1 WHERE id = 's1'")
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_supporter_pair_objection'"
        ).fetchone()
        assert sql.endswith("WHERE public_objection IS 1")
        scoped = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%scope%'"
        ).fetchall()
        assert scoped == []
        # supporter_queries.objection_count: the flagged rows from the partial index
        count = (
            f"SELECT count(*) FROM supporter WHERE {BY_PAIR} AND deleted IS 0"
            " AND public_objection IS 1"
        )
        plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {count}", (PAIR,))]
        assert plan == [
            "SEARCH supporter USING COVERING INDEX ix_supporter_pair_objection"
            " (pair_id=? AND deleted=? AND public_objection=?)",
            *PAIR_LOOKUP,
        ]
        # the table's objection filter, a page in NIK order: an index of the pair's
        # live rows (the partial one or the NIK order's), never a scan
        page = (
            f"SELECT rowid FROM supporter WHERE {BY_PAIR} AND deleted IS 0"
            " AND public_objection IS 1 ORDER BY nik, rowid LIMIT 200"
        )
        plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {page}", (PAIR,))]
        assert plan[0].startswith("SEARCH supporter USING INDEX ix_supporter_pair_"), plan
        assert "(pair_id=? AND deleted=?)" in plan[0], plan
        assert conn.execute(
            f"SELECT id FROM supporter WHERE {BY_PAIR} AND deleted IS 0 AND public_objection IS 1",
            (PAIR,),
        ).fetchall() == [("s1",)]


def test_an_encrypted_0009_file_upgrades_with_its_rows(tmp_path: Path) -> None:
    """The same upgrade on a SQLCipher file (the data key set on every connection)."""
    from silon_desktop.storage import cipher, keyfile

    key = keyfile.new_data_key()
    path = tmp_path / "silon.db"
    engine = create_sqlite_engine(path, key)
    migrate(engine, "0009")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO election (id, scope, version, deleted, updated_at, name, kind,"
            " region_code, rule_set) VALUES ('e', '32.14', 1, 0, '2024-05-01 08:00:00.000000',"
            " 'Pilkada', 'bupati', '32.14', 'pilkada-2024')"
        )
    engine.dispose()
    db = open_database(path, key=key)
    assert db.schema_revision() == HEAD_REVISION
    db.close()
    raw = cipher.connect(path, key)
    try:
        names = {n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        (sql,) = raw.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_supporter_pair_objection'"
        ).fetchone()
        assert raw.execute("SELECT id, name FROM election").fetchall() == [("e", "Pilkada")]
    finally:
        raw.close()
    assert not any("scope" in n for n in names)
    assert sql.endswith("WHERE public_objection IS 1")
