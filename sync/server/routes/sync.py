"""Push and feed: the two halves of online sync."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sync.protocol import encode_feed_page
from sync.server import models
from sync.server.deps import ActorDep
from sync.server.feed import MAX_LIMIT, read_feed
from sync.server.http import ERRORS, StateDep, body_schema, json_response
from sync.server.parsing import parse_push
from sync.server.push import apply_batch

router = APIRouter(tags=["sync"], responses=ERRORS)


@router.post(
    "/v1/push",
    response_model=models.PushResponse,
    openapi_extra=body_schema("PushRequest"),
)
async def push(request: Request, actor: ActorDep, state: StateDep) -> Response:
    raw = await request.body()

    def work() -> dict[str, Any]:
        batch_id, _device_id, mutations = parse_push(raw)
        results = apply_batch(state.engine, state.config, actor, batch_id, mutations)
        # The receipt names the device the session was opened on (as the audit
        # log does), never a device id the body merely claims.
        server_time, receipt = state.sign_receipt(batch_id, actor, actor.device_id, results)
        return {
            "batch_id": batch_id,
            "server_time": server_time,
            "results": [r.to_wire() for r in results],
            "receipt": receipt,
        }

    return json_response(await run_in_threadpool(work))


@router.get("/v1/feed", response_model=models.FeedPageOut)
def feed(
    actor: ActorDep,
    state: StateDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="cursor of the last page")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000,
) -> Response:
    page = read_feed(state.engine, actor, after, limit, state.config.clock.iso())
    return json_response(encode_feed_page(page))
