"""A training server's own pages (included only in training mode).

- ``GET /v1/training``: the server's identity, for laptops (no login needed).
- ``GET /latihan/pelatih?kunci=K``: the trainer's view of the room.
- ``GET /latihan/lembar?kunci=K``: the printable account sheet.
- ``POST /latihan/bundel?kunci=K``: import a trainee's USB bundle (the body is the file).

``K`` is the trainer key printed when the server starts. The pages are rendered
by :mod:`sync.server.training_page`.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from sync.server import training, training_page
from sync.server.db import write_tx
from sync.server.errors import ApiError
from sync.server.http import StateDep
from sync.server.state import ServerState

router = APIRouter(tags=["training"])

Key = Annotated[str, Query(max_length=64, description="trainer key printed at start")]


def _check(state: ServerState, kunci: str) -> None:
    if not hmac.compare_digest(kunci.encode(), training.trainer_token(state.engine).encode()):
        raise ApiError(403, "forbidden", "kunci halaman pelatih salah")


@router.get("/v1/training")
def identity(state: StateDep) -> JSONResponse:
    return JSONResponse({"training_id": training.identity(state.engine)})


@router.get("/latihan/pelatih", response_class=HTMLResponse)
def trainer_page(state: StateDep, kunci: Key = "") -> HTMLResponse:
    _check(state, kunci)
    return HTMLResponse(training_page.trainer_view(state.engine))


@router.get("/latihan/lembar", response_class=HTMLResponse)
def sheet(request: Request, state: StateDep, kunci: Key = "") -> HTMLResponse:
    _check(state, kunci)
    # The address printed for the room, even when the trainer opens this on localhost.
    address = training.room_address(state.engine) or f"{request.url.scheme}://{request.url.netloc}"
    return HTMLResponse(training_page.account_sheet(state.engine, address))


@router.post("/latihan/bundel")
async def bundle(request: Request, state: StateDep, kunci: Key = "") -> Response:
    _check(state, kunci)
    raw = await request.body()
    try:
        out = await run_in_threadpool(_import_bundle, state, raw)
    except ApiError as exc:
        from sync.server.bundles import refusal_text

        # Shown as it is on the trainer's page: the reason in Indonesian, not the API's.
        return PlainTextResponse(refusal_text(exc).removeprefix("Bundel ditolak: "), exc.status)
    return JSONResponse({"bundle_id": out["bundle_id"], "applied": len(out["results"])})


def _import_bundle(state: ServerState, raw: bytes) -> dict[str, Any]:
    from sync.server.bundles import import_bundle
    from sync.server.training_key import remember_bundle

    out = import_bundle(state, raw, None, state.config.max_body_bytes)
    with write_tx(state.engine) as conn:
        remember_bundle(conn, str(out["bundle_id"]))
    return out
