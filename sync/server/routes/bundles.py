"""Sync bundles carried on a USB stick, imported over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sync.server import models
from sync.server.bundles import import_bundle
from sync.server.deps import ActorDep, BearerDep
from sync.server.http import ERRORS, StateDep, body_schema, json_response

router = APIRouter(tags=["sync"], responses=ERRORS)


@router.post(
    "/v1/bundles",
    response_model=models.BundleResponse,
    openapi_extra=body_schema("BundleIn"),
    responses={409: {"model": models.ErrorBody}},
)
async def post_bundle(
    request: Request, actor: ActorDep, creds: BearerDep, state: StateDep
) -> Response:
    raw = await request.body()
    limit = state.config.max_body_bytes  # inflated like a gzip request body
    session = creds.credentials if creds else None
    out = await run_in_threadpool(import_bundle, state, raw, actor, limit, session)
    return json_response(out)
