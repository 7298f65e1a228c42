"""The bulk path of feed pages and snapshots (#19: apply at SQLite's bulk speed) writes
exactly what the record-by-record path writes, and still refuses a wrong value."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.derived import supporter_effective
from silon_desktop.storage.models import Supporter
from sync.client.apply import Applier, ApplyStats, apply_connection, default_derive
from sync.protocol import FeedPage, Record, encode_feed_page

PAIR = str(uuid.uuid4())
VERDICTS: list[dict[str, Any]] = [
    {"check_status": "MS", "check_reasons": []},
    {"check_status": "BMS", "check_reasons": ["NIK_INVALID"]},
    {"check_status": "MS", "check_reasons": [], "admin_status": "TMS", "admin_reasons": ["GANDA"]},
    {"check_status": "MS", "check_reasons": [], "field_status": "MS", "field_reasons": []},
    {"check_status": "MS", "check_reasons": [], "external_duplicate": True},
    {},  # nothing checked yet: every verdict column null
]


def _records(n: int) -> list[Record]:
    out = []
    for i in range(n):
        fields: dict[str, Any] = {
            "pair_id": PAIR,
            "nik": f"3214{i:012d}",
            "name": f"PENDUKUNG {i}",
            "birth_date": "1980-02-03",
            "address": None if i % 4 == 0 else f"JL. MERDEKA {i}",
            "has_id_scan": i % 2 == 0,
            **VERDICTS[i % len(VERDICTS)],
        }
        out.append(Record("supporter", str(uuid.uuid4()), "32.14", 1 + i % 3, False, fields))
    return out


def _rows(db: Database) -> dict[str, dict[str, Any]]:
    with db.session(readonly=True) as session:
        rows = session.execute(select(Supporter.__table__)).mappings().all()
    return {str(r["id"]): {k: v for k, v in r.items() if k != "updated_at"} for r in rows}


def test_a_page_through_the_bulk_path_writes_what_the_record_path_writes(
    tmp_path: Path,
) -> None:
    records = _records(60)
    page = encode_feed_page(FeedPage(records, "60", False))
    with _applied_both_ways(tmp_path, page, records) as (stats, bulk_db, plain_db):
        assert stats.inserted == 60
        bulk, plain = _rows(bulk_db), _rows(plain_db)
        assert bulk == plain and len(bulk) == 60
        # The derived verdict of each row is the storage's own, computed afresh.
        for rec in records:
            status, reasons = supporter_effective(rec.fields)
            assert (bulk[rec.id]["effective_status"], bulk[rec.id]["effective_reasons"]) == (
                status,
                reasons,
            )
        assert len({r["effective_status"] for r in bulk.values()}) > 1


@contextmanager
def _applied_both_ways(
    tmp_path: Path, page: dict[str, Any], records: list[Record]
) -> Iterator[tuple[ApplyStats, Database, Database]]:
    """``page`` applied by the bulk path into one fresh database and ``records`` one
    by one into another: the bulk path's stats and both databases (closed after)."""
    bulk_db = open_database(tmp_path / "bulk.db")
    plain_db = open_database(tmp_path / "plain.db")
    try:
        with apply_connection(bulk_db) as conn:
            stats = Applier().feed_page(conn, page)
        with apply_connection(plain_db) as conn:
            Applier().records(conn, records)
        yield stats, bulk_db, plain_db
    finally:
        bulk_db.close()
        plain_db.close()


