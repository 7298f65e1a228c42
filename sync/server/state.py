"""The state of one server process: engine, configuration and signing key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from sync import sealed, signing
from sync.protocol import MutationResult
from sync.server import keys
from sync.server.config import ServerConfig
from sync.server.db import make_engine
from sync.server.roles import Actor


@dataclass(slots=True)
class ServerState:
    engine: Engine
    config: ServerConfig
    key: signing.Ed25519PrivateKey
    public_key: str
    key_id: str
    #: the X25519 key outbox bundles are sealed to (its public half: GET /v1/server-key)
    box_key: sealed.X25519PrivateKey | None = None

    @property
    def box_public_key(self) -> str:
        return sealed.public_b64(self.box_key) if self.box_key is not None else ""

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


def open_state(config: ServerConfig) -> ServerState:
    """Engine and signing key of a server (migrated database expected)."""
    engine = make_engine(config.database_url)
    key = keys.load_or_create(engine)
    box = keys.load_or_create_box(engine)
    return ServerState(engine, config, key, signing.public_key_b64(key), signing.key_id(key), box)
