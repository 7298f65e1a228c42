"""Revision 0019: an upgraded server knows the elections a kab/kota entered itself
from the audit log; on the others (KPU RI's) a kab/kota fills no empty field."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from sync.protocol import Mutation, MutationResult, Op
from sync.server.app import open_state
from sync.server.config import ServerConfig
from sync.server.db import migrate
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from sync.server.schema import kabkota_elections, users
from tests.unit.server.migrating import alembic_to
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)

RI = Actor("ri", Role.KPU_RI, "", "dev-ri")
KAB = Actor("op3214", Role.KABKOTA, "32.14", "dev-kab")


def _push(url: str, actor: Actor, record_id: str, base: int, changes: dict[str, Any]) -> str:
    mutation = Mutation(str(uuid.uuid4()), "election", record_id, "32.14", Op.UPSERT, base, {
        k: (None, v) for k, v in changes.items()
    })  # fmt: skip
    state = open_state(ServerConfig(database_url=url))
    try:
        result: MutationResult
        [result] = apply_batch(state.engine, state.config, actor, str(uuid.uuid4()), [mutation])
    finally:
        state.engine.dispose()
    return f"{result.status.value} {result.code}".strip()


def test_the_upgrade_lists_the_elections_kabkota_accounts_made(url: str) -> None:  # noqa: F811
    migrate(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(
                users.insert(),
                [
                    {"username": a.username, "password_hash": "-", "role": str(a.role),
                     "region": a.region, "active": True, "created_at": 0.0}
                    for a in (RI, KAB)
                ],
            )  # fmt: skip
    finally:
        engine.dispose()
    above, own = str(uuid.uuid4()), str(uuid.uuid4())
    assert _push(url, RI, above, 0, {"name": "Pilbup", "kind": "bupati"}) == "applied"
    assert _push(url, KAB, own, 0, {"name": "Pilbup", "kind": "bupati"}) == "applied"
    alembic_to(url, "0018", down=True)
    alembic_to(url, "0019")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            listed = conn.execute(select(kabkota_elections)).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in listed] == [(own, "op3214")]
    assert _push(url, KAB, above, 1, {"dpt": 10}) == "rejected READ_ONLY"
    assert _push(url, KAB, own, 1, {"dpt": 10}) == "applied"
