"""FastAPI dependencies shared by the routers: the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from sync.server import auth
from sync.server.middleware import AUTHENTICATED
from sync.server.roles import Actor

bearer = HTTPBearer(auto_error=False, description="token from POST /v1/auth/login")


async def current_actor(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The caller of the bearer token; the one the body middleware found for this
    same request and token when it checked it (large bodies), else looked up (in the
    thread pool: a database read)."""
    token = creds.credentials if creds else None
    known = request.scope.get("state", {}).get(AUTHENTICATED)
    if token and known is not None and known[0] == token:
        actor: Actor = known[1]
        return actor
    state = request.app.state.server
    return await run_in_threadpool(auth.authenticate, state.engine, state.config, token)


ActorDep = Annotated[Actor, Depends(current_actor)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
