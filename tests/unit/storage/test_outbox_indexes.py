"""The outbox's indexes, checked with EXPLAIN QUERY PLAN against the statements the
outbox really runs: every statement on the outbox finds its rows through an index
(never a scan of the table), and every index is used by one of them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from silon_desktop.importers.store import import_file
from silon_desktop.storage import outbox
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import Receipt
from silon_desktop.storage.repository import Repository
from sync.protocol import MutationResult, ResultStatus
from sync.receipts import record_history
from tests.fixtures import seed_election
from tests.unit.importers.sheets import supporter_rows, write_xlsx


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    seed_election(database, name="Pemilihan Bupati Purwakarta 2024", head_name="A", deputy_name="B")
    import_file(database, write_xlsx(tmp_path / "d.xlsx", supporter_rows(50)), "p1")
    yield database
    database.close()


def _statements(db: Database) -> list[tuple[str, Any]]:
    """The statements on the outbox that a sync round and the history run."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "outbox" in statement and not statement.lstrip().upper().startswith("INSERT"):
            rows = params[0] if isinstance(params, list) and params else params
            seen.append((statement, rows))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        record = waiting_record(db)
        Repository(db, device_id="dev", user="ani").update("supporter", record, {"name": "X"})
        with db.engine.begin() as conn:
            batch, claimed = outbox.claim_batch(conn, 20)
            outbox.record_answers(
                conn,
                [
                    (MutationResult(c.wire["id"], ResultStatus.APPLIED, version=1), {})
                    for c in claimed
                ],
            )
            outbox.waiting_by_record(conn, [record])
            outbox.waiting_fields(conn, record)
            outbox.waiting_count(conn)
        with db.session() as session:
            session.add(
                Receipt(batch_id=batch, server_time="t", body={}, signature="s", verified=True)
            )
        record_history(db, "supporter", record)
        outbox.archive_acknowledged(db.path, db.engine)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def waiting_record(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(outbox.waiting(conn)[0].wire["record_id"])


def test_every_outbox_statement_uses_an_index_and_every_index_is_used(db: Database) -> None:
    statements = _statements(db)
    assert len(statements) >= 8
    conn = sqlite3.connect(db.path)
    try:
        indexes = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'"
            )
        }
        used: set[str] = set()
        for statement, params in statements:
            plan = [
                row[3]
                for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", params or ())
                if "outbox" in row[3] or " o " in row[3] or row[3].startswith("SCAN o")
            ]
            for step in plan:
                assert not (step.startswith("SCAN") and "INDEX" not in step), (step, statement)
                used.update(name for name in indexes if name in step)
    finally:
        conn.close()
    assert used == indexes, f"indexes no statement uses: {indexes - used}"
