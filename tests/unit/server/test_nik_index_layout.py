"""Revision 0008 (issue 19): ``nik_index`` keyed by (nik, election_id, record_id)
without a second index on the NIK, ``supporter_checks`` one B-tree on SQLite.
Every statement on ``nik_index`` (the push's duplicate lookup, its deletes and
flag updates, the public NIK check) still finds its rows through the key
(EXPLAIN QUERY PLAN), and a database at 0007 with entries upgrades and downgrades
with every row kept, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import bindparam, create_engine, select, text, update
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.pool import NullPool

from sync.server.db import database_url, migrate
from sync.server.public.check import LOOKUP_SQL
from sync.server.schema import nik_index
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)

NIK_ROWS = [
    ("e1", "3214011708850001", "s1", "p1", False),
    ("e1", "3214011708850001", "s2", "p2", True),
    ("e2", "3214011708850002", "s3", "p3", False),
]
CHECK_ROWS = [
    ("s1", "32.14", "", "MS", "[]", "MS", False, 1.5),
    ("s2", "32.14", "", "BMS", '["NO_ID_SCAN"]', "MS", True, 2.5),
]


def _rows(url: str) -> tuple[list[Any], list[Any]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            niks = conn.execute(text("SELECT * FROM nik_index ORDER BY record_id")).all()
            checks = conn.execute(text("SELECT * FROM supporter_checks ORDER BY record_id")).all()
            return [tuple(r) for r in niks], [tuple(r) for r in checks]
    finally:
        engine.dispose()


def test_0007_upgrades_and_downgrades_with_the_rows_kept(url: str) -> None:  # noqa: F811
    alembic_to(url, "0007")
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO nik_index VALUES (:e, :n, :r, :p, :f)"),
            [dict(zip("enrpf", row, strict=True)) for row in NIK_ROWS],
        )
        conn.execute(
            text("INSERT INTO supporter_checks VALUES (:a, :b, :c, :d, :e, :f, :g, :h)"),
            [dict(zip("abcdefgh", row, strict=True)) for row in CHECK_ROWS],
        )
    engine.dispose()
    before = _rows(url)
    assert before == (NIK_ROWS, CHECK_ROWS)

    migrate(url)
    assert _rows(url) == before
    alembic_to(url, "0007", down=True)
    assert _rows(url) == before
    migrate(url)
    assert _rows(url) == before


@pytest.fixture
def sqlite_db() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp), None)
        migrate(url)
        yield Path(url.removeprefix("sqlite:///"))


def _plan(path: Path, sql: str, params: Any) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_every_nik_index_statement_searches_the_key(sqlite_db: Path) -> None:
    with sqlite3.connect(sqlite_db) as conn:
        indexes = [(r[1], r[3]) for r in conn.execute("PRAGMA index_list('nik_index')")]
        pk = [r[2] for r in conn.execute("PRAGMA index_info('sqlite_autoindex_nik_index_1')")]
        (table,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'nik_index'").fetchone()
    assert indexes == [("sqlite_autoindex_nik_index_1", "pk")]  # the key alone
    assert pk == ["nik", "election_id", "record_id"] and "WITHOUT ROWID" in table
    key = ("e1", "3214011708850001", "s1")
    statements = {
        # sync.server.duplicates: the groups of the NIKs a batch touched
        "groups": (
            select(nik_index).where(
                nik_index.c.election_id == "e1", nik_index.c.nik.in_(["1", "2", "3"])
            ),
            None,
        ),
        "delete": (
            nik_index.delete().where(
                nik_index.c.election_id == bindparam("e"),
                nik_index.c.nik == bindparam("n"),
                nik_index.c.record_id == bindparam("rid"),
            ),
            dict(zip(("e", "n", "rid"), key, strict=True)),
        ),
        "flag": (
            update(nik_index)
            .where(
                nik_index.c.election_id == bindparam("e"),
                nik_index.c.nik == bindparam("n"),
                nik_index.c.record_id == bindparam("rid"),
            )
            .values(flagged=bindparam("flag")),
            {**dict(zip(("e", "n", "rid"), key, strict=True)), "flag": True},
        ),
    }
    for doing, (stmt, params) in statements.items():
        compiled = stmt.compile(
            dialect=sqlite_dialect.dialect(), compile_kwargs={"render_postcompile": True}
        )
        values = compiled.construct_params(params) if params else compiled.params
        order = compiled.positiontup or list(values)
        plan = _plan(sqlite_db, str(compiled), [values[k] for k in order])
        where = f"{doing}: {plan}"
        assert plan and all("USING PRIMARY KEY" in p for p in plan if "nik_index" in p), where
        assert not any(p.startswith("SCAN") for p in plan), where
    # the public NIK check: the NIK alone, then the record by its key
    plan = _plan(sqlite_db, LOOKUP_SQL, ("3214011708850001",))
    assert any("SEARCH n USING PRIMARY KEY (nik=?)" in p for p in plan), plan
    assert not any(p.startswith("SCAN") for p in plan), plan
