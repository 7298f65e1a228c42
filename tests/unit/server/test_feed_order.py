"""A kab/kota's feed, snapshot and verdict list read its two scopes (its own; its province's records
of no area or of its area) as two index scans merged in feed order (issue 19).

Asked as one OR, SQLite collected every row of both scopes after the cursor and sorted
them for every page: a first sync from the feed of a million-record kab/kota cost the
server about 30 us per record returned, quadratic in the scope's size. These tests
check what a kab/kota, a province and the national account read, page by page, on
SQLite and PostgreSQL, and that SQLite's plan for a kab/kota page sorts nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.pool import NullPool

from sync.server.batch import origin_of
from sync.server.db import SQLITE_NAME, database_url
from sync.server.feed import _page_query, read_feed
from sync.server.roles import Actor, Role
from sync.server.routes.checks import _page as checks_page
from sync.server.schema import records, supporter_checks
from sync.server.snapshots import read_span
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import migrated

KABKOTA = Actor("op3214", Role.KABKOTA, "32.14", "laptop-1")
PROVINCE = Actor("op32", Role.PROVINCE, "32", "laptop-2")
NATIONAL = Actor("ri", Role.KPU_RI, "", "laptop-3")
#: Bawaslu of the kab/kota: reads what its KPU reads (DOMAIN.md "Levels").
WATCHER = Actor("bw3214", Role.BAWASLU, "32.14", "laptop-4")

#: (scope, area) of the records, in feed order: the kab/kota's own records, its
#: province's governor election (no area), supporters of that election living in
#: it and in another kab/kota, and another kab/kota's records, interleaved.
PLACES = [
    ("32.14", ""),
    ("32", ""),
    ("32", "32.15"),
    ("32.14", ""),
    ("32", "32.14"),
    ("32.15", ""),
    ("32", "32.14"),
    ("32.14", ""),
    ("33", ""),
    ("32", ""),
    ("32.15", ""),
    ("32.14", ""),
    ("32", "32.15"),
    ("32", "32.14"),
]


def _fill(url: str) -> list[tuple[str, str, str, int]]:
    """The records of :data:`PLACES` (seq 1, 2, ...): ``(id, scope, area, seq)``."""
    migrated(url)  # a copy of the migrated template on SQLite
    rows = []
    own = origin_of(KABKOTA, "run-1")
    for seq, (scope, area) in enumerate(PLACES, start=1):
        rows.append(
            {
                "id": f"r{seq:02d}",
                "entity": "supporter" if area else "election",
                "scope": scope,
                "version": 1,
                "deleted": False,
                "seq": seq,
                "fields": json.dumps({"n": seq}),
                "updated_at": float(seq),
                "area": area,
                # every third record written by the kab/kota's own push in run-1
                "origin": own if seq % 3 == 0 else "",
            }
        )
    _insert(url, records, rows)
    return [(r["id"], r["scope"], r["area"], r["seq"]) for r in rows]


def _insert(url: str, table: Any, rows: list[dict[str, Any]]) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(table.insert(), rows)
    finally:
        engine.dispose()


def _pages(url: str, actor: Actor, limit: int, skip_own: str = "") -> list[list[str]]:
    engine = create_engine(url, poolclass=NullPool)
    pages: list[list[str]] = []
    after = 0
    try:
        while True:
            page = read_feed(engine, actor, after, limit, "now", skip_own=skip_own)
            pages.append([r.id for r in page.records])
            assert [r.fields for r in page.records] == [{"n": int(r.id[1:])} for r in page.records]
            after = int(page.cursor)
            if not page.has_more:
                return pages
    finally:
        engine.dispose()


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_each_account_reads_its_records_in_feed_order_page_by_page(
    url: str,  # noqa: F811
    limit: int,
) -> None:
    stored = _fill(url)
    for actor in (KABKOTA, PROVINCE, NATIONAL, WATCHER):
        expected = [rid for rid, scope, area, _seq in stored if actor.can_read(scope, area)]
        pages = _pages(url, actor, limit)
        assert [rid for page in pages for rid in page] == expected, actor.role
        assert all(len(page) <= limit for page in pages)
    # The kab/kota (its KPU and its Bawaslu alike): its own scope and its province's
    # records of no area or its own.
    for actor in (KABKOTA, WATCHER):
        assert [rid for page in _pages(url, actor, limit) for rid in page] == [
            "r01", "r02", "r04", "r05", "r07", "r08", "r10", "r12", "r14"
        ], actor.role  # fmt: skip


def test_a_kabkota_feed_asked_without_its_own_pushes_leaves_only_those_out(
    url: str,  # noqa: F811
) -> None:
    _fill(url)
    got = [rid for page in _pages(url, KABKOTA, 2, skip_own="run-1") for rid in page]
    assert got == ["r01", "r02", "r04", "r05", "r07", "r08", "r10", "r14"]  # r12 is its own


def test_a_kabkota_snapshot_span_holds_its_records_in_feed_order(url: str) -> None:  # noqa: F811
    from sync import snapshot as fmt

    stored = _fill(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            parts = list(read_span(conn, KABKOTA, 3, 12, 14, layout=fmt.Layout.ROWS))
    finally:
        engine.dispose()
    ids = []
    for _span, data in parts:
        for block in json.loads(data)["entities"]:  # parents first, each in feed order
            block_ids = [row[0] for row in block["rows"]]
            assert block_ids == sorted(block_ids)
            ids += block_ids
    expected = [
        rid for rid, scope, area, seq in stored if 3 < seq <= 12 and KABKOTA.can_read(scope, area)
    ]
    assert sorted(ids) == expected == ["r04", "r05", "r07", "r08", "r10", "r12"]


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A raw connection to an empty server database on SQLite (for query plans)."""
    migrated(database_url(tmp_path, None))  # a copy of the migrated template
    raw = sqlite3.connect(tmp_path / SQLITE_NAME)
    try:
        yield raw
    finally:
        raw.close()


