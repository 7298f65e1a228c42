"""``batch.among``: the push's ``IN`` lookups of thousands of ids, one bound JSON array
on SQLite, still searched by index."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Column, Connection, LargeBinary, MetaData, String, Table, select

from sync.server.batch import CHUNK, among
from sync.server.db import bulk_insert, bulk_insert_values, read_tx, write_tx
from sync.server.schema import applied_mutations, nik_index, pack_json, records
from tests.unit.server.support import fresh_state

#: The records table's fields column read as stored (no unpacking).
raw_fields = Table(
    "records", MetaData(), Column("id", String, primary_key=True), Column("fields", LargeBinary)
)
#: A one-column table, made by the test itself.
applied_ids = Table("bulk_one_column", MetaData(), Column("id", String, primary_key=True))


def _plan(conn: Connection, stmt: Any) -> str:
    compiled = stmt.compile(conn)
    params = tuple(compiled.params[k] for k in compiled.positiontup)
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    return " | ".join(str(r[3]) for r in rows)


def test_every_value_is_found_in_one_statement_searched_by_index() -> None:
    ids = [str(uuid.uuid4()) for _ in range(CHUNK * 2 + 5)]
    with fresh_state() as state:
        with write_tx(state.engine) as conn:
            rows = [
                {
                    "id": rid,
                    "entity": "supporter",
                    "scope": "32.14",
                    "version": 1,
                    "deleted": False,
                    "seq": i + 1,
                    "fields": "{}",
                    "updated_at": 0.0,
                    "area": "",
                    "origin": "",
                }
                for i, rid in enumerate(ids[::2])
            ]
            bulk_insert(conn, records, rows)
        with read_tx(state.engine) as conn:
            conditions = list(among(conn, records.c.id, ids))
            assert len(conditions) == 1
            found = conn.execute(select(records.c.id).where(conditions[0])).scalars().all()
            assert sorted(found) == sorted(ids[::2])
            assert list(among(conn, records.c.id, [])) == []
            lookups = [
                select(records.c.id).where(conditions[0]),
                select(applied_mutations.c.result).where(
                    *among(conn, applied_mutations.c.mutation_id, ids[:3])
                ),
                select(nik_index).where(
                    nik_index.c.election_id == "e", *among(conn, nik_index.c.nik, ["3214"])
                ),
            ]
            for stmt in lookups:
                plan = _plan(conn, stmt)
                assert "SEARCH" in plan.split("|")[0], plan
                assert not plan.split("|")[0].strip().startswith("SCAN"), plan


def test_bulk_insert_takes_rows_in_any_key_order_and_keeps_packed_bytes() -> None:
    """The insert is compiled once per table and columns; each row gives its values
    by name, a packed value is stored as given and a text value is packed."""
    ids = [str(uuid.uuid4()) for _ in range(3)]
    first = {
        "id": ids[0],
        "entity": "supporter",
        "scope": "32.14",
        "version": 1,
        "deleted": False,
        "seq": 1,
        "fields": '{"name":"A"}',
        "updated_at": 0.0,
        "area": "",
        "origin": "",
    }
    shuffled = dict(reversed({**first, "id": ids[1], "seq": 2, "fields": '{"name":"B"}'}.items()))
    packed = {**first, "id": ids[2], "seq": 3, "fields": pack_json('{"name":"C"}')}
    with fresh_state() as state:
        for batch in ([first, shuffled], [packed]):
            with write_tx(state.engine) as conn:
                bulk_insert(conn, records, batch)
        with write_tx(state.engine) as conn:  # one column: the plan's one-value tuples
            applied_ids.create(conn)
            bulk_insert(conn, applied_ids, [{"id": "x"}, {"id": "y"}])
        with read_tx(state.engine) as conn:
            got = dict(conn.execute(select(records.c.id, records.c.fields)).all())
            stored = conn.execute(
                select(raw_fields.c.fields).where(raw_fields.c.id == ids[2])
            ).scalar()
            one_column = sorted(conn.execute(select(applied_ids.c.id)).scalars())
    assert got == {ids[0]: '{"name":"A"}', ids[1]: '{"name":"B"}', ids[2]: '{"name":"C"}'}
    assert stored == pack_json('{"name":"C"}')  # packed once, not again
    assert one_column == ["x", "y"]


def test_bulk_insert_values_takes_tuples_in_the_order_of_their_keys() -> None:
    """Rows given as tuples: in the table's column order as they are, in any other
    order put back in the statement's order."""
    with fresh_state() as state:
        with write_tx(state.engine) as conn:
            bulk_insert_values(
                conn,
                nik_index,
                ("election_id", "nik", "record_id", "pair_id", "flagged"),
                [("e", "3214", "r1", "p1", False)],
            )
            bulk_insert_values(
                conn,
                nik_index,
                ("flagged", "pair_id", "record_id", "nik", "election_id"),
                [(True, "p2", "r2", "3215", "e")],
            )
            bulk_insert_values(conn, nik_index, ("nik",), [])  # nothing to write
        with read_tx(state.engine) as conn:
            got = sorted(tuple(r) for r in conn.execute(select(nik_index)))
    assert got == [("e", "3214", "r1", "p1", False), ("e", "3215", "r2", "p2", True)]
