"""The bulk writer's create mutations: a short marker in the outbox, read from the
record as exactly what Python would write."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from silon_desktop.importers.store import IMPORT_FIELDS
from silon_desktop.storage import outbox
from silon_desktop.storage.bulk import SupporterBulkWriter, _TimeOrderedIds
from silon_desktop.storage.db import Database, open_database
from silon_desktop.storage.models import Election, Pair
from silon_desktop.storage.record_changes import mask_of

_ENCODE = json.JSONEncoder(check_circular=False, ensure_ascii=False, separators=(", ", ": ")).encode

#: Every escape JSON knows, quotes, non-ASCII, astral, line/paragraph separators.
HOSTILE = [
    "".join(chr(i) for i in range(32)),
    'Dewi "Ayu" \\ O\'Neil',
    "Ñoño Çağrı Đặng 王小明 😀 \u2028\u2029\ufeff\x7f",
    "",
]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "silon.db")
    with database.session() as session:
        session.add(Election(id="e1", scope="32.14", kind="bupati", region_code="32.14"))
        session.flush()
        session.add(Pair(id="p'1", scope="32.14", election_id="e1"))
    yield database
    database.close()


def _read(db: Database, *queries: str) -> list[list[Any]]:
    """Each query's rows, read with a plain ``sqlite3`` connection (what is stored,
    not what SQLAlchemy's types make of it)."""
    raw = sqlite3.connect(db.path)
    try:
        return [raw.execute(query).fetchall() for query in queries]
    finally:
        raw.close()


def _row(n: int, text: str) -> dict[str, Any]:
    return {
        "nik": f"3214{n:012d}",
        "name": text,
        "birth_place": text[::-1],
        "birth_date": dt.date(1980, 1, 1) + dt.timedelta(days=n) if n % 3 else None,
        "sex": "L",
        "marital_status": "K",
        "occupation": text,
        "address": f"Jl. {text}",
        "rt": "001",
        "rw": "002",
        "desa_code": "32.14.01.2001",
        "kecamatan_code": "32.14.01",
        "kabkota_code": "32.14",
        "nik_from_number": n % 2 == 0,
        "check_status": "MS" if n % 2 else "TMS",
        "check_reasons": [] if n % 2 else ["NIK_FORMAT", "NO_ID_SCAN"],
        "round": "correction_1" if n % 4 == 1 else "submission",
    }


def test_create_mutations_match_the_python_encoding(db: Database) -> None:
    rows = [_row(n, text) for n, text in enumerate(HOSTILE * 3)]
    with db.engine.begin() as conn:
        writer = SupporterBulkWriter(conn, "p'1", "32.14", IMPORT_FIELDS)
        ids, stats = writer.write(rows[:5])
        more, _ = writer.write(rows[5:])
    ids += more
    assert stats.inserted == 5
    stored, stamped = _read(
        db,
        "SELECT record_id, changes, mutation_id, created_at, scope, op, base_version, state,"
        " batch_id, sent_at, result FROM outbox ORDER BY seq",
        "SELECT id, updated_at FROM supporter",
    )
    stamps = dict(stamped)
    assert [r[0] for r in stored] == ids  # one create each, in row order
    with db.engine.connect() as conn:
        sent = {c.wire["record_id"]: c.changes_json for c in outbox.waiting(conn)}
    marker = _ENCODE({"$record": [None, mask_of("supporter", ("pair_id", *IMPORT_FIELDS))]})
    for row, (record_id, changes, mutation_id, created, *rest) in zip(rows, stored, strict=True):
        assert changes == marker  # the values are not copied into the outbox
        wire = {name: row[name] for name in IMPORT_FIELDS}
        if wire["birth_date"] is not None:
            wire["birth_date"] = wire["birth_date"].isoformat()
        expected = _ENCODE({"pair_id": [None, "p'1"]} | {k: [None, v] for k, v in wire.items()})
        assert sent[record_id] == expected  # read from the record when it leaves
        assert uuid.UUID(mutation_id).version == 7 and mutation_id != record_id
        assert uuid.UUID(mutation_id).variant == uuid.RFC_4122
        assert mutation_id[:24] == record_id[:24]
        assert created == stamps[record_id]
        assert rest == ["32.14", "upsert", 0, "pending", None, None, None]
    mutation_ids = [r[2] for r in stored]
    assert len(set(mutation_ids)) == len(mutation_ids)
    assert mutation_ids == sorted(mutation_ids)  # time ordered: index appends
    assert all(re.fullmatch(r"[0-9a-f-]{36}", m) for m in mutation_ids)


def test_time_ordered_ids_are_uuid7_unique_and_sorted() -> None:
    ids = _TimeOrderedIds()
    made = ids.take(10_000) + ids.take(3) + ids.take(5000)  # over 4096 per millisecond
    assert len(set(made)) == len(made) and made == sorted(made)
    parsed = [uuid.UUID(i) for i in made]
    assert all(
        u.version == 7 and u.variant == uuid.RFC_4122 and str(u) == i
        for u, i in zip(parsed, made, strict=True)
    )
    assert {i[19] for i in made} == set("89ab")  # the two random variant bits vary


