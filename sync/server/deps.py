"""FastAPI dependencies shared by the routers: the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sync.server import auth
from sync.server.roles import Actor

bearer = HTTPBearer(auto_error=False, description="token from POST /v1/auth/login")


def current_actor(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    state = request.app.state.server
    return auth.authenticate(state.engine, state.config, creds.credentials if creds else None)


ActorDep = Annotated[Actor, Depends(current_actor)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
