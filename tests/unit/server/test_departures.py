"""A supporter of a governor election moved to another kab/kota: the old kab/kota's
feed brings it once as a tombstone with no fields (a departure), the new one's the
whole record, the province's the record as ever; on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from sync import snapshot as fmt
from sync.protocol import WITHDRAWAL_FIELDS, Mutation, Op, encode_feed_page
from sync.server.app import ServerState, open_state
from sync.server.config import ServerConfig
from sync.server.db import migrate
from sync.server.feed import is_departure, read_feed, read_feed_rows, record_blocks
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import departures
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)

PROVINCE = Actor("prov32", Role.PROVINCE, "32", "p-1")
OP3214 = Actor("op3214", Role.KABKOTA, "32.14", "k-1")
OP3215 = Actor("op3215", Role.KABKOTA, "32.15", "k-2")
OP3216 = Actor("op3216", Role.KABKOTA, "32.16", "k-3")
NATIONAL = Actor("ri", Role.KPU_RI, "", "r-1")


@pytest.fixture
def state(url: str) -> Iterator[ServerState]:  # noqa: F811
    migrate(url)
    server = open_state(ServerConfig(database_url=url, rule_checks=False))
    try:
        yield server
    finally:
        server.engine.dispose()


def _push(state: ServerState, actor: Actor, *mutations: Mutation) -> None:
    results = apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), list(mutations))
    assert {r.status.value for r in results} == {"applied"}, results


def _create(entity: str, changes: dict[str, Any]) -> Mutation:
    return Mutation(
        str(uuid.uuid4()),
        entity,
        str(uuid.uuid4()),
        "32",
        Op.UPSERT,
        0,
        {k: (None, v) for k, v in changes.items()},
    )


def _move(record_id: str, version: int, old: str, new: str) -> Mutation:
    return Mutation(
        str(uuid.uuid4()),
        "supporter",
        record_id,
        "32",
        Op.UPSERT,
        version,
        {"kabkota_code": (old, new)},
    )


def _seed(state: ServerState) -> dict[str, str]:
    election = _create("election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"})
    pair = _create("pair", {"election_id": election.record_id, "number": 1})
    people = {
        name: _create(
            "supporter",
            {
                "pair_id": pair.record_id,
                "nik": f"32140155059000{n:02d}",
                "name": f"RAHASIA {name}",
                "birth_date": "1959-05-15",
                "address": "JL. PRIBADI",
                "kabkota_code": area,
            },
        )
        for n, (name, area) in enumerate((("a", "32.14"), ("b", "32.15"), ("c", "32.14")))
    }
    _push(state, PROVINCE, election, pair, *people.values())
    return {name: m.record_id for name, m in people.items()}


def _feed(state: ServerState, actor: Actor, after: int = 0, skip_own: str = "") -> Any:
    return read_feed(state.engine, actor, after, 5000, "now", skip_own=skip_own)


def _head(state: ServerState, actor: Actor) -> int:
    return int(_feed(state, actor).cursor)


def test_the_old_kabkota_reads_a_departure_with_no_personal_data(state: ServerState) -> None:
    ids = _seed(state)
    cursor = _head(state, OP3214)
    _push(state, PROVINCE, _move(ids["a"], 1, "32.14", "32.15"))
    page = _feed(state, OP3214, cursor)
    assert [(r.id, r.deleted, r.version, r.scope) for r in page.records] == [
        (ids["a"], True, 2, "32")
    ]
    assert page.records[0].fields == {} and is_departure(page.records[0])
    assert int(page.cursor) > cursor
    # On the wire, every field of it null, in each layout.
    wire = encode_feed_page(page)["entities"]
    assert [block["entity"] for block in wire] == ["supporter"]
    assert set(wire[0]["rows"][0][4:]) == {None}
    rows, _cursor, _more = read_feed_rows(state.engine, OP3214, cursor, 100)
    for layout in fmt.Layout:
        [block] = record_blocks(rows, layout)
        text = repr(block)
        assert "RAHASIA" not in text and "3214015505900000" not in text, layout
    assert record_blocks(rows, fmt.Layout.ROWS) == wire
    # Asked without its own pushes, the departure still comes (nobody of it pushed it).
    assert [r.id for r in _feed(state, OP3214, cursor, skip_own="run-1").records] == [ids["a"]]
    # A first sync of the old kab/kota: the departure among its records, in feed order.
    first = _feed(state, OP3214).records
    assert [r.id for r in first if r.entity == "supporter"] == [ids["c"], ids["a"]]
    assert [int(r) for r in _seqs(state, OP3214)] == sorted(int(r) for r in _seqs(state, OP3214))


def test_the_old_kabkotas_bawaslu_reads_the_departure_as_its_kpu_does(
    state: ServerState,
) -> None:
    watcher = Actor("bw3214", Role.BAWASLU, "32.14", "w-1")
    ids = _seed(state)
    assert {r.id for r in _feed(state, watcher).records} >= {ids["a"], ids["c"]}
    cursor = _head(state, watcher)
    _push(state, PROVINCE, _move(ids["a"], 1, "32.14", "32.15"))
    [gone] = _feed(state, watcher, cursor).records
    assert gone.id == ids["a"] and is_departure(gone)


def _seqs(state: ServerState, actor: Actor) -> list[int]:
    rows, _cursor, _more = read_feed_rows(state.engine, actor, 0, 5000)
    return [int(r.seq) for r in rows]


def test_the_new_kabkota_and_the_province_read_the_whole_record(state: ServerState) -> None:
    ids = _seed(state)
    _push(state, PROVINCE, _move(ids["a"], 1, "32.14", "32.15"))
    for actor in (OP3215, PROVINCE, NATIONAL):
        [moved] = [r for r in _feed(state, actor).records if r.id == ids["a"]]
        assert not moved.deleted and moved.fields["name"] == "RAHASIA a", actor.role
        assert moved.fields["kabkota_code"] == "32.15"
    assert ids["a"] not in {r.id for r in _feed(state, OP3216).records}


def test_a_record_moving_back_comes_whole_and_leaves_the_other(state: ServerState) -> None:
    ids = _seed(state)
    _push(state, PROVINCE, _move(ids["a"], 1, "32.14", "32.15"))
    at14, at15 = _head(state, OP3214), _head(state, OP3215)
    _push(state, PROVINCE, _move(ids["a"], 2, "32.15", "32.14"))
    [back] = _feed(state, OP3214, at14).records
    assert (back.id, back.deleted, back.version) == (ids["a"], False, 3)
    assert back.fields["name"] == "RAHASIA a"
    [left] = _feed(state, OP3215, at15).records
    assert (left.id, left.version, is_departure(left)) == (ids["a"], 3, True)
    # From the start, the kab/kota it came back to reads it once, whole.
    mine = [r for r in _feed(state, OP3214).records if r.id == ids["a"]]
    assert len(mine) == 1 and not mine[0].deleted
    with state.engine.connect() as conn:
        kept = conn.execute(select(departures.c.record_id, departures.c.area)).all()
    assert [tuple(r) for r in kept] == [(ids["a"], "32.15")]


def test_a_reader_that_missed_a_move_learns_of_it_after_the_next(state: ServerState) -> None:
    """32.14 -> 32.15 -> 32.16 before 32.14 syncs (a wrong kab/kota corrected): the
    first kab/kota still gets its departure, the second its own."""
    ids = _seed(state)
    at14 = _head(state, OP3214)
    _push(state, PROVINCE, _move(ids["c"], 1, "32.14", "32.15"))
    at15 = _head(state, OP3215)
    _push(state, PROVINCE, _move(ids["c"], 2, "32.15", "32.16"))
    assert [(r.id, is_departure(r)) for r in _feed(state, OP3214, at14).records] == [
        (ids["c"], True)
    ]
    assert [(r.id, is_departure(r)) for r in _feed(state, OP3215, at15).records] == [
        (ids["c"], True)
    ]
    [whole] = [r for r in _feed(state, OP3216).records if r.id == ids["c"]]
    assert not whole.deleted


def test_a_move_to_no_kabkota_is_a_departure_too(state: ServerState) -> None:
    ids = _seed(state)
    at14 = _head(state, OP3214)
    _push(state, PROVINCE, _move(ids["c"], 1, "32.14", ""))
    assert [(r.id, is_departure(r)) for r in _feed(state, OP3214, at14).records] == [
        (ids["c"], True)
    ]
    [kept] = [r for r in _feed(state, PROVINCE).records if r.id == ids["c"]]
    assert not kept.deleted


def test_edits_that_keep_the_area_record_no_departure(state: ServerState) -> None:
    ids = _seed(state)
    at14 = _head(state, OP3214)
    edit = Mutation(
        str(uuid.uuid4()), "supporter", ids["a"], "32", Op.UPSERT, 1, {"name": (None, "BARU")}
    )
    _push(state, PROVINCE, edit)
    [rec] = _feed(state, OP3214, at14).records
    assert not rec.deleted and rec.fields["name"] == "BARU"
    with state.engine.connect() as conn:
        assert conn.execute(select(departures.c.record_id)).first() is None


def test_a_withdrawn_tombstone_keeps_its_fields_and_is_no_departure(state: ServerState) -> None:
    ids = _seed(state)
    at14 = _head(state, OP3214)
    gone = Mutation(
        str(uuid.uuid4()),
        "supporter",
        ids["a"],
        "32",
        Op.DELETE,
        1,
        {"withdrawn_reason": (None, "ganda")},
    )
    _push(state, PROVINCE, gone)
    [rec] = _feed(state, OP3214, at14).records
    assert rec.deleted and not is_departure(rec)
    assert set(rec.fields) >= set(WITHDRAWAL_FIELDS)


def test_a_cached_snapshot_of_the_old_kabkota_is_rebuilt_without_it(
    state: ServerState,
) -> None:
    """A snapshot cached before the move is not served again (it holds the departed
    supporter's personal data): the next one is the scope's current state."""
    import gzip

    from sync.server.snapshots import SnapshotCache

    ids = _seed(state)
    cache = SnapshotCache()
    before = cache.get(state, OP3214)
    assert ids["a"] in b"".join(gzip.decompress(p) for p in before.parts).decode()
    _push(state, PROVINCE, _move(ids["a"], 1, "32.14", "32.15"))
    after = cache.get(state, OP3214)
    assert after is not before and after.cursor > before.cursor
    text = b"".join(gzip.decompress(p) for p in after.parts).decode()
    assert ids["a"] not in text and "RAHASIA a" not in text and ids["c"] in text


def test_a_trainers_snapshot_is_never_a_bawaslus_of_the_same_region(
    state: ServerState,
) -> None:
    """A kab/kota's Bawaslu and a trainer of that kab/kota (on a training server) have
    the same read prefix (``("32.14", False)``) but do not read the same: the Bawaslu
    reads its share of the province's governor election, the trainer does not. The
    cache, keyed by the prefix alone, served one's snapshot to the other."""
    import gzip

    from sync.server.snapshots import SnapshotCache

    ids = _seed(state)
    bawaslu = Actor("bawaslu3214", Role.BAWASLU, "32.14", "b-1", training_server=True)
    trainer = Actor("pelatih3214", Role.TRAINER, "32.14", "t-1", training_server=True)
    cache = SnapshotCache()

    def text(actor: Actor) -> str:
        built = cache.get(state, actor)
        return b"".join(gzip.decompress(p) for p in built.parts).decode()

    assert ids["a"] in text(bawaslu)
    assert not trainer.can_read("32", "32.14")
    theirs = text(trainer)
    assert ids["a"] not in theirs and "RAHASIA" not in theirs
    assert ids["a"] in text(bawaslu)


def test_revision_0015_adds_and_removes_the_departures_table(url: str) -> None:  # noqa: F811
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    from tests.unit.server.migrating import alembic_to

    def tables() -> tuple[set[str], set[str]]:
        engine = create_engine(url, poolclass=NullPool)
        try:
            found = inspect(engine)
            names = set(found.get_table_names())
            indexes = (
                {str(i["name"]) for i in found.get_indexes("departures")}
                if "departures" in names
                else set()
            )
            return names, indexes
        finally:
            engine.dispose()

    alembic_to(url, "0014")
    assert "departures" not in tables()[0]
    alembic_to(url, "0015")
    names, indexes = tables()
    assert "departures" in names and "ix_departures_area_seq" in indexes
    alembic_to(url, "0014", down=True)
    assert "departures" not in tables()[0]
