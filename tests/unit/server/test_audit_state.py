"""The audit log names each record's state by digest instead of copying it (#19), and
still proves the history: tampering with an entry or with a record is found."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest
from sqlalchemy import delete, select, update

from sync.protocol import Mutation, Op, ResultStatus
from sync.server import audit
from sync.server.app import ServerState
from sync.server.db import read_tx, write_tx
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import audit as audit_table
from sync.server.schema import records

SCOPE = "32.14"
OPERATOR = Actor("op3214", Role.KABKOTA, SCOPE, "laptop-1")
ADDRESS = "JL. MERDEKA NO. 17 RT 001 RW 002 KELURAHAN SUKAMAJU KECAMATAN CIBEUNYING " * 3


def _mutation(
    record_id: str, changes: dict[str, Any], base: int = 0, op: Op = Op.UPSERT, entity: str = ""
) -> Mutation:
    return Mutation(
        str(uuid.uuid4()),
        entity or "supporter",
        record_id,
        SCOPE,
        op,
        base,
        {k: (None, v) for k, v in changes.items()},
    )


def _world(state: ServerState) -> tuple[str, list[str]]:
    """An election, a pair and three supporters; returns (pair id, supporter ids)."""
    election, pair = str(uuid.uuid4()), str(uuid.uuid4())
    ids = [str(uuid.uuid4()) for _ in range(3)]
    batch = [
        _mutation(
            election,
            {"name": "Pilbup", "kind": "bupati", "region_code": SCOPE},
            entity="election",
        ),
        _mutation(pair, {"election_id": election, "number": 1}, entity="pair"),
        *(
            _mutation(
                sid,
                {
                    "pair_id": pair,
                    "nik": f"32140117088500{n:02d}",
                    "name": f"SITI AMINAH {n}",
                    "address": ADDRESS,
                },
            )
            for n, sid in enumerate(ids)
        ),
    ]
    results = apply_batch(state.engine, state.config, OPERATOR, "b1", batch)
    assert all(r.status is ResultStatus.APPLIED for r in results)
    return pair, ids


def _entries(state: ServerState) -> list[dict[str, Any]]:
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(audit_table).order_by(audit_table.c.id)).mappings().all()
    return [dict(r) for r in rows]


def _verify(state: ServerState) -> audit.VerifyResult:
    with read_tx(state.engine) as conn:
        return audit.verify(conn)


def test_a_create_is_named_by_its_digest_not_copied(state: ServerState) -> None:
    _pair, ids = _world(state)
    creates = {e["record_id"]: e for e in _entries(state) if e["action"] == "create"}
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(records).where(records.c.id.in_(ids))).mappings().all()
    for row in rows:
        entry = creates[row["id"]]
        assert entry["after"] == "null" and entry["before"] == "null"  # no copy of the row
        assert ADDRESS not in entry["after"] and "SITI" not in str(entry)
        fields = __import__("orjson").loads(row["fields"])
        digest = audit.state_digest(
            fields, row["version"], row["deleted"], row["entity"], row["scope"]
        )
        assert entry["state"] == digest
    result = _verify(state)
    assert result.ok and result.records_checked == 5  # election, pair, three supporters


def test_the_history_is_rebuilt_from_the_record_and_the_entries(state: ServerState) -> None:
    _pair, ids = _world(state)
    sid = ids[0]
    [r2] = apply_batch(
        state.engine, state.config, OPERATOR, "b2", [_mutation(sid, {"name": "SITI A."}, base=1)]
    )
    assert r2.status is ResultStatus.APPLIED
    withdrawal = {"withdrawn_reason": "ditarik_pendukung", "withdrawn_note": "surat"}
    [r3] = apply_batch(
        state.engine,
        state.config,
        OPERATOR,
        "b3",
        [_mutation(sid, withdrawal, base=2, op=Op.DELETE)],
    )
    assert r3.status is ResultStatus.APPLIED
    with read_tx(state.engine) as conn:
        states = audit.history(conn, sid)
    assert [s.action for s in states] == ["create", "update", "delete"]
    assert [s.version for s in states] == [1, 2, 3]
    assert [s.deleted for s in states] == [False, False, True]
    assert states[0].fields["name"] == "SITI AMINAH 0"  # what was filed first
    assert states[1].fields["name"] == "SITI A."
    assert states[2].fields["withdrawn_reason"] == "ditarik_pendukung"
    assert states[1].fields.get("withdrawn_reason") is None
    assert _verify(state).ok


def test_an_edited_record_is_found_by_verify_and_by_its_history(state: ServerState) -> None:
    _pair, ids = _world(state)
    sid = ids[1]
    with write_tx(state.engine) as conn:
        fields = conn.execute(select(records.c.fields).where(records.c.id == sid)).scalar_one()
        conn.execute(
            update(records)
            .where(records.c.id == sid)
            .values(fields=fields.replace("SITI AMINAH 1", "BUDI SANTOSO"))
        )
    result = _verify(state)
    [entry] = [e for e in _entries(state) if e["record_id"] == sid]
    assert not result.ok and result.broken_id == entry["id"]
    assert sid in result.reason
    with read_tx(state.engine) as conn, pytest.raises(ValueError, match=sid):
        audit.history(conn, sid)


def test_a_removed_record_or_an_edited_state_is_found(state: ServerState) -> None:
    _pair, ids = _world(state)
    with write_tx(state.engine) as conn:
        conn.execute(delete(records).where(records.c.id == ids[2]))
    result = _verify(state)
    [entry] = [e for e in _entries(state) if e["record_id"] == ids[2]]
    assert not result.ok and result.broken_id == entry["id"] and "missing" in result.reason


def test_a_record_written_past_the_log_is_found(state: ServerState) -> None:
    """A row put into ``records`` by hand (here a copy of a supporter under a new id: a
    forged supporter that every feed of the scope would hand out) is named by no entry:
    every write appends one naming its record, so verify refuses it, naming the row."""
    _pair, ids = _world(state)
    forged = str(uuid.uuid4())
    with write_tx(state.engine) as conn:
        row = dict(conn.execute(select(records).where(records.c.id == ids[0])).mappings().one())
        top = conn.execute(select(records.c.seq).order_by(records.c.seq.desc())).first()
        conn.execute(records.insert().values({**row, "id": forged, "seq": int(top[0]) + 1}))
    result = _verify(state)
    assert not result.ok and result.broken_id is None and result.record_id == forged
    assert forged in result.reason


def test_a_record_named_only_by_entries_without_a_state_is_not_refused(
    state: ServerState,
) -> None:
    """An upgraded server: a record whose entries predate the state column is still
    named by them (it is not checked, as before, but not refused either)."""
    _pair, ids = _world(state)
    old = str(uuid.uuid4())
    with write_tx(state.engine) as conn:
        row = dict(conn.execute(select(records).where(records.c.id == ids[0])).mappings().one())
        top = conn.execute(select(records.c.seq).order_by(records.c.seq.desc())).first()
        conn.execute(records.insert().values({**row, "id": old, "seq": int(top[0]) + 1}))
        audit.append(
            conn,
            [audit.AuditEntry("2024-08-01T00:00:00Z", "op", "dev", "create", "supporter", old)],
        )
    result = _verify(state)
    assert result.ok and result.records_checked == 5


@pytest.mark.parametrize("scope", ["32.15", "32"])
def test_a_record_moved_to_another_scope_behind_the_log_is_found(
    state: ServerState, scope: str
) -> None:
    """The scope decides who reads a record: a supporter moved to another kab/kota (or
    up to its province) in the records table, its fields untouched, would be handed to
    that region's feed with its NIK and name. Its last entry's digest names its scope."""
    _pair, ids = _world(state)
    with write_tx(state.engine) as conn:
        conn.execute(update(records).where(records.c.id == ids[0]).values(scope=scope))
    result = _verify(state)
    [entry] = [e for e in _entries(state) if e["record_id"] == ids[0]]
    assert not result.ok and result.broken_id == entry["id"] and ids[0] in result.reason
    with read_tx(state.engine) as conn, pytest.raises(ValueError, match=ids[0]):
        audit.history(conn, ids[0])


def test_a_public_objection_names_the_scope_too(state: ServerState) -> None:
    """The objection's own entry (by ``publik``) digests the supporter's scope as a
    push's does: the record verifies, and moved behind the log it does not."""
    from sync.server.public import objections

    pair, ids = _world(state)
    assert (
        objections.file(state.engine, ids[0], pair, "", 1.0e9, "2024-08-01T00:00:00Z")
        is objections.Filing.FILED
    )
    assert _verify(state).ok
    with write_tx(state.engine) as conn:
        conn.execute(update(records).where(records.c.id == ids[0]).values(scope="32.15"))
    assert not _verify(state).ok


