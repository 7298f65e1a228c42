"""storage.supporter_queries (plain Python, kept beside the table it feeds): paging by
keyset and by index OFFSET from either end must give exactly the rows of one full,
ordered query, in any order of block access, with ties in the sort key; the table's
live-rows queries are each served by an index."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from silon_desktop import paths
from silon_desktop.storage.supporter_queries import (
    SORTABLE,
    SupporterFilter,
    SupporterQuery,
    SupporterSort,
    counts_by_subregion,
    status_counts,
    subregions_in_use,
)
from tests.fixtures import copy_database


@pytest.fixture(scope="module")
def seeded_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A closed database of 61 supporters of one pair, many names tied, a quarter MS
    and a quarter BMS, one deleted; and that pair's id. Seeded once per module (61
    creations and 61 updates through the repository took 3-7 s per test on the loaded
    machine); each test gets its own copy (``backend`` below), so a test's writes stay
    its own, and the copy keeps the rows' ids and rowids (the order's tie-breaker)."""
    from tests.gui.sample_data import open_backend, seed_small

    app_paths = paths.resolve(tmp_path_factory.mktemp("seeded-pair")).ensure()
    seeder = open_backend(app_paths)
    try:
        ids = seed_small(seeder, supporters=61)
        rnd = random.Random(3)
        for i, row in enumerate(seeder.list("supporter")):
            values: dict[str, Any] = {"name": f"NAMA {rnd.randint(0, 9)}"}  # many ties
            if i % 4 == 0:
                values.update(admin_status="MS", admin_reasons=[])
            elif i % 4 == 1:
                values.update(admin_status="BMS", admin_reasons=["NO_ID_SCAN", "MISSING_FIELD"])
            seeder.update("supporter", row["id"], values)
        seeder.delete("supporter", seeder.list("supporter")[5]["id"])
    finally:
        # Not Database.close(): its PRAGMA optimize would give the copies planner
        # statistics a freshly seeded table has not, and the index test below is
        # about the plans of that fresh table. The last connection's close folds
        # the WAL into the file.
        seeder.db.checkpointer.stop()
        seeder.db.engine.dispose()
    return app_paths.database, ids["pair"]


@pytest.fixture
def backend(data_dir: Path, seeded_pair: tuple[Path, str]) -> Iterator[Any]:
    """The GUI conftest's backend, on this test's own copy of the seeded database."""
    from tests.gui.sample_data import open_backend

    app_paths = paths.resolve(data_dir).ensure()
    copy_database(seeded_pair[0], app_paths.database)
    b = open_backend(app_paths)
    yield b
    b.db.close()


@pytest.fixture
def pair(seeded_pair: tuple[Path, str]) -> str:
    return seeded_pair[1]


@pytest.mark.parametrize("live_only", [True, False])
def test_blocks_in_any_order_equal_one_ordered_query(
    backend: Any, pair: str, live_only: bool
) -> None:
    for column in ("nik", "name", "effective_status", "kecamatan_code", "desa_code"):
        for descending in (False, True):
            _check_order(backend, pair, column, descending, live_only)


def _check_order(backend: Any, pair: str, column: str, descending: bool, live_only: bool) -> None:
    # Insertion order is rowid order in this fresh table: the tie-breaker.
    everything = backend.list("supporter", include_deleted=True)
    order = {r["id"]: i for i, r in enumerate(everything)}
    rows = [r for r in everything if not (live_only and r["deleted"])]
    # Kecamatan and desa (whole regions tie) order by NIK within, then rowid.
    then = "nik" if column in ("kecamatan_code", "desa_code") else column
    rows.sort(key=lambda r: (r[column], r[then], order[r["id"]]), reverse=descending)
    expected = [r["id"] for r in rows]
    assert len(expected) == (60 if live_only else 61)

    def query() -> SupporterQuery:
        sort = SupporterSort(column, descending)
        return SupporterQuery(backend.db.engine, pair, sort=sort, block_size=7, live_only=live_only)

    first = query()
    assert first.count() == len(expected)
    blocks = list(range(9))
    random.Random(column).shuffle(blocks)
    got: dict[int, list[str]] = {b: [r.id for r in first.block(b)] for b in blocks}
    assert [i for b in range(9) for i in got[b]] == expected
    again = query()
    assert [r.id for r in again.block(8)] == expected[56:]  # the end, read from the end
    assert again.position_of(expected[40]) == 40


