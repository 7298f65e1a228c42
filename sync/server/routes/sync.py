"""Push and feed: the two halves of online sync."""

from __future__ import annotations

import asyncio
import time
import zlib
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sync.server import gcpause, models, stages
from sync.server.batch import origin_of
from sync.server.deps import ActorDep, BearerDep
from sync.server.feed import MAX_LIMIT, read_feed_rows, record_blocks
from sync.server.http import ERRORS, StateDep, body_schema
from sync.server.parsing import parse_push
from sync.server.public.encoded import GZIP_MIN_BYTES, accepts_gzip
from sync.server.push import apply_batch
from sync.snapshot import Layout

router = APIRouter(tags=["sync"], responses=ERRORS)

#: Pushes of one process at work at once: some parsed and checked while others
#: wait to be committed together (sync.server.db.GroupCommit). The rest wait here,
#: in arrival order (asyncio's semaphore wakes its waiters first come, first
#: served), without a worker thread: the thread pool (40 threads) stays free for
#: feed reads, which a hundred offices pushing at once otherwise queued behind
#: their pushes (bench_offices).
PUSH_SLOTS = 8

RUN_TEXT = (
    "the client's sync run id: a feed asked with skip_own=<run> leaves out what this "
    "push writes (the answer gives the client its versions)"
)


#: The gzip level of a push's answer (the app's GZipMiddleware compresses every other
#: answer at 6). A thousand results are about 140 KB of JSON, mostly random mutation
#: ids that no level compresses: level 6 cost 3.7 us of CPU per result and made
#: 46.1 KB, level 1 costs 1.4 us and makes 49.1 KB.
ANSWER_GZIP_LEVEL = 1
#: The gzip level of a feed page (as a snapshot part's).
FEED_GZIP_LEVEL = 5
LAYOUT_TEXT = (
    "rows: one array per record; columns: one array per column (a block's count "
    "beside them); compact: columns, and a column whose records all agree given once "
    'as {"same": value}'
)


def answer_bytes(
    answer: dict[str, Any], gzip_ok: bool, level: int = ANSWER_GZIP_LEVEL
) -> tuple[bytes, bool]:
    """An answer as JSON, gzip-compressed (gzip framing, at ``level``) when the
    client accepts it and it is not tiny; and whether it was. Called in the worker
    thread: the answer middleware passes an answer that has its Content-Encoding
    as it is."""
    body = orjson.dumps(answer)
    if not gzip_ok or len(body) < GZIP_MIN_BYTES:
        return body, False
    packer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(body) + packer.flush(), True


def encoded_response(body: bytes, compressed: bool) -> Response:
    """A JSON answer made by :func:`answer_bytes`."""
    headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} if compressed else None
    return Response(body, media_type="application/json", headers=headers)


def push_gate(request: Request) -> asyncio.Semaphore:
    """This app's push gate (created in the event loop on first use)."""
    gate: asyncio.Semaphore | None = getattr(request.app.state, "push_gate", None)
    if gate is None:
        gate = request.app.state.push_gate = asyncio.Semaphore(PUSH_SLOTS)
    return gate


@router.post(
    "/v1/push",
    response_model=models.PushResponse,
    openapi_extra=body_schema("PushRequest"),
)
async def push(
    request: Request,
    actor: ActorDep,
    creds: BearerDep,
    state: StateDep,
    run: Annotated[str, Query(max_length=64, description=RUN_TEXT)] = "",
) -> Response:
    raw = await request.body()
    arrived = time.perf_counter()
    gzip_ok = accepts_gzip(request.headers.get("accept-encoding"))

    def work() -> tuple[bytes, bool]:
        stages.since("push.thread_wait", handed)
        with stages.timed("push.parse"):
            batch_id, _device_id, mutations = parse_push(raw)
        with stages.timed("push.apply"):
            results = apply_batch(
                state.engine,
                state.config,
                actor,
                batch_id,
                mutations,
                origin=origin_of(actor, run),
                session=creds.credentials if creds else None,
            )
        # The receipt names the device the session was opened on (as the audit
        # log does), never a device id the body merely claims.
        with stages.timed("push.sign"):
            server_time, receipt = state.sign_receipt(batch_id, actor, actor.device_id, results)
        answer = {
            "batch_id": batch_id,
            "server_time": server_time,
            "results": [r.to_wire() for r in results],
            "receipt": receipt,
        }
        # Encoded here, in the worker thread: the answer middleware passes an
        # answer that has its Content-Encoding as it is.
        return answer_bytes(answer, gzip_ok)

    async with push_gate(request):
        stages.since("push.gate_wait", arrived)
        handed = time.perf_counter()
        body, compressed = await run_in_threadpool(gcpause.run, work, len(raw))
    response = encoded_response(body, compressed)
    stages.since("push.total", arrived)
    return response


@router.get("/v1/feed", response_model=models.FeedPageOut)
def feed(
    request: Request,
    actor: ActorDep,
    state: StateDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="cursor of the last page")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000,
    skip_own: Annotated[
        str,
        Query(
            max_length=64,
            description="a sync run id: leave out what this device pushed in that run",
        ),
    ] = "",
    layout: Annotated[Layout, Query(description=LAYOUT_TEXT)] = Layout.ROWS,
) -> Response:
    # Blocks made as a snapshot part's (the page's fields parsed in one call), and
    # compressed here in the worker thread, not by the middleware on the event loop.
    rows, cursor, has_more = read_feed_rows(state.engine, actor, after, limit, skip_own=skip_own)
    answer = {
        "cursor": cursor,
        "has_more": has_more,
        "server_time": state.config.clock.iso(),
        "read_rules": actor.read_rules,
        "entities": record_blocks(rows, layout),
    }
    gzip_ok = accepts_gzip(request.headers.get("accept-encoding"))
    return encoded_response(*answer_bytes(answer, gzip_ok, FEED_GZIP_LEVEL))
