"""Revision 0013: an upgraded server's public figures and copies are recomputed
(the decree's figures in the election's copy, external duplicates not MS)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import orjson
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from sync.protocol import Mutation, Op
from sync.server.app import open_state
from sync.server.config import Clock, ServerConfig
from sync.server.db import migrate
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import public_figures, public_records
from tests.public_seed import SCOPE, seed, verdict
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)

ADMIN = Actor("admin", Role.KPU_RI, "", "test")


def _public(url: str) -> tuple[list[Any], dict[str, Any]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cells = sorted(
                (r.pair_id, r.round, r.subregion, r.submitted, r.ms, r.bms)
                for r in conn.execute(select(public_figures))
            )
            copies = {r.id: orjson.loads(r.fields) for r in conn.execute(select(public_records))}
            return cells, copies
    finally:
        engine.dispose()


def _clear(url: str) -> None:
    """The public tables as an older server leaves them: here, simply empty."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(public_figures.delete())
            conn.execute(public_records.delete())
    finally:
        engine.dispose()


def test_the_upgrade_recomputes_the_public_tables(url: str) -> None:
    migrate(url)
    s = seed(12)
    for m in s.mutations:
        if m.entity == "election":
            m.changes["official_threshold"] = (None, 55_000)
    ms_nik = next(r[1] for r in s.supporters if r[5] == "MS")
    twice = Mutation(str(uuid.uuid4()), "supporter", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        "pair_id": (None, s.party_pair_id), "nik": (None, ms_nik),
        "kecamatan_code": (None, "32.14.01"), "admin_status": (None, "MS"),
    })  # fmt: skip
    state = open_state(ServerConfig(database_url=url))
    state.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))  # in the support period
    try:
        done = apply_batch(state.engine, state.config, ADMIN, "seed", [*s.mutations, twice])
    finally:
        state.engine.dispose()
    assert {r.status.value for r in done} == {"applied"}
    cells, copies = _public(url)
    assert copies[s.election_id]["official_threshold"] == 55_000
    ms = sum(c[4] for c in cells if c[0] == s.independent_id)
    assert ms == 5  # 6 MS in the seed, one of them backing the other pair too
    alembic_to(url, "0012", down=True)
    _clear(url)
    alembic_to(url, "0013")
    assert _public(url) == (cells, copies)


def test_the_0014_upgrade_counts_a_row_rechecked_away_from_ms_by_its_admin_verdict(
    url: str,
) -> None:
    migrate(url)
    s = seed(12)
    first = next(r[0] for r in s.supporters if r[5] == "MS")

    def edit(version: int, changes: dict[str, Any]) -> Mutation:
        return Mutation(str(uuid.uuid4()), "supporter", first, SCOPE, Op.UPSERT, version, {
            k: (None, v) for k, v in changes.items()
        })  # fmt: skip

    state = open_state(ServerConfig(database_url=url))
    state.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
    try:
        done = apply_batch(state.engine, state.config, ADMIN, "seed", s.mutations)
        done += apply_batch(
            state.engine, state.config, ADMIN, "f", [edit(1, verdict("MS", "field"))]
        )
        done += apply_batch(state.engine, state.config, ADMIN, "a", [edit(2, verdict("TMS"))])
    finally:
        state.engine.dispose()
    assert {r.status.value for r in done} == {"applied"}
    cells, copies = _public(url)
    assert sum(c[4] for c in cells if c[0] == s.independent_id) == 5  # 6 MS, one re-checked
    alembic_to(url, "0013", down=True)
    _clear(url)
    alembic_to(url, "0014")
    assert _public(url) == (cells, copies)


def test_revision_0016_counts_a_governors_supporters_by_their_kabkota_code(url: str) -> None:
    migrate(url)

    def create(entity: str, changes: dict[str, Any]) -> Mutation:
        return Mutation(str(uuid.uuid4()), entity, str(uuid.uuid4()), "32", Op.UPSERT, 0, {
            k: (None, v) for k, v in changes.items()
        })  # fmt: skip

    election = create("election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"})
    pair = create("pair", {"election_id": election.record_id, "number": 1})
    row = create("supporter", {"pair_id": pair.record_id, "kabkota_code": "32.14",
                               "kecamatan_code": "32.15.01", **verdict("MS")})  # fmt: skip
    state = open_state(ServerConfig(database_url=url))
    try:
        done = apply_batch(state.engine, state.config, ADMIN, "g", [election, pair, row])
    finally:
        state.engine.dispose()
    assert {r.status.value for r in done} == {"applied"}
    cells, copies = _public(url)
    assert [c[2] for c in cells] == ["32.14"]
    alembic_to(url, "0015", down=True)
    _clear(url)  # as an older server left them (here: empty)
    alembic_to(url, "0016")
    assert _public(url) == (cells, copies)


