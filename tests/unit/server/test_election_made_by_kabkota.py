"""The server-owned ``made_by_kabkota`` of an election: true when a KPU kab/kota entered
it, false when the province or KPU RI made it (set on create; revision 0022 sets it on
the elections stored before, each a new version in the feed and the audit log). The
desktop refuses by it, before saving, a kab/kota's fill of an administered field of an
election made above it, which the server refuses (READ_ONLY) by the same rule."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy import create_engine, select, update
from sqlalchemy.pool import NullPool

from sync.protocol import ENTITIES, Mutation, Op, election_field_refused
from sync.server import audit as audit_log
from sync.server.db import migrate
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import audit, records
from tests.unit.server.migrating import KAB, RI, alembic_to, push_election
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import create, fresh_state

PROVINCE = Actor("prov32", Role.PROVINCE, "32", "dev-prov")


def _made(conn: Any) -> dict[str, tuple[int, Any]]:
    rows = conn.execute(
        select(records.c.id, records.c.version, records.c.fields).where(
            records.c.entity == "election"
        )
    )
    return {r.id: (int(r.version), orjson.loads(r.fields).get("made_by_kabkota")) for r in rows}


def test_the_field_is_server_owned_and_one_rule_decides_a_kabkotas_write() -> None:
    assert ENTITIES["election"].spec("made_by_kabkota").server_owned
    assert "made_by_kabkota" not in ENTITIES["election"].client_fields
    assert election_field_refused("dpt", None, False) == "made_above"
    assert election_field_refused("dpt", None, True) is None
    assert election_field_refused("dpt", None, None) is None  # not known: the server decides
    assert election_field_refused("dpt", 10, None) == "set"
    assert election_field_refused("name", None, False) is None


def test_the_server_sets_who_made_an_election_on_create() -> None:
    with fresh_state() as state:
        own = create("election", {"name": "Pilbup", "kind": "bupati"}, "32.14")
        above = create("election", {"name": "Pilbup", "kind": "bupati"}, "32.14")
        governor = create("election", {"name": "Pilgub", "kind": "gubernur"}, "32")
        done = apply_batch(state.engine, state.config, KAB, "kab", [own])
        done += apply_batch(state.engine, state.config, RI, "ri", [above])
        done += apply_batch(state.engine, state.config, PROVINCE, "prov", [governor])
        assert {r.status.value for r in done} == {"applied"}, done
        # A client may not write it.
        forged = Mutation(
            str(uuid.uuid4()), "election", above.record_id, "32.14", Op.UPSERT, 1,
            {"made_by_kabkota": (False, True)},
        )  # fmt: skip
        [refused] = apply_batch(state.engine, state.config, RI, "forged", [forged])
        with state.engine.connect() as conn:
            made = _made(conn)
    assert refused.status.value == "rejected" and refused.code == "SERVER_OWNED"
    assert made[own.record_id] == (1, True)
    assert made[above.record_id] == (1, False)
    assert made[governor.record_id] == (1, False)


def test_revision_0022_sets_it_on_the_elections_stored_before(url: str) -> None:  # noqa: F811
    migrate(url)
    above, own = str(uuid.uuid4()), str(uuid.uuid4())
    assert push_election(url, RI, above, 0, {"name": "Pilbup", "kind": "bupati"}) == "applied"
    assert push_election(url, KAB, own, 0, {"name": "Pilbup", "kind": "bupati"}) == "applied"
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:  # as a server before the field stored them
            for rid, (_v, _m) in _made(conn).items():
                stored = conn.execute(select(records.c.fields).where(records.c.id == rid))
                fields = orjson.loads(stored.scalar_one())
                del fields["made_by_kabkota"]
                conn.execute(
                    update(records)
                    .where(records.c.id == rid)
                    .values(fields=orjson.dumps(fields).decode())
                )
            seq_before = conn.execute(
                select(records.c.seq).where(records.c.id == above)
            ).scalar_one()
            assert _made(conn) == {above: (1, None), own: (1, None)}
    finally:
        engine.dispose()

    alembic_to(url, "0021", down=True)
    alembic_to(url, "0022")

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            assert _made(conn) == {above: (2, False), own: (2, True)}
            seq_after = conn.execute(
                select(records.c.seq).where(records.c.id == above)
            ).scalar_one()
            entries = conn.execute(
                select(audit.c.username, audit.c.record_id).where(
                    audit.c.action == "mark_election_maker"
                )
            ).all()
            assert audit_log.verify(conn).ok
    finally:
        engine.dispose()
    assert seq_after > seq_before  # in the feed again: the PCs that hold it learn it
    assert sorted(tuple(e) for e in entries) == sorted([("server", above), ("server", own)])
    # Run again (a database already marked): nothing more changes.
    alembic_to(url, "0021", down=True)
    alembic_to(url, "0022")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            assert _made(conn) == {above: (2, False), own: (2, True)}
    finally:
        engine.dispose()
    assert push_election(url, KAB, above, 2, {"dpt": 10}) == "rejected READ_ONLY"
    assert push_election(url, KAB, own, 2, {"dpt": 10}) == "applied"