def test_new_rows_go_in_nik_order_with_a_niks_rows_as_they_came(db: Database) -> None:
    """A batch's new supporters are inserted in NIK order (the indexes built after a
    large load sort faster), each row keeping its own id, and two rows of one NIK
    keep their order: a re-import of the corrected file still matches the k-th row
    of a NIK to the k-th record."""
    niks = [9, 3, 7, 3, 1, 9, 5]
    rows = [{**_row(n, f"baris {i}"), "address": f"baris {i}"} for i, n in enumerate(niks)]
    with db.engine.begin() as conn:
        writer = SupporterBulkWriter(conn, "p'1", "32.14", IMPORT_FIELDS)
        ids, stats = writer.write(rows)
    assert stats.inserted == len(rows)
    stored, outboxed = _read(
        db,
        "SELECT id, nik, address FROM supporter ORDER BY rowid",
        "SELECT record_id FROM outbox ORDER BY seq",
    )
    queued = [record_id for (record_id,) in outboxed]
    # Each id is its own row's (written with its address), in NIK order, ties as they came.
    assert [nik for _, nik, _ in stored] == sorted(r["nik"] for r in rows)
    by_id = {record_id: address for record_id, _, address in stored}
    assert [by_id[i] for i in ids] == [r["address"] for r in rows]
    same_nik = [address for _, nik, address in stored if nik == rows[1]["nik"]]
    assert same_nik == ["baris 1", "baris 3"]
    assert queued == [record_id for record_id, _, _ in stored]  # one create each, same order

    corrected = [{**row, "name": f"{row['name']} (perbaikan)"} for row in rows]
    with db.engine.begin() as conn:
        again, stats = SupporterBulkWriter(conn, "p'1", "32.14", IMPORT_FIELDS).write(corrected)
    assert again == ids and stats.updated == len(rows) and stats.inserted == 0


def test_niks_not_all_text_go_in_as_they_came(db: Database) -> None:
    """A batch whose NIKs cannot be ordered (a number among texts) is inserted as it
    came, whole, rather than failing or half sorted."""
    rows = [_row(n, f"baris {n}") for n in (9, 3, 7, 1, 5)]
    rows[-1] = {**rows[-1], "nik": int(rows[-1]["nik"])}  # met after the others moved
    with db.engine.begin() as conn:
        ids, stats = SupporterBulkWriter(conn, "p'1", "32.14", IMPORT_FIELDS).write(rows)
    assert stats.inserted == len(rows)
    (stored,) = _read(db, "SELECT id FROM supporter ORDER BY rowid")
    assert [record_id for (record_id,) in stored] == ids


def test_rows_as_tuples_are_stored_as_written_rows(db: Database) -> None:
    """An import's rows come from its validating process as tuples of their values
    (constants given once): inserted, they are what ``write`` stores of the same
    rows as dicts, byte for byte, with their create mutations."""
    rows = [_row(n, text) for n, text in enumerate(HOSTILE * 3)]
    constants = {"round": "correction_1", "has_id_scan": True}
    fields = (*IMPORT_FIELDS, "has_id_scan")
    with db.engine.begin() as conn:
        writer = SupporterBulkWriter(conn, "p'1", "32.14", fields)
        writer.add_only(0)
        form = writer.stored_form(constants)
        assert set(form.given) == set(fields) - set(constants)
        sent = [tuple(row[name] for name in form.given) for row in rows]
        stats = writer.insert_stored(sent[:4], form)
        stats.add(writer.insert_stored(sent[4:], form))
    assert stats.inserted == len(rows)
    columns = "nik, name, birth_date, nik_from_number, check_status, check_reasons, round,"
    columns += " has_id_scan, effective_status, effective_reasons, pair_id, scope, version"
    query = f"SELECT {columns} FROM supporter ORDER BY nik"
    (inserted,) = _read(db, query)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM outbox")
        conn.exec_driver_sql("DELETE FROM supporter")
        SupporterBulkWriter(conn, "p'1", "32.14", fields).write(
            [{**row, **constants} for row in rows]
        )
    (written,) = _read(db, query)
    assert inserted == written
    assert {(r[6], r[7]) for r in inserted} == {("correction_1", 1)}
    assert inserted[0][5].startswith("[") and inserted[0][2] is None  # stored forms
    (queued,) = _read(db, "SELECT count(*) FROM outbox o JOIN supporter s ON s.id = o.record_id")
    assert queued == [(len(rows),)]


def test_stored_rows_need_an_add_only_writer(db: Database) -> None:
    """Rows that may update a record by NIK are never inserted unmatched."""
    with db.engine.begin() as conn:
        writer = SupporterBulkWriter(conn, "p'1", "32.14", IMPORT_FIELDS)
        form = writer.stored_form({})
        with pytest.raises(RuntimeError):
            writer.insert_stored([form.get(_row(1, "a"))], form)
