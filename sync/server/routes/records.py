"""One record by id, the conflict log, and the contacts of a supporter's open objections."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy import BigInteger, Engine, literal, select

from sync.protocol import ENTITIES
from sync.server import models
from sync.server.db import read_tx
from sync.server.deps import ActorDep
from sync.server.errors import ApiError, forbidden
from sync.server.feed import record_of, scope_filter
from sync.server.http import ERRORS, RECORD_ID_PATTERN, StateDep, json_response
from sync.server.public import objections
from sync.server.roles import Actor
from sync.server.schema import conflicts, records

router = APIRouter(tags=["sync"], responses=ERRORS)


@router.get(
    "/v1/records/{entity}/{record_id}",
    response_model=models.RecordOut,
    responses={404: {"model": models.ErrorBody}},
)
def get_record(
    entity: Annotated[str, Path(max_length=32)],
    record_id: Annotated[str, Path(max_length=64, pattern=RECORD_ID_PATTERN)],
    actor: ActorDep,
    state: StateDep,
) -> Response:
    if entity not in ENTITIES:
        raise ApiError(404, "not_found", f"unknown entity {entity[:32]!r}")
    with read_tx(state.engine) as conn:
        row = conn.execute(
            select(records).where(records.c.id == record_id, records.c.entity == entity)
        ).first()
    if row is None or not actor.can_read(row.scope, row.area):
        if actor.reads_everything:
            raise ApiError(404, "not_found", "no such record")
        raise forbidden()
    return json_response(record_of(row).to_wire())


@router.get("/v1/conflicts", response_model=models.ConflictList)
def list_conflicts(
    actor: ActorDep,
    state: StateDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    record_id: Annotated[str | None, Query(max_length=64, pattern=RECORD_ID_PATTERN)] = None,
) -> Response:
    return json_response(read_conflicts(state.engine, actor, after, limit, record_id))


def read_conflicts(
    engine: Engine, actor: Actor, after: int, limit: int, record_id: str | None
) -> dict[str, Any]:
    # Bound as a 64-bit integer: compared as the column's own (32-bit on PostgreSQL),
    # a cursor past 2**31 - 1 failed the query there ("integer out of range").
    stmt = select(conflicts).where(conflicts.c.id > literal(after, BigInteger))
    # A kab/kota reads its share of its province's governor election (the supporters
    # living in it), so the conflicts made on them while they lived in it: by the area
    # the conflict was made in, not the record's current one (a supporter moved to
    # another kab/kota took the old one's losing proposal, its user name and device, to
    # the new one's operators).
    area = conflicts.c.area if actor.reads_by_area else None
    condition = scope_filter(actor, conflicts.c.scope, area)
    if condition is not None:
        stmt = stmt.where(condition)
    if record_id:
        stmt = stmt.where(conflicts.c.record_id == record_id)
    with read_tx(engine) as conn:
        rows = conn.execute(stmt.order_by(conflicts.c.id).limit(limit)).mappings().all()
    items = [
        {**{str(k): v for k, v in r.items()}, "fields": orjson.loads(r["fields"])} for r in rows
    ]
    return {
        "conflicts": items,
        "cursor": int(rows[-1]["id"]) if rows else after,
        "has_more": len(rows) == limit,
    }


@router.get("/v1/objections", response_model=models.ObjectionContactList)
def list_objection_contacts(
    actor: ActorDep,
    state: StateDep,
    record_id: Annotated[str, Query(max_length=64, pattern=RECORD_ID_PATTERN)],
) -> Response:
    """The open citizen objections against one supporter with their contacts, for the
    office that verifies it (:func:`sync.server.public.objections.open_contacts`)."""
    found = objections.open_contacts(state.engine, actor, record_id, state.config.clock.iso())
    return json_response({"record_id": record_id, "objections": found})
