"""Scope snapshots for a client's first sync (format: :mod:`sync.snapshot`)."""

from __future__ import annotations

import gzip
import threading
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sync.server import models, snapshot_builder
from sync.server.deps import ActorDep
from sync.server.errors import ApiError
from sync.server.http import ERRORS, StateDep, json_response
from sync.server.snapshots import SnapshotCache
from sync.server.state import ServerState
from sync.snapshot import Layout

router = APIRouter(tags=["sync"], responses=ERRORS)

_init_lock = threading.Lock()


def install(app: FastAPI, state: ServerState) -> None:
    """Give ``app`` its snapshot cache and the builder that keeps it current
    (:mod:`sync.server.snapshot_builder`)."""
    cache = app.state.snapshots = SnapshotCache()
    app.state.snapshot_builder = snapshot_builder.attach(state, cache)


def _cache(request: Request) -> SnapshotCache:
    """This app's snapshot cache (one per server process and database)."""
    with _init_lock:
        cache: SnapshotCache | None = getattr(request.app.state, "snapshots", None)
        if cache is None:
            cache = request.app.state.snapshots = SnapshotCache()
        return cache


@router.get("/v1/snapshot", response_model=models.SnapshotManifest)
async def manifest(
    request: Request,
    actor: ActorDep,
    state: StateDep,
    layout: Annotated[
        Literal["rows", "columns", "compact"],
        Query(
            description="columns: each part's blocks as one array per column (smaller); "
            'compact: the same, with a column whose records all agree as {"same": value}'
        ),
    ] = "rows",
) -> Response:
    """The signed manifest of a snapshot of the caller's read scope (built if needed)."""
    get = partial(_cache(request).get, state, actor, layout=Layout(layout))
    built = await run_in_threadpool(get)
    return json_response(built.manifest)


@router.get(
    "/v1/snapshot/{snapshot_id}/{part}",
    response_model=models.FeedPageOut,
    responses={410: {"model": models.ErrorBody, "description": "snapshot no longer kept"}},
)
def snapshot_part(
    request: Request,
    actor: ActorDep,
    snapshot_id: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9-]+$")],
    part: Annotated[int, Path(ge=0, le=1_000_000)],
) -> Response:
    """Part ``part`` of a snapshot named by an earlier manifest (gzip-encoded JSON)."""
    built = _cache(request).find(actor, snapshot_id)
    if built is None or part >= len(built.parts):
        raise ApiError(410, "snapshot_gone", "snapshot no longer kept: ask GET /v1/snapshot again")
    data = built.parts[part]
    if "gzip" not in request.headers.get("accept-encoding", "").lower():
        return Response(gzip.decompress(data), media_type="application/json")
    return Response(data, media_type="application/json", headers={"Content-Encoding": "gzip"})
