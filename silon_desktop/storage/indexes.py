"""Secondary indexes dropped before a bulk load into an empty table and built after it.

A snapshot installed into a fresh client and an import into a pair with no supporters
yet both write a million rows into an empty table. Keeping its six secondary indexes
up to date row by row costs a random page per index per row (NIKs, names); one sort
per index at the end costs far less. :func:`built_after` drops them (all but the
few of :data:`KEPT_DURING_LOAD`, cheaper kept) and runs the same ``CREATE INDEX``
statements again after the rows, in the caller's transaction: an
error, a cancel or a kill rolls the drop back with the rows, the schema afterwards is
exactly as before, and other connections never see a table without its indexes
(their WAL snapshot).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Index, text
from sqlalchemy.schema import DropIndex

#: The page cache while the indexes are built. The figures that chose it were taken on
#: plain files, whose sorter then wrote sorted runs of the cache's size to temporary
#: files (smaller was faster: runs that fit the processor's caches): the six supporter
#: indexes of a million rows, CPU seconds, 6.4-6.8 with 16 MB, 5.3 with 4 MB, 5.4-6.0
#: with 1-2 MB, 7.5 with 64 MB (a snapshot's install); 10.2-10.4 s with the import's
#: 32 MB against 8.3 s with 4 MB (a 1.2M-row import's database, alternated). Since
#: every connection keeps SQLite's temporary data in memory (``temp_store = MEMORY``:
#: encrypted files always did, plain ones since the eleventh session), the sorter
#: keeps the whole list of an index's keys in memory and sorts it once (about 80 MB
#: for a million supporters' desa index), whatever the cache; the cache then only
#: holds the table's pages as they are read, and a small one keeps the peak down.
#: Sorter threads (PRAGMA threads) would need temporary files too.
SORT_CACHE_KIB = 4 * 1024

#: Indexes kept (not dropped) during a bulk load: keeping them up to date row by row
#: costs less than building them after. The status index has a handful of keys (MS,
#: BMS, TMS, none) and a new row's rowid is the largest, so its entry goes to the end
#: of its status's run (a few hot pages); the objection index is partial
#: (``public_objection IS 1``), so a loaded row only has that test evaluated. On a
#: 1,048,575-row import's database (the slow machine of the eleventh session, CPU
#: seconds): built after the rows with the sort cache, 1.41 and 0.33 s; kept, they
#: add 0.4-0.8 s to inserting the rows into an empty table (3.5-3.8 -> 4.2-4.3 s,
#: alternated). The price: a kept status index's runs before the last split their
#: pages half full as they grow, 12.6 bytes per supporter against 11.0 built after
#: (dbstat of that database: +1.6 MB per million). The other four take entries in
#: random order (NIKs, names, places): each costs far more kept than built.
KEPT_DURING_LOAD = frozenset({"ix_supporter_pair_status", "ix_supporter_pair_objection"})


def secondary_indexes(conn: Connection, table: str) -> list[tuple[str, str]]:
    """``(name, CREATE INDEX sql)`` of a table's own indexes (not the primary key's
    or a UNIQUE constraint's, which SQLite makes and names itself), by name."""
    found = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = :table AND sql IS NOT NULL ORDER BY name"
        ),
        {"table": table},
    ).all()
    return [(str(name), str(sql)) for name, sql in found]


@contextmanager
def built_after(conn: Connection, tables: Iterable[str]) -> Iterator[None]:
    """The secondary indexes of these (empty) tables dropped (except
    :data:`KEPT_DURING_LOAD`), then built again after the rows, in the caller's
    transaction, with the page cache at :data:`SORT_CACHE_KIB` meanwhile (the
    connection's own size comes back after).

    Nothing is built again when the body raises: the caller's transaction rolls the
    drop back with the rows.
    """
    indexes = [
        index
        for table in sorted(set(tables))
        for index in secondary_indexes(conn, table)
        if index[0] not in KEPT_DURING_LOAD
    ]
    for name, _sql in indexes:
        conn.execute(DropIndex(Index(name)))
    yield
    if not indexes:
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-SORT_CACHE_KIB}")
    try:
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000)}")
