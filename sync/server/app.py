"""The HTTP API (FastAPI): every endpoint authorised by role and scope.

See docs/PROTOCOL.md for the contract. Heavy work (push, feed) runs in the
thread pool; responses are built with orjson and gzip-compressed when the client
sends ``Accept-Encoding: gzip``.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from sync import signing
from sync.protocol import (
    ENTITIES,
    PROTOCOL_VERSION,
    MutationResult,
    encode_feed_page,
)
from sync.server import accounts, auth, bundles, keys, models
from sync.server.config import ServerConfig
from sync.server.db import make_engine, read_tx
from sync.server.deps import ActorDep, BearerDep
from sync.server.errors import ApiError, forbidden
from sync.server.feed import MAX_LIMIT, read_feed, record_of, scope_filter
from sync.server.middleware import BodyMiddleware
from sync.server.parsing import parse_push
from sync.server.push import apply_batch
from sync.server.roles import Actor
from sync.server.schema import conflicts, records

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": models.ErrorBody, "description": text}
    for code, text in (
        (400, "malformed request"),
        (401, "not logged in, or token expired (error: token_expired)"),
        (403, "outside the caller's role or region"),
        (413, "body too large"),
        (422, "request does not match the schema"),
        (429, "locked out after failed logins (Retry-After)"),
        (503, "busy; retry after Retry-After seconds"),
    )
}


@dataclass(slots=True)
class ServerState:
    engine: Engine
    config: ServerConfig
    key: signing.Ed25519PrivateKey
    public_key: str
    key_id: str

    def sign_receipt(
        self, batch_id: str, actor: Actor, device_id: str, results: list[MutationResult]
    ) -> tuple[str, dict[str, Any]]:
        server_time = self.config.clock.iso()
        body = {
            "batch_id": batch_id,
            "server_time": server_time,
            "username": actor.username,
            "device_id": device_id,
            "key_id": self.key_id,
            "results": [[r.mutation_id, str(r.status), r.version] for r in results],
        }
        receipt = {"body": body, "signature": signing.sign(self.key, body), "key_id": self.key_id}
        return server_time, receipt


def json_response(content: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


def _parse(model: type[models.Strict], raw: bytes) -> Any:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ][:20]
        first = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(422, "invalid_request", f"{where}: {first['msg']}", detail=errors) from exc


def open_state(config: ServerConfig) -> ServerState:
    """Engine and signing key of a server (migrated database expected)."""
    engine = make_engine(config.database_url)
    key = keys.load_or_create(engine)
    return ServerState(engine, config, key, signing.public_key_b64(key), signing.key_id(key))


def tune_gc() -> None:
    """Collect cyclic garbage less often: a push batch allocates some hundred
    thousand short-lived objects (none in cycles), and default thresholds spent
    a fifth of the server's CPU in collections. Objects alive at start are frozen
    out of the collector's view."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def create_app(config: ServerConfig) -> FastAPI:
    """The application for one server process (engine and key loaded here)."""
    state = open_state(config)
    if config.training:
        from sync.server.training import claim_tenant

        claim_tenant(state.engine)
    app = FastAPI(
        title="Silon sync server",
        version=str(PROTOCOL_VERSION),
        description="Central server of Silon Desktop: see docs/PROTOCOL.md.",
    )
    app.state.server = state
    app.add_middleware(GZipMiddleware, minimum_size=512, compresslevel=6)
    app.add_middleware(BodyMiddleware, max_bytes=config.max_body_bytes)
    _install_handlers(app)
    _routes(app, state)
    app.openapi = _openapi_factory(app)  # type: ignore[method-assign]
    return app


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(str(p) for p in first.get("loc", [])) or "request"
        body = {"error": "invalid_request", "message": f"{where}: {first.get('msg')}"}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(OperationalError)
    async def _busy(_request: Request, exc: OperationalError) -> Response:
        text = str(exc.orig).lower()
        if any(word in text for word in ("locked", "busy", "connection", "timeout", "terminat")):
            log.warning("database busy or unavailable: %s", exc)
        else:  # not a passing condition: a bug or a broken schema, keep the traceback
            log.error("database error", exc_info=exc)
        body = {"error": "busy", "message": "server busy, retry later"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})


