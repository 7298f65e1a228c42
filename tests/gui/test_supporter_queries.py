"""storage.supporter_queries (plain Python, kept beside the table it feeds): paging by
keyset and by index OFFSET from either end must give exactly the rows of one full,
ordered query, in any order of block access, with ties in the sort key."""

from __future__ import annotations

import random
from typing import Any

import pytest

from silon_desktop.storage.supporter_queries import (
    SupporterFilter,
    SupporterQuery,
    SupporterSort,
    counts_by_subregion,
    status_counts,
)


@pytest.fixture
def pair(backend: Any) -> str:
    from tests.gui.sample_data import seed_small

    ids = seed_small(backend, supporters=61)
    rnd = random.Random(3)
    for i, row in enumerate(backend.list("supporter")):
        values: dict[str, Any] = {"name": f"NAMA {rnd.randint(0, 9)}"}  # many ties
        if i % 4 == 0:
            values.update(admin_status="MS", admin_reasons=[])
        elif i % 4 == 1:
            values.update(admin_status="BMS", admin_reasons=["NO_ID_SCAN", "MISSING_FIELD"])
        backend.update("supporter", row["id"], values)
    backend.delete("supporter", backend.list("supporter")[5]["id"])
    return ids["pair"]


def test_blocks_in_any_order_equal_one_ordered_query(backend: Any, pair: str) -> None:
    for column in ("nik", "name", "effective_status"):
        for descending in (False, True):
            _check_order(backend, pair, column, descending)


def _check_order(backend: Any, pair: str, column: str, descending: bool) -> None:
    # Insertion order is rowid order in this fresh table: the tie-breaker.
    order = {r["id"]: i for i, r in enumerate(backend.list("supporter", include_deleted=True))}
    rows = backend.list("supporter", include_deleted=True)
    rows.sort(key=lambda r: (r[column], order[r["id"]]), reverse=descending)
    expected = [r["id"] for r in rows]

    query = SupporterQuery(
        backend.engine, pair, sort=SupporterSort(column, descending), block_size=7
    )
    assert query.count() == 61
    blocks = list(range(9))
    random.Random(column).shuffle(blocks)
    got: dict[int, list[str]] = {b: [r.id for r in query.block(b)] for b in blocks}
    assert [i for b in range(9) for i in got[b]] == expected
    again = SupporterQuery(
        backend.engine, pair, sort=SupporterSort(column, descending), block_size=7
    )
    assert [r.id for r in again.block(8)] == expected[56:]  # the end, read from the end
    assert again.position_of(expected[40]) == 40


def test_filters_and_counts(backend: Any, pair: str) -> None:
    live = backend.list("supporter")
    everything = backend.list("supporter", include_deleted=True)  # the table shows tombstones
    nik = live[10]["nik"]
    by_nik = SupporterQuery(backend.engine, pair, SupporterFilter(nik_prefix=nik[:14]))
    assert {r.nik for r in by_nik.block(0)} == {
        r["nik"] for r in live if r["nik"].startswith(nik[:14])
    }
    bms = SupporterQuery(backend.engine, pair, SupporterFilter(status="BMS"))
    reason = SupporterQuery(backend.engine, pair, SupporterFilter(reason="MISSING_FIELD"))
    assert bms.count() == reason.count() == sum(r["admin_status"] == "BMS" for r in everything)
    assert all(r.effective_status == "BMS" for r in bms.block(0))
    counts = status_counts(backend.engine, pair)
    assert counts["total"] == 60  # the tombstone is not counted
    assert counts["MS"] == sum(r["admin_status"] == "MS" for r in live)
    by_kec = counts_by_subregion(backend.engine, pair, "kecamatan")
    assert sum(sum(c.values()) for c in by_kec.values()) == 60
    with pytest.raises(ValueError, match="cannot sort"):
        SupporterSort("address")