def test_sqlite_reads_a_kabkota_page_from_the_scope_index_without_sorting(
    sqlite_server: sqlite3.Connection,
) -> None:
    """The plan of a kab/kota's page (and of the same with skip_own): the (scope, seq)
    index read in order for each scope, and its departures' (area, seq) index, merged;
    no OR of indexes and no temporary B-tree (which held every row after the cursor
    and sorted them)."""
    for skip_own in ("", "run-1"):
        stmt = _page_query(KABKOTA, 0, 5000, skip_own, 99 if skip_own else None)
        plan = _plan(sqlite_server, stmt)
        assert plan.count("MERGE (UNION ALL)") == 2, plan
        assert plan.count("USING INDEX ix_records_scope_seq") == 2, plan
        assert plan.count("USING INDEX ix_departures_area_seq") == 1, plan
        assert "TEMP B-TREE" not in plan and "MULTI-INDEX OR" not in plan, plan


def _plan(raw: Any, stmt: Any) -> str:
    # The statement as executed: its IN lists expanded, its parameters as bound.
    state = stmt.compile(dialect=sqlite_dialect.dialect()).construct_expanded_state()
    ordered = [state.parameters[name] for name in state.positiontup or []]
    rows = raw.execute("EXPLAIN QUERY PLAN " + state.statement, ordered).fetchall()
    return "\n".join(str(row[-1]) for row in rows)


def _fill_checks(url: str) -> list[tuple[str, str, str, bool]]:
    """A verdict per place of :data:`PLACES`, ids in that order, every second one
    disagreeing: ``(record_id, scope, area, disagrees)``."""
    migrated(url)  # a copy of the migrated template on SQLite
    rows = [
        {
            "record_id": f"c{n:02d}",
            "scope": scope,
            "area": area,
            "status": "MS",
            "reasons": "[]",
            "client_status": "MS",
            "disagrees": n % 2 == 0,
            "checked_at": float(n),
        }
        for n, (scope, area) in enumerate(PLACES, start=1)
    ]
    _insert(url, supporter_checks, rows)
    return [(r["record_id"], r["scope"], r["area"], r["disagrees"]) for r in rows]


@pytest.mark.parametrize("disagree", [False, True])
def test_each_account_lists_its_verdicts_by_record_page_by_page(
    url: str,  # noqa: F811
    disagree: bool,
) -> None:
    stored = _fill_checks(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        for actor in (KABKOTA, PROVINCE, NATIONAL):
            expected = [
                rid
                for rid, scope, area, disagrees in stored
                if actor.can_read(scope, area) and (disagrees or not disagree)
            ]
            got: list[str] = []
            after = ""
            with engine.connect() as conn:
                while True:
                    page = [
                        r.record_id for r in conn.execute(checks_page(actor, after, 2, disagree))
                    ]
                    got += page
                    if len(page) < 2:
                        break
                    after = page[-1]
            assert got == expected, actor.role
    finally:
        engine.dispose()


def test_sqlite_lists_a_kabkotas_verdicts_from_the_scope_index_without_sorting(
    sqlite_server: sqlite3.Connection,
) -> None:
    for disagree in (False, True):
        plan = _plan(sqlite_server, checks_page(KABKOTA, "", 100, disagree))
        assert "MERGE (UNION ALL)" in plan, plan
        assert plan.count("USING INDEX ix_supporter_checks_scope") == 2, plan
        assert "TEMP B-TREE" not in plan and "MULTI-INDEX OR" not in plan, plan
