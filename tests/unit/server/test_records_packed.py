"""records.fields stored packed (revision 0007, issue 19): written through the push,
read back as the same JSON text, on SQLite and PostgreSQL; a database at 0006 with
records written as plain text upgrades to packed values and back, the audit log still
verifying every record's state at each step. Revision 0009: the audit entries without
``prev_hash``, the same way up and down."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import orjson
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from sync.protocol import ResultStatus
from sync.server import audit
from sync.server.app import ServerState, open_state
from sync.server.config import ServerConfig
from sync.server.db import migrate, read_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import PACKED_V1, pack_json, records, unpack_json
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import SCOPE, create

OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")


def _push_world(state: ServerState) -> list[str]:
    election = create("election", {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE})
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    supporters = [
        create(
            "supporter",
            {
                "pair_id": pair.record_id,
                "nik": f"32140117088500{n:02d}",
                "name": f"SITI AMINAH {n}",
                "address": "JL. MERDEKA NO. 17",
                "check_reasons": ["NO_ID_SCAN"],
            },
        )
        for n in range(3)
    ]
    batch = [election, pair, *supporters]
    results = apply_batch(state.engine, state.config, OPERATOR, "b1", batch)
    assert all(r.status is ResultStatus.APPLIED for r in results)
    return [m.record_id for m in batch]


def _fields(state: ServerState) -> dict[str, str]:
    with read_tx(state.engine) as conn:
        return {str(i): f for i, f in conn.execute(select(records.c.id, records.c.fields))}


def _stored(url: str) -> list[bytes | str]:
    """The values as stored (no type conversion)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [v for (v,) in conn.exec_driver_sql("SELECT fields FROM records")]
    finally:
        engine.dispose()


def _verified(state: ServerState) -> int:
    with read_tx(state.engine) as conn:
        result = audit.verify(conn)
    assert result.ok, result
    return result.records_checked


def test_pack_round_trip_and_size() -> None:
    fields = {
        "pair_id": str(uuid.uuid4()),
        "nik": "3214011708850001",
        "name": "SITI AMINAH",
        "admin_status": None,
        "check_reasons": ["NO_ID_SCAN"],
        "round": "submission",
        "public_objection": False,
    }
    text = orjson.dumps(fields).decode("utf-8")
    packed = pack_json(text)
    assert packed[:1] == PACKED_V1 and len(packed) < len(text)
    assert unpack_json(packed) == text
    assert unpack_json(text) == text  # a value from before 0007
    assert unpack_json(text.encode("utf-8")) == text  # PostgreSQL's converted column
    assert pack_json(text.encode("utf-8")) == packed  # orjson's bytes pack the same


def test_upgrade_from_0006_packs_plain_rows_and_downgrade_unpacks(url: str) -> None:
    migrate(url)
    state = open_state(ServerConfig(database_url=url))
    try:
        ids = _push_world(state)
        written = _fields(state)
        assert set(written) == set(ids)
        assert all(isinstance(v, bytes) and v[:1] == PACKED_V1 for v in _stored(url))
        assert _verified(state) == len(ids)
    finally:
        state.engine.dispose()

    alembic_to(url, "0006", down=True)  # plain JSON text again, as 0006 wrote it
    stored = _stored(url)
    assert all(orjson.loads(v) for v in stored)
    if url.startswith("sqlite"):
        assert all(isinstance(v, str) for v in stored)
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            types = {t for (t,) in conn.execute("SELECT DISTINCT typeof(fields) FROM records")}
        assert types == {"text"}

    migrate(url)
    state = open_state(ServerConfig(database_url=url))
    try:
        assert all(isinstance(v, bytes) and v[:1] == PACKED_V1 for v in _stored(url))
        assert _fields(state) == written  # the same JSON text, byte for byte
        assert _verified(state) == len(ids)  # every state its last entry names
    finally:
        state.engine.dispose()


def _audit_rows(url: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, at, username, device_id, action, entity, record_id, before, after,"
                " hash, state FROM audit ORDER BY id"
            )
            return [tuple(r) for r in rows]
    finally:
        engine.dispose()


def test_audit_without_prev_hash_upgrades_and_downgrades_still_verifying(url: str) -> None:
    """Revision 0009: the entries keep every column but ``prev_hash`` (the hash of the
    entry before); the chain verifies before, after and back at 0008, where each
    ``prev_hash`` is put back."""
    migrate(url)
    state = open_state(ServerConfig(database_url=url))
    try:
        ids = _push_world(state)
        assert _verified(state) == len(ids)
    finally:
        state.engine.dispose()
    entries = _audit_rows(url)
    assert len(entries) >= len(ids)

    alembic_to(url, "0008", down=True)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            chain = conn.exec_driver_sql("SELECT prev_hash, hash FROM audit ORDER BY id").all()
    finally:
        engine.dispose()
    assert chain[0][0] == audit.GENESIS
    assert all(chain[i][0] == chain[i - 1][1] for i in range(1, len(chain)))

    migrate(url)
    assert _audit_rows(url) == entries
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit'").fetchone()
            indexes = conn.execute("PRAGMA index_list('audit')").fetchall()
        assert "id INTEGER NOT NULL" in sql and "prev_hash" not in sql and indexes == []
    state = open_state(ServerConfig(database_url=url))
    try:
        assert _verified(state) == len(ids)
    finally:
        state.engine.dispose()


def test_audit_digests_as_bytes_upgrade_and_downgrade_still_verifying(url: str) -> None:
    """Revision 0010: each entry's ``hash`` and ``state`` stored as their 32 bytes; the
    chain verifies, the public audit head reads the same hex, and at 0009 every digest
    is the same lower-case hex text again."""
    from sync.server.public.pages import read_stamp

    migrate(url)
    state = open_state(ServerConfig(database_url=url))
    try:
        ids = _push_world(state)
        assert _verified(state) == len(ids)
        with read_tx(state.engine) as conn:
            head = audit.verify(conn).head
        stamp = read_stamp(state.engine)
        assert (stamp.audit_id, stamp.audit_hash) == head
    finally:
        state.engine.dispose()
    entries = _audit_rows(url)
    stated = [e for e in entries if len(bytes(e[10]))]
    assert len(stated) >= len(ids)
    assert all(len(bytes(e[9])) == 32 for e in entries)
    assert all(len(bytes(e[10])) in (0, 32) for e in entries)

    alembic_to(url, "0009", down=True)
    as_text = _audit_rows(url)
    assert [t[:9] for t in as_text] == [e[:9] for e in entries]
    assert [(t[9], t[10]) for t in as_text] == [
        (bytes(e[9]).hex(), bytes(e[10]).hex()) for e in entries
    ]

    migrate(url)
    assert [(*e[:9], bytes(e[9]), bytes(e[10])) for e in _audit_rows(url)] == [
        (*e[:9], bytes(e[9]), bytes(e[10])) for e in entries
    ]
    state = open_state(ServerConfig(database_url=url))
    try:
        assert _verified(state) == len(ids)
        with read_tx(state.engine) as conn:
            assert [s.entry_id for s in audit.history(conn, ids[-1])]
    finally:
        state.engine.dispose()