def test_filters_and_counts(backend: Any, pair: str) -> None:
    live = backend.list("supporter")
    (gone,) = [r for r in backend.list("supporter", include_deleted=True) if r["deleted"]]
    nik = live[10]["nik"]
    by_nik = SupporterQuery(
        backend.db.engine, pair, SupporterFilter(nik_prefix=nik[:14]), live_only=True
    )
    assert {r.nik for r in by_nik.block(0)} == {
        r["nik"] for r in live if r["nik"].startswith(nik[:14])
    }
    bms = SupporterQuery(backend.db.engine, pair, SupporterFilter(status="BMS"), live_only=True)
    reason = SupporterQuery(
        backend.db.engine, pair, SupporterFilter(reason="MISSING_FIELD"), live_only=True
    )
    assert bms.count() == reason.count() == sum(r["admin_status"] == "BMS" for r in live)
    assert all(r.effective_status == "BMS" for r in bms.block(0))
    # The tombstone is found by its own NIK only when tombstones are asked for.
    own_nik = SupporterFilter(nik_prefix=gone["nik"])
    assert SupporterQuery(backend.db.engine, pair, own_nik, live_only=True).count() == 0
    tombstones = SupporterQuery(backend.db.engine, pair, own_nik).block(0)
    assert [(r.id, r.deleted) for r in tombstones] == [(gone["id"], True)]
    assert SupporterQuery(backend.db.engine, pair, live_only=True).position_of(gone["id"]) is None
    counts = status_counts(backend.db.engine, pair)
    assert counts["total"] == 60  # the tombstone is not counted
    assert counts["MS"] == sum(r["admin_status"] == "MS" for r in live)
    by_kec = counts_by_subregion(backend.db.engine, pair, "kecamatan")
    assert sum(sum(c.values()) for c in by_kec.values()) == 60
    with pytest.raises(ValueError, match="cannot sort"):
        SupporterSort("address")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("nur'aini", "SITI NUR\u2019AINI"),  # Word's apostrophe in the list, the keyboard's typed
        ("Nur\u2019aini", "SITI NUR\u2019AINI"),
        ("nuraini", "SITI NUR\u2019AINI"),
        ("ma'ruf", "MA'RUF AMIN"),
        ("MARUF", "MA'RUF AMIN"),
        ("ma`ruf", "MA'RUF AMIN"),
    ],
)
def test_a_name_is_found_whichever_apostrophe_is_typed(
    backend: Any, pair: str, typed: str, found: str
) -> None:
    live = backend.list("supporter")
    backend.update("supporter", live[0]["id"], {"name": "SITI NUR\u2019AINI"})
    backend.update("supporter", live[1]["id"], {"name": "MA'RUF AMIN"})
    query = SupporterQuery(backend.db.engine, pair, SupporterFilter(name=typed), live_only=True)
    assert [r.name for r in query.block(0)] == [found]
    assert query.count() == 1


@pytest.mark.parametrize("typed", ["andré", "ANDRÉ", "andre", "Andre Wijaya", "josé"])
def test_a_name_with_an_accent_is_found_in_any_case_with_or_without_it(
    backend: Any, pair: str, typed: str
) -> None:
    """SQLite's LIKE folds the case of ASCII letters only: "andré" found no ANDRÉ, nor
    "andre" (an operator's keyboard has no accents) either."""
    live = backend.list("supporter")
    backend.update("supporter", live[0]["id"], {"name": "ANDRÉ WIJAYA"})
    backend.update("supporter", live[1]["id"], {"name": "José Ramos"})
    query = SupporterQuery(backend.db.engine, pair, SupporterFilter(name=typed), live_only=True)
    expected = "José Ramos" if typed == "josé" else "ANDRÉ WIJAYA"
    assert [r.name for r in query.block(0)] == [expected]
    assert query.count() == 1


