"""Login, logout and the caller's own account."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sync import signing
from sync.protocol import LOGIN_REFUSALS_SIGNED, login_proof_body, login_refused_body
from sync.server import auth, models
from sync.server.deps import ActorDep, BearerDep
from sync.server.errors import ApiError
from sync.server.http import (
    ERRORS,
    NonceQuery,
    StateDep,
    body_schema,
    json_response,
    parse_body,
)
from sync.server.roles import Actor

router = APIRouter(tags=["auth"], responses=ERRORS)


@router.post(
    "/v1/auth/login",
    response_model=models.LoginResponse,
    openapi_extra=body_schema("LoginRequest"),
)
async def login(request: Request, state: StateDep, nonce: NonceQuery = None) -> Response:
    """A session for this user and device; given ``?nonce=``, the answer carries the
    signing key's proof over it and the fields the desktop acts on
    (``sync.protocol.login_proof_body``): a man in the middle cannot change the region
    or rules it answers (which decide whether the data on a PC still opens). Its refusal
    of the account (``sync.protocol.LOGIN_REFUSALS_SIGNED``) carries the proof of
    ``sync.protocol.login_refused_body`` over the nonce: only that locks a PC whose
    data the refused password still opens."""
    body: models.LoginRequest = parse_body(models.LoginRequest, await request.body())
    if body.public_key:
        try:
            signing.load_public_key(body.public_key)
        except ValueError as exc:
            raise ApiError(422, "invalid_request", f"public_key: {exc}") from exc
    source = request.client.host if request.client is not None else ""
    try:
        result = await run_in_threadpool(
            auth.login,
            state.engine,
            state.config,
            body.username,
            body.password,
            body.device_id,
            body.public_key,
            source,
        )
    except ApiError as exc:
        if nonce is not None and exc.code in LOGIN_REFUSALS_SIGNED:
            # the refusals the desktop locks its data on: only on the signing key's word
            exc.signed = login_refused_body(nonce, body.username, exc.code)
        if exc.delay:
            await asyncio.sleep(exc.delay)  # the account is being guessed: slow, never locked
        raise
    answer = {
        "token": result.token,
        "username": result.username,
        "role": str(result.role),
        "region": result.region,
        "expires_at": result.expires_at,
        "device_secret": result.device_secret,
        "offline_days": result.offline_days,
        "read_rules": Actor(
            result.username,
            result.role,
            result.region,
            body.device_id,
            training_server=state.config.training,
        ).read_rules,
        "proof": "",
    }
    if nonce is not None:
        answer["proof"] = signing.sign(state.key, _login_proof(nonce, body.device_id, answer))
    return json_response(answer)


def _login_proof(nonce: str, device_id: str, answer: dict[str, Any]) -> dict[str, str]:
    return login_proof_body(
        nonce,
        username=answer["username"],
        device_id=device_id,
        role=answer["role"],
        region=answer["region"],
        read_rules=answer["read_rules"],
        offline_days=answer["offline_days"],
        token=answer["token"],
        device_secret=answer["device_secret"],
    )


@router.post("/v1/auth/logout", response_model=models.Ok)
def logout(actor: ActorDep, creds: BearerDep, state: StateDep) -> dict[str, Any]:
    if creds is not None:
        auth.logout(state.engine, creds.credentials)
    return {"ok": True}


@router.post(
    "/v1/me/password",
    response_model=models.PasswordChanged,
    responses={
        403: {
            "model": models.ErrorBody,
            "description": "wrong_password; practice_password (a training server's account)",
        },
        409: {"model": models.ErrorBody, "description": "password_changed_meanwhile"},
        429: {"model": models.ErrorBody, "description": "locked (too many wrong passwords)"},
    },
    openapi_extra=body_schema("PasswordChange"),
)
async def change_password(
    request: Request, actor: ActorDep, creds: BearerDep, state: StateDep
) -> Response:
    """The caller changes its own password: the current one is checked and counted as a
    login's; every other session of the account ends, this one stays
    (:func:`sync.server.auth.change_password`)."""
    body: models.PasswordChange = parse_body(models.PasswordChange, await request.body())
    source = request.client.host if request.client is not None else ""
    token = creds.credentials if creds is not None else ""
    try:
        ended = await run_in_threadpool(
            auth.change_password,
            state.engine,
            state.config,
            actor,
            token,
            body.current_password,
            body.new_password,
            source,
        )
    except ApiError as exc:
        if exc.delay:
            await asyncio.sleep(exc.delay)  # as a failed login's: slow, never locked
        raise
    return json_response({"ok": True, "sessions_ended": ended})


@router.get("/v1/me", response_model=models.Me)
def me(actor: ActorDep) -> dict[str, Any]:
    return {
        "username": actor.username,
        "role": str(actor.role),
        "region": actor.region,
        "device_id": actor.device_id,
    }
