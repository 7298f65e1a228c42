"""Revision 0021: a server that deleted an election under live pairs (before
``rules.check_delete`` refused it) kept those pairs' supporters in the election's NIK
groups with their DUPLICATE_EXTERNAL flags. The upgrade takes them out and clears the
flags, as deleting each pair would have, each clear a new version in the feed and an
entry of the audit chain; another election's groups are left as they are."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import orjson
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from sync.protocol import Mutation, Op
from sync.server import audit as audit_log
from sync.server.app import open_state
from sync.server.config import ServerConfig
from sync.server.db import migrate
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import audit, nik_index, records
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)
from tests.unit.server.support import SCOPE, create

RI = Actor("ri", Role.KPU_RI, "", "dev-ri")
NIK = "3214014101900001"


def _election(name: str) -> tuple[list[Mutation], Mutation, list[str]]:
    """An election with two pairs, each backed by a supporter of one NIK (flagged)."""
    election = create("election", {"name": name, "kind": "bupati"})
    pairs = [create("pair", {"election_id": election.record_id, "number": n}) for n in (1, 2)]
    backers = [
        create("supporter", {"pair_id": p.record_id, "name": "B", "nik": NIK}) for p in pairs
    ]
    return [election, *pairs, *backers], election, [b.record_id for b in backers]


def _stored(url: str) -> tuple[dict[str, tuple[int, bool]], set[tuple[str, str]], list[Any]]:
    """Supporters' ``(version, flag)``, the index's ``(election, record)`` rows, and
    the audit log's flag entries; the chain is checked too."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(records.c.id, records.c.version, records.c.fields).where(
                    records.c.entity == "supporter"
                )
            )
            flags = {
                r.id: (int(r.version), bool(orjson.loads(r.fields).get("external_duplicate")))
                for r in rows
            }
            index = {(r.election_id, r.record_id) for r in conn.execute(select(nik_index))}
            entries = list(
                conn.execute(
                    select(audit.c.username, audit.c.record_id).where(
                        audit.c.action == "flag_duplicate"
                    )
                )
            )
            assert audit_log.verify(conn).ok
    finally:
        engine.dispose()
    return flags, index, entries


def test_revision_0021_releases_a_deleted_elections_supporters(url: str) -> None:
    migrate(url)
    gone_tree, gone, gone_backers = _election("Pilbup lama")
    kept_tree, kept, kept_backers = _election("Pilbup")
    state = open_state(ServerConfig(database_url=url))
    try:
        done = apply_batch(state.engine, state.config, RI, "seed", [*gone_tree, *kept_tree])
        delete = Mutation(str(uuid.uuid4()), "election", gone.record_id, SCOPE, Op.DELETE, 1, {})
        # Deleted the old way: the rules off, as a server before check_delete had them.
        before_the_rule = dataclasses.replace(state.config, rule_checks=False)
        done += apply_batch(state.engine, before_the_rule, RI, "old", [delete])
    finally:
        state.engine.dispose()
    assert {r.status.value for r in done} == {"applied"}, done
    flags, index, _entries = _stored(url)
    backers = [*gone_backers, *kept_backers]
    assert [flags[b][1] for b in backers] == [True] * 4  # the deleted election's kept
    assert {(gone.record_id, b) for b in gone_backers} <= index
    versions = {b: flags[b][0] for b in backers}

    alembic_to(url, "0020", down=True)
    alembic_to(url, "0021")

    flags, index, entries = _stored(url)
    assert [flags[b][1] for b in gone_backers] == [False, False]
    assert [flags[b][0] for b in gone_backers] == [versions[b] + 1 for b in gone_backers]
    assert not any(election == gone.record_id for election, _r in index)
    # Another election's groups are untouched.
    assert [flags[b] for b in kept_backers] == [(versions[b], True) for b in kept_backers]
    assert {(kept.record_id, b) for b in kept_backers} <= index
    assert {(u, r) for u, r in entries if r in gone_backers} == {
        ("server", b) for b in gone_backers
    }
    # Run again (a database already repaired): nothing more changes.
    alembic_to(url, "0020", down=True)
    alembic_to(url, "0021")
    assert _stored(url)[0] == flags


def test_a_pair_of_a_deleted_election_backs_no_pair_at_its_supporters_next_write() -> None:
    """After the repair a supporter of such a pair may still be written (its pair is
    live): its NIK joins no group of the deleted election, so no flag comes back; its
    row left from before is dropped as a deleted pair's would be."""
    from tests.unit.server.support import fresh_state

    with fresh_state() as state:
        election = create("election", {"name": "Pilbup lama", "kind": "bupati"})
        pairs = [create("pair", {"election_id": election.record_id, "number": n}) for n in (1, 2)]
        backers = [
            create("supporter", {"pair_id": p.record_id, "name": "B", "nik": nik})
            for p, nik in zip(pairs, (NIK, "3214014101900002"), strict=True)
        ]
        done = apply_batch(state.engine, state.config, RI, "seed", [election, *pairs, *backers])
        delete = Mutation(
            str(uuid.uuid4()), "election", election.record_id, SCOPE, Op.DELETE, 1, {}
        )
        before_the_rule = dataclasses.replace(state.config, rule_checks=False)
        done += apply_batch(state.engine, before_the_rule, RI, "old", [delete])
        same_nik = Mutation(
            str(uuid.uuid4()), "supporter", backers[1].record_id, SCOPE, Op.UPSERT, 1,
            {"nik": ("3214014101900002", NIK)},
        )  # fmt: skip
        done += apply_batch(state.engine, state.config, RI, "edit", [same_nik])
        assert {r.status.value for r in done} == {"applied"}, done
        with state.engine.connect() as conn:
            flags = {
                r.id: bool(orjson.loads(r.fields).get("external_duplicate"))
                for r in conn.execute(
                    select(records.c.id, records.c.fields).where(records.c.entity == "supporter")
                )
            }
            indexed = {r.record_id for r in conn.execute(select(nik_index))}
    assert [flags[b.record_id] for b in backers] == [False, False]
    assert backers[1].record_id not in indexed