@pytest.mark.parametrize(
    "verdicts",
    [
        # every verdict input the same in the block: one answer for every row
        [VERDICTS[1]],
        # one input differs (the key is that column alone)
        [{"check_status": "MS"}, {"check_status": "BMS"}],
        # a list column with nulls first and last, lists between
        [{}, {"check_reasons": ["NIK_INVALID"]}, {"check_reasons": []}, {}],
    ],
)
def test_a_block_whose_inputs_are_shared_or_partly_null_writes_what_the_record_path_writes(
    tmp_path: Path, verdicts: list[dict[str, Any]]
) -> None:
    records = _records(60)
    for i, rec in enumerate(records):
        for name in ("check_status", "check_reasons", "admin_status", "admin_reasons"):
            rec.fields.pop(name, None)
        for name in ("field_status", "field_reasons", "external_duplicate"):
            rec.fields.pop(name, None)
        rec.fields.update(verdicts[min(i * len(verdicts) // 59, len(verdicts) - 1)])
    page = encode_feed_page(FeedPage(records, "60", False))
    with _applied_both_ways(tmp_path, page, records) as (stats, bulk_db, plain_db):
        assert stats.inserted == 60
        bulk = _rows(bulk_db)
        assert bulk == _rows(plain_db) and len(bulk) == 60
        for rec in records:
            expected = _verdict(rec.fields)
            assert bulk[rec.id]["effective_status"] == expected["effective_status"]


def _stored_dates(db: Database) -> set[Any]:
    with db.session(readonly=True) as session:
        found = session.connection().exec_driver_sql("SELECT DISTINCT birth_date FROM supporter")
        return {row[0] for row in found}


@pytest.mark.parametrize("other", ["19800203", "1980-W05-7", "1980-02-03", None])
def test_a_date_column_not_all_written_yyyy_mm_dd_goes_through_the_converter(
    tmp_path: Path, other: str | None
) -> None:
    records = _records(60)
    records[30].fields["birth_date"] = other  # the compact and the week forms are read
    page = encode_feed_page(FeedPage(records, "60", False))
    with _applied_both_ways(tmp_path, page, records) as (stats, bulk_db, plain_db):
        assert stats.inserted == 60
        assert _rows(bulk_db) == _rows(plain_db)
        # As stored (SQLAlchemy reads the week form back as the same date).
        assert _stored_dates(bulk_db) == _stored_dates(plain_db) <= {"1980-02-03", None}


@pytest.mark.parametrize(
    ("count", "field", "value"),
    [
        (60, "birth_date", "1980-02-30"),  # an impossible date
        (5, "name", 12345),  # not a string in a text column
    ],
)
def test_a_wrong_value_in_a_block_is_refused_and_nothing_kept(
    tmp_path: Path, count: int, field: str, value: Any
) -> None:
    records = _records(count)
    records[count // 2].fields[field] = value
    page = encode_feed_page(FeedPage(records, str(count), False))
    db = open_database(tmp_path / "w.db")
    try:
        with pytest.raises(ValueError), apply_connection(db) as conn:
            Applier().feed_page(conn, page)
        assert _rows(db) == {}
    finally:
        db.close()


def _verdict(values: dict[str, Any]) -> dict[str, Any]:
    status, reasons = supporter_effective(values)
    return {"effective_status": status, "effective_reasons": reasons}


def test_the_derived_verdict_is_kept_per_distinct_input_not_shared_across_inputs(
    tmp_path: Path,
) -> None:
    db = open_database(tmp_path / "d.db")
    try:
        with apply_connection(db) as conn:
            derive = default_derive(conn)
            for verdict in VERDICTS:
                values = {"pair_id": PAIR, **verdict}
                first = derive("supporter", values)
                assert derive("supporter", dict(values)) == first  # kept, same answer
                assert first == _verdict(values)
            # A list and its JSON text are different inputs.
            as_text = {"pair_id": PAIR, "check_status": "BMS", "check_reasons": '["NIK_INVALID"]'}
            assert derive("supporter", as_text) == _verdict(as_text)
    finally:
        db.close()


def _as_columns(page: dict[str, Any]) -> dict[str, Any]:
    """The page with each block in the snapshot's column layout."""
    blocks = []
    for block in page["entities"]:
        values = [list(c) for c in zip(*block["rows"], strict=True)]
        blocks.append({"entity": block["entity"], "columns": block["columns"],
                       "values": values, "count": len(block["rows"])})  # fmt: skip
    return {**page, "entities": blocks}


def _index_sql(db: Database) -> list[tuple[str, str]]:
    with db.session(readonly=True) as session:
        rows = session.connection().exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        )
        return [(str(r[0]), str(r[1])) for r in rows]


def test_a_snapshot_by_columns_into_empty_tables_writes_what_the_record_path_writes(
    tmp_path: Path,
) -> None:
    """#19: a fresh client's snapshot goes in by columns (one executemany, no lookups),
    its tables' indexes dropped and built again after the rows: the same rows, the
    same derived verdicts and exactly the same indexes as the record-by-record path."""
    from silon_desktop.storage.indexes import KEPT_DURING_LOAD
    from sync.client.apply import empty_tables, indexes_built_after

    records = _records(90)
    records[7].fields["check_reasons"] = ["NIK_INVALID", "UMUR"]
    records[8].fields["birth_date"] = None
    records[9] = Record("supporter", records[9].id, "32.14", 4, True, {"pair_id": PAIR})
    page = _as_columns(encode_feed_page(FeedPage(records, "90", False)))
    bulk_db = open_database(tmp_path / "bulk.db")
    plain_db = open_database(tmp_path / "plain.db")
    try:
        before = _index_sql(bulk_db)
        assert any(name == "ix_supporter_pair_nik" for name, _ in before)
        with apply_connection(bulk_db) as conn:
            applier = Applier()
            applier.fresh = empty_tables(conn)
            assert "supporter" in applier.fresh
            with indexes_built_after(conn, applier.fresh):
                during = {n for n, _ in _index_sql_on(conn) if n.startswith("ix_supporter")}
                stats = applier.feed_page(conn, page)
        # Only the indexes kept up to date row by row stay during the load.
        assert during == KEPT_DURING_LOAD
        assert (stats.inserted, stats.skipped) == (89, 1)  # a tombstone never seen: skipped
        with apply_connection(plain_db) as conn:
            Applier().records(conn, [r for r in records if not r.deleted])
        assert _rows(bulk_db) == _rows(plain_db)
        assert _index_sql(bulk_db) == before
        # Every index, kept or built again, holds exactly the table's rows.
        with bulk_db.session(readonly=True) as session:
            check = session.connection().exec_driver_sql("PRAGMA integrity_check").all()
        assert check == [("ok",)]
    finally:
        bulk_db.close()
        plain_db.close()


def _index_sql_on(conn: Any) -> list[tuple[str, str]]:
    rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
    return [(str(r[0]), str(r[1])) for r in rows]


def test_the_indexes_after_a_snapshot_are_sorted_with_the_small_cache_then_it_is_restored(
    tmp_path: Path,
) -> None:
    """#19: each index is built with the sort cache (SORT_CACHE_KIB: faster and a lower
    peak than a larger one), and the connection's own page cache comes back after."""
    from sqlalchemy import event

    from sync.client.apply import SORT_CACHE_KIB, empty_tables, indexes_built_after

    page = _as_columns(encode_feed_page(FeedPage(_records(30), "30", False)))
    db = open_database(tmp_path / "sort.db")
    caches: list[int] = []
    try:
        with apply_connection(db, 32 * 1024) as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None

            def cache_size() -> int:
                return int(raw.execute("PRAGMA cache_size").fetchone()[0])

            def note(*args: Any) -> None:
                if str(args[2]).startswith("CREATE INDEX"):
                    caches.append(cache_size())

            event.listen(conn, "before_cursor_execute", note)
            applier = Applier()
            applier.fresh = empty_tables(conn)
            with indexes_built_after(conn, applier.fresh):
                applier.feed_page(conn, page)
            event.remove(conn, "before_cursor_execute", note)
            assert cache_size() == -32 * 1024
        assert len(caches) >= len([n for n, _ in _index_sql(db) if n.startswith("ix_supporter")])
        assert set(caches) == {-SORT_CACHE_KIB}
        assert SORT_CACHE_KIB <= 4 * 1024
    finally:
        db.close()


def test_a_wrong_value_in_a_column_refuses_the_snapshot_and_keeps_the_indexes(
    tmp_path: Path,
) -> None:
    from sync.client.apply import empty_tables, indexes_built_after

    for field, wrong in (("name", 12345), ("birth_date", "3 Mei 1980"), ("has_id_scan", "ya")):
        records = _records(12)
        records[5].fields[field] = wrong
        page = _as_columns(encode_feed_page(FeedPage(records, "12", False)))
        db = open_database(tmp_path / f"{field}.db")
        try:
            before = _index_sql(db)
            with pytest.raises(ValueError, match=field), apply_connection(db) as conn:
                applier = Applier()
                applier.fresh = empty_tables(conn)
                with indexes_built_after(conn, applier.fresh):
                    applier.feed_page(conn, page)
            assert _rows(db) == {}
            assert _index_sql(db) == before
        finally:
            db.close()


def test_a_column_block_of_the_wrong_length_is_malformed(tmp_path: Path) -> None:
    page = _as_columns(encode_feed_page(FeedPage(_records(4), "4", False)))
    page["entities"][0]["values"][3].pop()
    db = open_database(tmp_path / "m.db")
    try:
        with pytest.raises(ValueError, match="malformed|count"), apply_connection(db) as conn:
            Applier().feed_page(conn, page)
        assert _rows(db) == {}
    finally:
        db.close()


def test_values_a_block_shares_go_into_the_statement_but_never_a_persons_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shared values (the pair, blank verdicts) are written once into the insert's
    text; a person's own fields are bound per row even when every row has the same."""
    from silon_desktop.storage import compiled

    records = _records(60)
    for rec in records:
        rec.fields.update(birth_place="KOTA RAHASIA", address="JL. SAMA 1", check_status="MS")
        rec.fields.update(check_reasons=[], admin_status=None, field_status=None)
    seen: list[str] = []
    real = compiled.ManyStatement.sql

    def spy(self: compiled.ManyStatement, conn: Any) -> tuple[str, tuple[str, ...]]:
        found = real(self, conn)
        seen.append(found[0])
        return found

    monkeypatch.setattr(compiled.ManyStatement, "sql", spy)
    page = encode_feed_page(FeedPage(records, "60", False))
    bulk_db = open_database(tmp_path / "bulk.db")
    plain_db = open_database(tmp_path / "plain.db")
    try:
        with apply_connection(bulk_db) as conn:
            assert Applier().feed_page(conn, page).inserted == 60
        (sql,) = [s for s in seen if s.startswith("INSERT INTO supporter")]
        # written once into the text: the pair (its local number, revision 0012), the status
        assert sql.startswith("INSERT INTO supporter (pair_id,") and "VALUES (1, " in sql, sql
        assert "'MS'" in sql
        assert "RAHASIA" not in sql and "SAMA" not in sql  # bound per row
        with apply_connection(plain_db) as conn:
            Applier().records(conn, records)
        assert _rows(bulk_db) == _rows(plain_db)
    finally:
        bulk_db.close()
        plain_db.close()


def test_the_apply_cache_is_given_back_to_the_pooled_connection(tmp_path: Path) -> None:
    """The feed's page cache (APPLY_CACHE_KIB, 256 MiB) is the apply's only: the pool
    keeps the connection, which held up to that much of decrypted pages in the
    program's memory after a large pull; its own size comes back, failed or not."""
    from sync.client.apply import APPLY_CACHE_KIB

    db = open_database(tmp_path / "cache.db")
    try:
        with db.engine.connect() as conn:
            own = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        with apply_connection(db) as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -APPLY_CACHE_KIB
        with pytest.raises(RuntimeError), apply_connection(db) as conn:
            raise RuntimeError("a page refused")
        with db.engine.connect() as conn:  # the pool's one connection, the same one
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == own != -APPLY_CACHE_KIB
    finally:
        db.close()
