"""Helpers shared by the route modules: JSON answers, strict bodies, error docs.

Every error the server answers has the one body shape ``{"error", "message"}``
(docs/PROTOCOL.md, "Errors"); the handlers that make sure of it are installed
by :func:`install_handlers`.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol import KEY_NONCE_MAX, KEY_NONCE_MIN
from sync.server import models
from sync.server.errors import ApiError
from sync.server.state import ServerState

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": models.ErrorBody, "description": text}
    for code, text in (
        (400, "malformed request (error: bad_json, bad_gzip, bad_request)"),
        (401, "not logged in, or token expired (error: token_expired)"),
        (403, "outside the caller's role or region"),
        (413, "body too large"),
        (422, "request does not match the schema"),
        (429, "too many attempts; retry after Retry-After seconds"),
        (503, "busy; retry after Retry-After seconds"),
    )
}


#: A record id as pushes write them (``sync.server.parsing``): a path or query value of
#: another form names no record. PostgreSQL refuses some text outright (a NUL
#: character): such a value failed its query there with a 500 where SQLite found nothing.
RECORD_ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
#: A cursor of record ids: one, or empty (from the first).
RECORD_CURSOR_PATTERN = r"^[A-Za-z0-9_.:-]*$"
#: An account name: anything but a NUL character (the command line makes accounts of
#: any other name; see :data:`RECORD_ID_PATTERN` for why).
USERNAME_PATTERN = r"^[^\x00]+$"


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.server
    return state


StateDep = Annotated[ServerState, Depends(server_state)]
#: ``?nonce=``: the client's fresh random nonce (base64), which the answer's proof
#: signs over (``GET /v1/server-key``, ``POST /v1/auth/login``).
NonceQuery = Annotated[
    str | None,
    Query(
        min_length=KEY_NONCE_MIN,
        max_length=KEY_NONCE_MAX,
        pattern=r"^[A-Za-z0-9+/=_-]+$",
        description="the client's fresh random nonce (base64): the answer carries a proof",
    ),
]


def json_response(content: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


def parse_body(model: type[models.Strict], raw: bytes) -> Any:
    """A strict request body: 400 ``bad_json`` when unreadable, 422 naming the first wrong key."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors(include_url=False)):
            raise ApiError(400, "bad_json", "body is not valid JSON") from exc
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ][:20]
        first = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(422, "invalid_request", f"{where}: {first['msg']}", detail=errors) from exc


def body_schema(model_name: str) -> dict[str, Any]:
    """An OpenAPI requestBody naming a component schema (added by the app's openapi())."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model_name}"}}
            },
        }
    }


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def install_handlers(app: FastAPI) -> None:
    """One body shape ``{"error", "message"}`` for every status the server answers."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        state: ServerState = request.app.state.server
        return JSONResponse(exc.signed_body(state.key), status_code=exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404:
            message = "no such route"
        elif exc.status_code == 405:
            message = "method not allowed on this route"
        return JSONResponse(
            {"error": code, "message": message},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(str(p) for p in first.get("loc", [])) or "request"
        body = {"error": "invalid_request", "message": f"{where}: {first.get('msg')}"}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(OperationalError)
    async def _busy(_request: Request, exc: OperationalError) -> Response:
        return busy_response(exc)

    @app.exception_handler(PoolTimeout)
    async def _pool_full(_request: Request, exc: PoolTimeout) -> Response:
        # Every connection of the pool was taken for pool_timeout seconds: a burst of
        # requests, passing; the client retries after a second as for a lock.
        log.warning("database connection pool exhausted: %s", exc)
        return busy_answer()


def busy_response(exc: OperationalError) -> Response:
    """503 ``busy`` (Retry-After 1) for a database error, logged by its kind."""
    text = str(exc.orig).lower()
    if any(word in text for word in ("locked", "busy", "connection", "timeout", "terminat")):
        log.warning("database busy or unavailable: %s", exc)
    else:  # not a passing condition: a bug or a broken schema, keep the traceback
        log.error("database error", exc_info=exc)
    return busy_answer()


def busy_answer() -> Response:
    """503 ``busy``: the client retries after a second."""
    body = {"error": "busy", "message": "server busy, retry later"}
    return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