def test_a_supporter_given_another_area_behind_the_log_is_found(state: ServerState) -> None:
    """A governor supporter's area (the kab/kota that reads it) is its kab/kota code's:
    an area column set to another kab/kota behind the log is found."""
    election, pair, sid = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    province = Actor("prov32", Role.PROVINCE, "32", "laptop-2")

    def create(record_id: str, entity: str, changes: dict[str, Any]) -> Mutation:
        return Mutation(
            str(uuid.uuid4()), entity, record_id, "32", Op.UPSERT, 0,
            {k: (None, v) for k, v in changes.items()},
        )  # fmt: skip

    batch = [
        create(election, "election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"}),
        create(pair, "pair", {"election_id": election, "number": 1}),
        create(sid, "supporter", {"pair_id": pair, "nik": "3214011708850001",
                                  "kabkota_code": "32.14"}),
    ]  # fmt: skip
    results = apply_batch(state.engine, state.config, province, "g1", batch)
    assert all(r.status is ResultStatus.APPLIED for r in results), results
    assert _verify(state).ok
    with write_tx(state.engine) as conn:
        conn.execute(update(records).where(records.c.id == sid).values(area="32.15"))
    result = _verify(state)
    [entry] = [e for e in _entries(state) if e["record_id"] == sid]
    assert not result.ok and result.broken_id == entry["id"] and sid in result.reason


