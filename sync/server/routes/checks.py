"""The server's own automatic check of supporters, beside the clients' forecasts."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import select

from sync.server import models
from sync.server.db import read_tx
from sync.server.deps import ActorDep
from sync.server.feed import scope_filter
from sync.server.http import ERRORS, StateDep, json_response
from sync.server.schema import supporter_checks

router = APIRouter(tags=["sync"], responses=ERRORS)


@router.get("/v1/checks", response_model=models.CheckList)
def list_checks(
    actor: ActorDep,
    state: StateDep,
    after: Annotated[str, Query(max_length=64, description="record id of the last row")] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    disagree: Annotated[bool, Query(description="only rows the client forecast milder")] = False,
) -> Response:
    """The server's verdicts of supporters the caller may read, by record id."""
    stmt = select(supporter_checks).where(supporter_checks.c.record_id > after)
    condition = scope_filter(actor, supporter_checks.c.scope, supporter_checks.c.area)
    if condition is not None:
        stmt = stmt.where(condition)
    if disagree:
        stmt = stmt.where(supporter_checks.c.disagrees.is_(True))
    with read_tx(state.engine) as conn:
        rows = conn.execute(stmt.order_by(supporter_checks.c.record_id).limit(limit)).all()
    items = [
        {
            "record_id": r.record_id,
            "scope": r.scope,
            "status": r.status,
            "reasons": orjson.loads(r.reasons),
            "client_status": r.client_status,
            "disagrees": bool(r.disagrees),
        }
        for r in rows
    ]
    cursor = rows[-1].record_id if rows else after
    return json_response({"checks": items, "cursor": cursor, "has_more": len(rows) == limit})
