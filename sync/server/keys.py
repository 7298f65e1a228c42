"""The server's keys, kept in the database so every process shares them: the Ed25519
signing key and the X25519 key outbox bundles are sealed to (``sync.sealed``)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from sync import sealed, signing
from sync.server.db import write_tx
from sync.server.schema import meta

KEY_NAME = "signing_key"
BOX_KEY_NAME = "box_key"


def load_or_create(engine: Engine) -> signing.Ed25519PrivateKey:
    """The server key; created on first use (under the write lock, so only once)."""
    with write_tx(engine) as conn:
        row = conn.execute(select(meta.c.value).where(meta.c.key == KEY_NAME)).first()
        if row is not None:
            return signing.load_private_key(bytes(row[0]))
        key = signing.generate_private_key()
        conn.execute(meta.insert().values(key=KEY_NAME, value=signing.private_key_to_pem(key)))
        return key


def load_or_create_box(engine: Engine) -> sealed.X25519PrivateKey:
    """The X25519 key bundles for this server are sealed to; created on first use."""
    with write_tx(engine) as conn:
        row = conn.execute(select(meta.c.value).where(meta.c.key == BOX_KEY_NAME)).first()
        if row is not None:
            return sealed.load_private(bytes(row[0]))
        key = sealed.generate_key()
        conn.execute(meta.insert().values(key=BOX_KEY_NAME, value=sealed.private_bytes(key)))
        return key
