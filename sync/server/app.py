"""The HTTP application (FastAPI): one router per area, every endpoint authorised
by role and scope.

See docs/PROTOCOL.md for the contract. The routes live in :mod:`sync.server.routes`
(one module per area); this module builds the app and includes them. Heavy work
(push, feed) runs in the thread pool; responses are built with orjson and
gzip-compressed when the client sends ``Accept-Encoding: gzip``.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

from sync.protocol import PROTOCOL_VERSION
from sync.server import models
from sync.server.config import ServerConfig
from sync.server.db import fold_wal
from sync.server.http import ERRORS, install_handlers, json_response
from sync.server.idlefold import IdleFolder
from sync.server.middleware import AnswerGZip, BodyMiddleware
from sync.server.public import encoded
from sync.server.public import lane as public_lane
from sync.server.public import pages as public_pages
from sync.server.routes import accounts, auth, bundles, checks, health, records, snapshot
from sync.server.routes import sync as sync_routes
from sync.server.routes import training as training_routes
from sync.server.snapshot_builder import detach
from sync.server.state import ServerState, open_state

__all__ = ["ERRORS", "App", "ServerState", "create_app", "json_response", "open_state", "tune_gc"]


#: The GIL switch interval of a server process (seconds; Python's default is 0.005).
SWITCH_INTERVAL = 0.001


def tune_gc() -> None:
    """Tune the interpreter of a server process (called once at start).

    - Collect cyclic garbage less often: a push batch allocates some hundred
      thousand short-lived objects (none in cycles), and default thresholds spent
      a fifth of the server's CPU in collections. Objects alive at start are frozen
      out of the collector's view.
    - Switch threads every millisecond instead of every five: a push batch holds the
      GIL in pure Python for a second or more, and each time a public request (or
      the event loop) gives the GIL up for a database read it waited up to a whole
      interval to get it back, several times per request.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


class App(FastAPI):
    """The FastAPI app with the public fast lane in front of everything, Starlette's
    own middleware included (:func:`sync.server.public.lane.answer_cached`): a cached
    public page costs no middleware, routing or request object."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and await public_lane.answer_cached(self.state, scope, send):
            return
        await super().__call__(scope, receive, send)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While running, an idle SQLite server folds its write-ahead log in
    (:mod:`sync.server.idlefold`); at a clean stop (SIGTERM, Ctrl+C) the snapshot
    builder is stopped and the log folded in."""
    app.state.wal_folder = IdleFolder(app.state.server.engine)
    yield
    app.state.wal_folder.stop()
    detach(app.state.server.engine)  # no snapshot build left reading the database
    fold_wal(app.state.server.engine)


def create_app(config: ServerConfig) -> App:
    """The application for one server process (engine and key loaded here)."""
    state = open_state(config)
    from sync.server.training import claim_tenant, refuse_training_tenant

    if config.training:
        claim_tenant(state.engine)
    else:
        refuse_training_tenant(state.engine)
    app = App(
        lifespan=_lifespan,
        title="Silon sync server",
        version=str(PROTOCOL_VERSION),
        description="Central server of Silon Desktop: see docs/PROTOCOL.md.",
    )
    app.state.server = state
    app.add_middleware(
        AnswerGZip,
        skip=public_pages.PREFIX,
        minimum_size=encoded.GZIP_MIN_BYTES,
        compresslevel=encoded.GZIP_LEVEL,
    )
    app.add_middleware(public_lane.CheckLane)  # the NIK check before routing (body read)
    app.add_middleware(
        BodyMiddleware, max_bytes=config.max_body_bytes, read_timeout=config.read_timeout
    )
    install_handlers(app)
    public_pages.install_error_pages(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(sync_routes.router)
    app.include_router(records.router)
    app.include_router(accounts.router)
    app.include_router(bundles.router)
    app.include_router(checks.router)
    app.include_router(public_pages.router)
    app.include_router(public_pages.root_router)
    app.include_router(snapshot.router)
    snapshot.install(app, state)
    if config.training:
        app.include_router(training_routes.router)
    app.openapi = _openapi_factory(app)  # type: ignore[method-assign]
    return app


BODY_MODELS: tuple[type[BaseModel], ...] = (
    models.LoginRequest,
    models.PushRequest,
    models.UserCreate,
    models.UserChange,
    models.PasswordChange,
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
