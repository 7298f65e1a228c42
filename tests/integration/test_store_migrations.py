"""An old database file (schema 0001, with data) upgrades at open with its data intact,
and the migrated schema is exactly the models' schema."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from silon_desktop.storage.db import HEAD_REVISION, create_sqlite_engine, migrate, open_database
from silon_desktop.storage.models import Base

ELECTION = "11111111-1111-4111-8111-111111111111"
PAIR = "22222222-2222-4222-8222-222222222222"
SUPPORTER = "33333333-3333-4333-8333-333333333333"


def _make_old_database(path: Path) -> None:
    """A file as the first release wrote it: migrated to 0001 only, then used."""
    engine = create_sqlite_engine(path)
    migrate(engine, "0001")
    engine.dispose()
    now = "2024-05-01 08:00:00.000000"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO election (id, scope, version, deleted, updated_at, name, kind,"
            " region_code, year, dpt, subregion_count, rule_set, support_start)"
            " VALUES (?, '32.14', 3, 0, ?, 'Pilkada Purwakarta', 'bupati', '32.14', 2024,"
            " 720000, 17, 'pilkada-2024', '2024-05-05')",
            (ELECTION, now),
        )
        conn.execute(
            "INSERT INTO pair (id, scope, version, deleted, updated_at, election_id, number,"
            " route, head_name, deputy_name, status)"
            " VALUES (?, '32.14', 1, 0, ?, ?, 1, 'perseorangan', 'Asep', 'Ujang', 'draft')",
            (PAIR, now, ELECTION),
        )
        conn.execute(
            "INSERT INTO supporter (id, scope, version, deleted, updated_at, pair_id, nik, name,"
            " birth_place, birth_date, sex, marital_status, occupation, address, rt, rw,"
            " desa_code, kecamatan_code, kabkota_code, has_id_scan, nik_from_number,"
            " check_status, check_reasons, admin_status, admin_reasons, admin_by, field_status,"
            " field_reasons, field_method, field_by, external_duplicate, effective_status,"
            " effective_reasons) VALUES (?, '32.14', 0, 0, ?, ?, '3214010101900001',"
            " 'Siti Aminah', 'Purwakarta', '1990-01-01', 'P', 'S', 'Petani', 'Jl. Mawar 1',"
            " '001', '002', '32.14.01.2001', '32.14.01', '32.14', 1, 0, 'MS', '[]', '', '[]',"
            " '', '', '[]', '', '', 0, 'MS', '')",
            (SUPPORTER, now, PAIR),
        )
        conn.execute(
            "INSERT INTO outbox (mutation_id, entity, record_id, scope, op, base_version,"
            " changes, state, created_at, updated_at) VALUES ('m-1', 'supporter', ?, '32.14',"
            " 'upsert', 0, ?, 'pending', ?, ?)",
            (SUPPORTER, json.dumps({"name": [None, "Siti Aminah"]}), now, now),
        )


def test_old_file_upgrades_at_open_with_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_old_database(path)
    old = open_database(path, migrate=False)
    assert old.schema_revision() == "0001"
    old.close()

    db = open_database(path)
    assert db.schema_revision() == HEAD_REVISION
    from silon_desktop.storage.models import Election, OutboxMutation, RecordHistory, Supporter

    with db.session(readonly=True) as session:
        election = session.get(Election, ELECTION)
        assert election is not None
        assert (election.name, election.dpt, election.version) == ("Pilkada Purwakarta", 720000, 3)
        assert election.support_start == dt.date(2024, 5, 5)
        supporter = session.get(Supporter, SUPPORTER)
        assert supporter is not None
        assert (supporter.nik, supporter.name, supporter.has_id_scan) == (
            "3214010101900001",
            "Siti Aminah",
            True,
        )
        assert supporter.birth_date == dt.date(1990, 1, 1)
        (mutation,) = session.query(OutboxMutation).all()
        assert mutation.mutation_id == "m-1" and mutation.changes == {"name": [None, "Siti Aminah"]}
        (history,) = session.query(RecordHistory).all()  # 0002 journals the queued edit
        assert (history.record_id, history.action, history.mutation_id) == (
            SUPPORTER,
            "create",
            "m-1",
        )
    db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("how", ["migrations", "fresh"])
def test_schema_matches_the_models(tmp_path: Path, how: str) -> None:
    path = tmp_path / f"{how}.db"
    if how == "migrations":
        engine = create_sqlite_engine(path)
        migrate(engine, "head")
    else:
        engine = open_database(path).engine
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_downgrade_path_exists_for_every_revision(tmp_path: Path) -> None:
    from alembic import command

    from silon_desktop.storage.db import alembic_config

    engine = create_sqlite_engine(tmp_path / "down.db")
    migrate(engine, "head")
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with engine.connect() as conn:
        tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").all()
    assert [t[0] for t in tables] == ["alembic_version"]
    engine.dispose()


def test_upgrade_is_backed_up_first_and_all_or_nothing(tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    from silon_desktop.storage.backup import list_backups

    path = tmp_path / "old.db"
    _make_old_database(path)
    with sqlite3.connect(path) as conn:  # makes revision 0002's CREATE TABLE fail half-way
        conn.execute("CREATE TABLE record_history (x)")
    with pytest.raises(OperationalError, match="already exists"):
        open_database(path, backups=tmp_path / "backups")
    (made,) = list_backups(tmp_path / "backups")
    assert made.reason == f"before-{HEAD_REVISION}"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert conn.execute("SELECT count(*) FROM supporter").fetchone() == (1,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with sqlite3.connect(made.path) as conn:
        assert conn.execute("SELECT name FROM supporter").fetchall() == [("Siti Aminah",)]
