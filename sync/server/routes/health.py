"""Server health and the receipt-signing public key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sync.protocol import HEALTH_PATH, PROTOCOL_VERSION
from sync.server import models
from sync.server.http import StateDep

router = APIRouter(tags=["server"])


@router.get(HEALTH_PATH, response_model=models.Health)
def health(state: StateDep) -> dict[str, Any]:
    return {
        "status": "ok",
        "protocol": PROTOCOL_VERSION,
        "server_time": state.config.clock.iso(),
        "training": state.config.training,
    }


@router.get("/v1/server-key", response_model=models.ServerKey)
def server_key(state: StateDep) -> dict[str, Any]:
    return {
        "algorithm": "Ed25519",
        "public_key": state.public_key,
        "key_id": state.key_id,
        "box_key": state.box_public_key,
    }