def test_revision_0020_counts_a_supporter_met_in_the_field_backing_another_pair_tms(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server whose push path stored such a supporter in the submission round's cell
    as BMS (the verdict shown, before 0020) publishes it TMS after the upgrade, as the
    desktop's recap and a new server count it."""
    from sync.server.public import figures
    from tests.unit.server.test_public_counted import COUNTED

    migrate(url)
    s = seed(12)
    rid, nik, birth, *_ = next(r for r in s.supporters if r[5] == "MS")

    def supporter(record_id: str, version: int, changes: dict[str, Any]) -> Mutation:
        return Mutation(str(uuid.uuid4()), "supporter", record_id, SCOPE, Op.UPSERT, version, {
            k: (None, v) for k, v in changes.items()
        })  # fmt: skip

    other = {"pair_id": s.party_pair_id, "nik": nik, "birth_date": birth,
             "kecamatan_code": "32.14.01", "kabkota_code": SCOPE, **verdict("MS")}  # fmt: skip
    # The figures as the push path stored them before 0020: by the verdict shown.
    monkeypatch.setattr(figures, "counted_verdict", figures.verdict)
    state = open_state(ServerConfig(database_url=url))
    state.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
    try:
        done = apply_batch(state.engine, state.config, ADMIN, "seed", s.mutations)
        done += apply_batch(state.engine, state.config, ADMIN, "f", [
            supporter(rid, 1, verdict("MS", "field"))
        ])  # fmt: skip
        done += apply_batch(state.engine, state.config, ADMIN, "dup", [
            supporter(str(uuid.uuid4()), 0, other)
        ])  # fmt: skip
    finally:
        state.engine.dispose()
    monkeypatch.undo()
    assert {r.status.value for r in done} == {"applied"}

    def totals() -> dict[str, int]:
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                cells = list(
                    conn.execute(
                        select(public_figures).where(public_figures.c.pair_id == s.independent_id)
                    ).mappings()
                )
                return {n: sum(int(c[n]) for c in cells) for n in figures.COUNTS}
        finally:
            engine.dispose()

    assert totals() == {**COUNTED, "bms": 3, "tms": 2}  # the old figures: BMS
    alembic_to(url, "0019", down=True)
    alembic_to(url, "0020")
    assert totals() == COUNTED


def test_revision_0020_takes_a_pair_not_yet_submitted_off_the_public_pages(url: str) -> None:
    """An older server copied every pair to the public tables, a draft one too: after
    the upgrade only the submitted pairs have a public copy."""
    from sync.server.public import figures

    migrate(url)
    s = seed(3)
    draft = Mutation(str(uuid.uuid4()), "pair", str(uuid.uuid4()), SCOPE, Op.UPSERT, 0, {
        "election_id": (None, s.election_id), "number": (None, 3), "status": (None, "draft"),
    })  # fmt: skip
    state = open_state(ServerConfig(database_url=url))
    state.config.clock = Clock(dt.datetime(2024, 5, 6, tzinfo=dt.UTC))
    try:
        done = apply_batch(state.engine, state.config, ADMIN, "seed", [*s.mutations, draft])
    finally:
        state.engine.dispose()
    assert {r.status.value for r in done} == {"applied"}
    _cells, copies = _public(url)
    assert draft.record_id not in copies and s.independent_id in copies
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:  # as the older server's push path left it
            fields = {k: v for k, (_old, v) in draft.changes.items()}
            conn.execute(public_records.insert().values(
                id=draft.record_id, entity="pair", fields=figures.public_copy("pair", fields)
            ))  # fmt: skip
    finally:
        engine.dispose()
    alembic_to(url, "0019", down=True)
    alembic_to(url, "0020")
    assert _public(url) == (_cells, copies)