def _routes(app: FastAPI, state: ServerState) -> None:
    engine, config = state.engine, state.config

    @app.get("/v1/health", response_model=models.Health, tags=["server"])
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "protocol": PROTOCOL_VERSION,
            "server_time": config.clock.iso(),
            "training": config.training,
        }

    @app.get("/v1/server-key", response_model=models.ServerKey, tags=["server"])
    def server_key() -> dict[str, Any]:
        return {"algorithm": "Ed25519", "public_key": state.public_key, "key_id": state.key_id}

    @app.post(
        "/v1/auth/login",
        response_model=models.LoginResponse,
        responses=ERRORS,
        tags=["auth"],
        openapi_extra=_body("LoginRequest"),
    )
    async def login(request: Request) -> Response:
        body: models.LoginRequest = _parse(models.LoginRequest, await request.body())
        if body.public_key:
            try:
                signing.load_public_key(body.public_key)
            except ValueError as exc:
                raise ApiError(422, "invalid_request", f"public_key: {exc}") from exc
        result = await run_in_threadpool(
            auth.login,
            engine,
            config,
            body.username,
            body.password,
            body.device_id,
            body.public_key,
        )
        return json_response(
            {
                "token": result.token,
                "username": result.username,
                "role": str(result.role),
                "region": result.region,
                "expires_at": result.expires_at,
            }
        )

    @app.post("/v1/auth/logout", response_model=models.Ok, responses=ERRORS, tags=["auth"])
    def logout(
        actor: ActorDep,
        creds: BearerDep,
    ) -> dict[str, Any]:
        if creds is not None:
            auth.logout(engine, creds.credentials)
        return {"ok": True}

    @app.get("/v1/me", response_model=models.Me, responses=ERRORS, tags=["auth"])
    def me(actor: ActorDep) -> dict[str, Any]:
        return {
            "username": actor.username,
            "role": str(actor.role),
            "region": actor.region,
            "device_id": actor.device_id,
        }

    @app.post(
        "/v1/push",
        response_model=models.PushResponse,
        responses=ERRORS,
        tags=["sync"],
        openapi_extra=_body("PushRequest"),
    )
    async def push(request: Request, actor: ActorDep) -> Response:
        raw = await request.body()

        def work() -> dict[str, Any]:
            batch_id, _device_id, mutations = parse_push(raw)
            results = apply_batch(engine, config, actor, batch_id, mutations)
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

    @app.get("/v1/feed", response_model=models.FeedPageOut, responses=ERRORS, tags=["sync"])
    def feed(
        actor: ActorDep,
        after: Annotated[int, Query(ge=0, le=2**62, description="cursor of the last page")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000,
    ) -> Response:
        page = read_feed(engine, actor, after, limit, config.clock.iso())
        return json_response(encode_feed_page(page))

    @app.get(
        "/v1/records/{entity}/{record_id}",
        response_model=models.RecordOut,
        responses=ERRORS | {404: {"model": models.ErrorBody}},
        tags=["sync"],
    )
    def get_record(
        entity: Annotated[str, Path(max_length=32)],
        record_id: Annotated[str, Path(max_length=64)],
        actor: ActorDep,
    ) -> Response:
        if entity not in ENTITIES:
            raise ApiError(404, "not_found", f"unknown entity {entity[:32]!r}")
        with read_tx(engine) as conn:
            row = conn.execute(
                select(records).where(records.c.id == record_id, records.c.entity == entity)
            ).first()
        if row is None or not actor.can_read(row.scope):
            if actor.reads_everything:
                raise ApiError(404, "not_found", "no such record")
            raise forbidden()
        return json_response(record_of(row).to_wire())

    @app.get("/v1/conflicts", response_model=models.ConflictList, responses=ERRORS, tags=["sync"])
    def list_conflicts(
        actor: ActorDep,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        record_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        return json_response(_conflicts(engine, actor, after, limit, record_id))

    accounts.routes(app, state, ERRORS)
    bundles.routes(app, state, ERRORS)


def _conflicts(
    engine: Engine, actor: Actor, after: int, limit: int, record_id: str | None
) -> dict[str, Any]:
    stmt = select(conflicts).where(conflicts.c.id > after)
    condition = scope_filter(actor, conflicts.c.scope)
    if condition is not None:
        stmt = stmt.where(condition)
    if record_id:
        stmt = stmt.where(conflicts.c.record_id == record_id)
    with read_tx(engine) as conn:
        rows = conn.execute(stmt.order_by(conflicts.c.id).limit(limit)).mappings().all()
    items = [
        {**{str(k): v for k, v in r.items()}, "fields": orjson.loads(r["fields"])} for r in rows
    ]
    return {
        "conflicts": items,
        "cursor": int(rows[-1]["id"]) if rows else after,
        "has_more": len(rows) == limit,
    }


def _body(model_name: str) -> dict[str, Any]:
    """An OpenAPI requestBody naming a component schema (added in _openapi_factory)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model_name}"}}
            },
        }
    }


BODY_MODELS: tuple[type[BaseModel], ...] = (
    models.LoginRequest,
    models.PushRequest,
    models.UserCreate,
    models.UserChange,
    models.BundleIn,
)


def _openapi_factory(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in BODY_MODELS:
            js = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in js.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components[model.__name__] = js
        app.openapi_schema = schema
        return schema

    return openapi
