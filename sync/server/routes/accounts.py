"""Accounts: listing, creating and changing users (role and region checked)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sync.server import models
from sync.server.accounts import add_user, change_user, list_users, unlock_user
from sync.server.deps import ActorDep
from sync.server.errors import forbidden
from sync.server.http import (
    ERRORS,
    USERNAME_PATTERN,
    StateDep,
    body_schema,
    json_response,
    parse_body,
)
from sync.server.roles import Role

router = APIRouter(tags=["accounts"], responses=ERRORS)


@router.get("/v1/users", response_model=models.UserList)
def get_users(actor: ActorDep, state: StateDep) -> dict[str, Any]:
    return {"users": list_users(state.engine, actor)}


@router.post(
    "/v1/users",
    response_model=models.UserOut,
    status_code=201,
    responses={409: {"model": models.ErrorBody}},
    openapi_extra=body_schema("UserCreate"),
)
async def create(request: Request, actor: ActorDep, state: StateDep) -> Response:
    body: models.UserCreate = parse_body(models.UserCreate, await request.body())
    role = Role(body.role)
    if not actor.can_manage(role, body.region):
        raise forbidden()
    await run_in_threadpool(
        add_user,
        state.engine,
        state.config,
        actor.username,
        body.username,
        body.password,
        role,
        body.region,
        actor.device_id,
    )
    return json_response(
        {"username": body.username, "role": str(role), "region": body.region, "active": True},
        201,
    )


@router.patch(
    "/v1/users/{username}",
    response_model=models.UserOut,
    responses={404: {"model": models.ErrorBody}},
    openapi_extra=body_schema("UserChange"),
)
async def patch_user(
    request: Request,
    username: Annotated[str, Path(max_length=64, pattern=USERNAME_PATTERN)],
    actor: ActorDep,
    state: StateDep,
) -> Response:
    body: models.UserChange = parse_body(models.UserChange, await request.body())
    out = await run_in_threadpool(change_user, state.engine, state.config, actor, username, body)
    return json_response(out)


@router.post(
    "/v1/users/{username}/unlock",
    response_model=models.Ok,
    responses={404: {"model": models.ErrorBody}},
)
def unlock(
    username: Annotated[str, Path(max_length=64, pattern=USERNAME_PATTERN)],
    actor: ActorDep,
    state: StateDep,
) -> dict[str, Any]:
    """Lift an account's login throttles (every address); audited."""
    unlock_user(state.engine, state.config, actor, username)
    return {"ok": True}
