"""Revision 0019: an upgraded server knows the elections a kab/kota entered itself
from the audit log; on the others (KPU RI's) a kab/kota fills no empty field."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from sync.server.db import migrate
from sync.server.schema import kabkota_elections, users
from tests.unit.server.migrating import KAB, RI, alembic_to, push_election
from tests.unit.server.migrating import url as url  # noqa: F401 (fixture)


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
    assert push_election(url, RI, above, 0, {"name": "Pilbup", "kind": "bupati"}) == "applied"
    assert push_election(url, KAB, own, 0, {"name": "Pilbup", "kind": "bupati"}) == "applied"
    alembic_to(url, "0018", down=True)
    alembic_to(url, "0019")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            listed = conn.execute(select(kabkota_elections)).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in listed] == [(own, "op3214")]
    assert push_election(url, KAB, above, 1, {"dpt": 10}) == "rejected READ_ONLY"
    assert push_election(url, KAB, own, 1, {"dpt": 10}) == "applied"
