"""The server's own automatic check of supporters, beside the clients' forecasts."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response

from sync.server import models
from sync.server.db import read_tx
from sync.server.deps import ActorDep
from sync.server.feed import in_scope_order
from sync.server.http import ERRORS, RECORD_CURSOR_PATTERN, StateDep, json_response
from sync.server.roles import Actor
from sync.server.schema import supporter_checks

router = APIRouter(tags=["sync"], responses=ERRORS)


@router.get("/v1/checks", response_model=models.CheckList)
def list_checks(
    actor: ActorDep,
    state: StateDep,
    after: Annotated[
        str,
        Query(
            max_length=64, pattern=RECORD_CURSOR_PATTERN, description="record id of the last row"
        ),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    disagree: Annotated[bool, Query(description="only rows the client forecast milder")] = False,
) -> Response:
    """The server's verdicts of supporters the caller may read, by record id."""
    with read_tx(state.engine) as conn:
        rows = conn.execute(_page(actor, after, limit, disagree)).all()
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


def _page(actor: Actor, after: str, limit: int, disagree: bool) -> Any:
    """A page of the verdicts ``actor`` may read after record id ``after``, by id (a
    kab/kota's two scopes read from the ``(scope, record_id)`` index and merged)."""
    checks = supporter_checks.c
    conditions = [checks.record_id > after]
    if disagree:
        conditions.append(checks.disagrees.is_(True))
    return in_scope_order(
        actor, [supporter_checks], conditions, checks.record_id, limit, checks.scope, checks.area
    )