def _table_queries(backend: Any, pair: str) -> list[tuple[str, Any, str]]:
    """Every SELECT the table issues for live rows: (SQL, parameters, what it was for)."""
    seen: list[tuple[str, Any, str]] = []
    doing = [""]

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params, doing[0]))

    kec = backend.list("supporter")[0]["kecamatan_code"]
    desa = backend.list("supporter")[0]["desa_code"]
    nik = backend.list("supporter")[0]["nik"]
    filters = {
        "": SupporterFilter(),
        "nik prefix": SupporterFilter(nik_prefix=nik[:8]),
        "kecamatan": SupporterFilter(kecamatan_code=kec),
        "desa": SupporterFilter(desa_code=desa),
        "kecamatan and desa": SupporterFilter(kecamatan_code=kec, desa_code=desa),
        "status": SupporterFilter(status="BMS"),
        "round": SupporterFilter(round="correction_1"),
        # spaces single and apostrophes dropped in the name's match: still the pair's rows
        "name": SupporterFilter(name="siti  aminah"),
    }
    event.listen(backend.db.engine, "before_cursor_execute", record)
    try:
        for label, flt in filters.items():
            for column in SORTABLE if not label else ("nik",):
                for descending in (False, True):
                    doing[0] = f"filter {label or '-'}, sort {column} desc={descending}"
                    sort = SupporterSort(column, descending)
                    query = SupporterQuery(
                        backend.db.engine, pair, flt, sort, block_size=3, live_only=True
                    )
                    last = (query.count() - 1) // 3
                    query.block(0)  # first page: OFFSET 0 over the index
                    query.block(1)  # keyset after block 0
                    query.block(last)  # jump to the end: read from the end
                    query.block(last - 1)  # keyset before the last block
                    query.block(last // 2)  # jump into the middle: OFFSET over the index
                    first = query.block(0)
                    if first:
                        query.position_of(first[0].id)
        doing[0] = "filter pickers and counts"
        status_counts(backend.db.engine, pair)
        subregions_in_use(backend.db.engine, pair, "kecamatan")
    finally:
        event.remove(backend.db.engine, "before_cursor_execute", record)
    return seen


def test_every_live_rows_query_of_the_table_uses_an_index(backend: Any, pair: str) -> None:
    """No query reads the whole table; paging, the end and sorts need no temporary sort."""
    queries = _table_queries(backend, pair)
    assert len(queries) > 100
    raw = backend.db.engine.raw_connection()
    try:
        for sql, params, doing in queries:
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            where = f"{doing}: {sql} -> {plan}"
            steps = [p for p in plan if "supporter" in p]
            if "FROM election JOIN pair" in sql:
                # the pair's rule set (a status filter counts as the recap does): by id
                assert plan and all(p.startswith("SEARCH") and "(id=?)" in p for p in plan)
                continue
            assert steps, where
            assert all(p.startswith("SEARCH supporter USING") for p in steps), where
            if any("PRIMARY KEY (rowid=?)" in p or "(id=?)" in p for p in steps):
                continue  # a page's rows by rowid, a record by id: the primary keys
            # an index led by (pair_id, deleted): the pair's live rows only (a bare
            # count may take the smallest such one, the objection flag's)
            assert all("INDEX ix_supporter_pair_" in p for p in steps), where
            if doing.startswith(("filter kecamatan", "filter desa")):
                # the (pair_id, deleted, kecamatan/desa, nik) index: rows in NIK order
                assert any(
                    "ix_supporter_pair_kecamatan" in p or "ix_supporter_pair_desa" in p
                    for p in steps
                ), where
            if doing.startswith(
                (
                    "filter -",
                    "filter nik prefix",
                    "filter kecamatan",
                    "filter desa",
                    "filter name",
                    "filter round",
                )
            ):
                # ordered by the index: a page reads a few index entries, never sorts
                assert not any("TEMP B-TREE" in p for p in plan), where
                assert any("(pair_id=? AND deleted=?" in p for p in steps), where
    finally:
        raw.close()


def test_rows_of_a_block_share_their_repeated_strings(backend: Any, pair: str) -> None:
    """A block holds one string per kabupaten code, status and reasons, not one per row."""
    query = SupporterQuery(backend.db.engine, pair, SupporterFilter(), SupporterSort())
    rows = query.block(0)
    assert len(rows) == 61  # live and withdrawn
    assert len({id(r.kabkota_code) for r in rows}) == 1
    for attr in ("effective_status", "effective_reasons", "kecamatan_code", "sex"):
        values = {getattr(r, attr) for r in rows}
        assert len({id(getattr(r, attr)) for r in rows}) == len(values), attr


@pytest.mark.parametrize("typed", ["siti aminah", "SITI  AMINAH", " siti   aminah "])
def test_a_name_is_found_whichever_runs_of_spaces_it_or_the_search_has(
    backend: Any, pair: str, typed: str
) -> None:
    """A name kept with a double space (a row of an older import, one typed by hand)
    is found by its words typed with one space, and a search typed with two finds a
    name with one: "siti aminah" found no SITI  AMINAH."""
    live = backend.list("supporter")
    backend.update("supporter", live[0]["id"], {"name": "SITI  AMINAH"})
    backend.update("supporter", live[1]["id"], {"name": "Siti Aminah"})
    backend.update("supporter", live[2]["id"], {"name": "SITI NUR AMINAH"})
    query = SupporterQuery(backend.db.engine, pair, SupporterFilter(name=typed), live_only=True)
    assert sorted(r.name for r in query.block(0)) == ["SITI  AMINAH", "Siti Aminah"]
    assert query.count() == 2


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [("submission", {"submission", ""}), ("correction_1", {"correction_1"}),
     ("correction_2", {"correction_2"})],
)  # fmt: skip
def test_the_table_is_filtered_by_the_round_a_row_arrived_in(
    backend: Any, pair: str, chosen: str, expected: set[str]
) -> None:
    """Each row belongs to the round it was handed in (submission, correction 1 or 2):
    the table had no way to show one round's rows. A row stored before rounds were
    kept (round "") is a submission row, as everywhere else."""
    import sqlalchemy as sa

    from silon_desktop.storage.models import Supporter

    live = backend.list("supporter")
    rounds = {row["id"]: ("submission", "correction_1", "correction_2", "")[i % 4]
              for i, row in enumerate(live)}  # fmt: skip
    with backend.db.engine.begin() as conn:
        for record_id, arrival in rounds.items():
            conn.execute(
                sa.update(Supporter).where(Supporter.id == record_id).values(round=arrival)
            )
    flt = SupporterFilter(round=chosen)
    query = SupporterQuery(
        backend.db.engine, pair, flt, SupporterSort(), block_size=4, live_only=True
    )
    shown = [r for i in range((query.count() + 3) // 4) for r in query.block(i)]
    assert sorted(r.id for r in shown) == sorted(i for i, a in rounds.items() if a in expected)
    assert len(shown) == query.count() > 0
