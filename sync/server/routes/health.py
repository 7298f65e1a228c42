"""Server health and the receipt-signing public key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sync import signing
from sync.protocol import (
    HEALTH_PATH,
    PROTOCOL_VERSION,
    SERVER_KEY_PATH,
    key_proof_body,
)
from sync.server import models
from sync.server.http import NonceQuery, StateDep

router = APIRouter(tags=["server"])


@router.get(HEALTH_PATH, response_model=models.Health)
def health(state: StateDep) -> dict[str, Any]:
    return {
        "status": "ok",
        "protocol": PROTOCOL_VERSION,
        "server_time": state.config.clock.iso(),
        "training": state.config.training,
    }


@router.get(SERVER_KEY_PATH, response_model=models.ServerKey)
def server_key(
    state: StateDep,
    nonce: NonceQuery = None,
) -> dict[str, Any]:
    """The signing key and the box key, with (given a nonce) the signing key's proof
    over both: a client that pinned the key checks the proof against the pin, so a
    man in the middle cannot hand back the pinned key, nor put its own box key beside
    it (``sync.protocol.key_proof_body``)."""
    answer = {
        "algorithm": "Ed25519",
        "public_key": state.public_key,
        "key_id": state.key_id,
        "box_key": state.box_public_key,
        "proof": "",
    }
    if nonce is not None:
        body = key_proof_body(nonce, state.public_key, state.key_id, state.box_public_key)
        answer["proof"] = signing.sign(state.key, body)
    return answer