def test_entries_digested_without_the_scope_still_verify(state: ServerState) -> None:
    """Entries written before the digest named the scope keep their digests: the
    record still checks against its last one, and its history rebuilds."""
    _pair, ids = _world(state)
    with write_tx(state.engine) as conn:
        row = conn.execute(select(records).where(records.c.id == ids[0])).mappings().one()
        legacy = audit.state_digest(orjson.loads(row["fields"]), row["version"], row["deleted"])
        audit.append(
            conn,
            [
                audit.AuditEntry(
                    "2024-08-01T00:00:00Z", "op", "dev", "conflict", "supporter", ids[0],
                    state=legacy,
                )
            ],
        )  # fmt: skip
    assert _verify(state).ok
    with read_tx(state.engine) as conn:
        assert [s.action for s in audit.history(conn, ids[0])] == ["create", "conflict"]


def test_a_state_digest_changed_in_the_log_breaks_the_chain(state: ServerState) -> None:
    _pair, ids = _world(state)
    [entry] = [e for e in _entries(state) if e["record_id"] == ids[0]]
    with write_tx(state.engine) as conn:
        conn.execute(
            update(audit_table).where(audit_table.c.id == entry["id"]).values(state="0" * 64)
        )
    result = _verify(state)
    assert not result.ok and result.broken_id == entry["id"]
    assert result.reason == "content does not match its hash"


def test_entries_written_before_the_state_column_still_verify(state: ServerState) -> None:
    """An upgraded server: old entries (no state) keep their hashes; their records are
    not checked until a new entry names their state."""
    with write_tx(state.engine) as conn:
        audit.append(
            conn,
            [audit.AuditEntry("2024-08-01T00:00:00Z", "op", "dev", "update", "supporter", "r1")],
        )
    result = _verify(state)
    assert result.ok and result.checked == 1 and result.records_checked == 0


def test_the_chain_hash_is_the_canonical_json_with_sorted_keys(state: ServerState) -> None:
    """append builds each entry's head with its keys already in order instead of
    having orjson sort them: the hash is still the documented one (SHA-256 of the
    previous hash, the head as JSON with sorted keys, then before and after)."""
    import hashlib

    import orjson

    entries = [
        audit.AuditEntry("2026-01-01T00:00:00Z", "op", "dev", "login"),
        audit.AuditEntry(
            "2026-01-01T00:00:01Z", "op", "dev", "update", "supporter", "r1", {"a": 1}, {"a": 2}
        ),
        audit.AuditEntry(
            "2026-01-01T00:00:02Z", "op", "dev", "create", "supporter", "r2", state="ab" * 32
        ),
    ]
    with read_tx(state.engine) as conn:
        before = conn.execute(select(audit_table).order_by(audit_table.c.id)).mappings().all()
    with write_tx(state.engine) as conn:
        audit.append(conn, entries)
    with read_tx(state.engine) as conn:
        rows = conn.execute(select(audit_table).order_by(audit_table.c.id)).mappings().all()
    prev = before[-1]["hash"] if before else audit.GENESIS
    for row, entry in zip(rows[len(before) :], entries, strict=True):
        head = {
            k: row[k]
            for k in ("id", "at", "username", "device_id", "action", "entity", "record_id")
        }
        if entry.state:
            head["state"] = entry.state
        expected = hashlib.sha256(
            prev.encode()
            + orjson.dumps(head, option=orjson.OPT_SORT_KEYS)
            + b"\x1e"
            + str(row["before"]).encode()
            + b"\x1e"
            + str(row["after"]).encode()
        ).hexdigest()
        assert row["hash"] == expected == audit.entry_hash(prev, dict(row))
        assert row["state"] == entry.state
        prev = expected
